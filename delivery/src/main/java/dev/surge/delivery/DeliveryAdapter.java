package dev.surge.delivery;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.SupplierConfig;
import java.util.List;

/**
 * The engine's delivery port: decodes what passes the ring's delivery stage into work for the
 * {@link DeliveryAgent}, in ring order. Granted recharge items become jobs; campaign and supplier
 * configurations, re-drives, revocations of grants and the answers to the dispatcher's own
 * commands become messages.
 * It only parses and enqueues (a grant without a recharge item costs a parse and no allocation),
 * so a slow supplier never holds back the ring.
 *
 * <p>Threading: the ring's journal thread only (its views are reused).
 */
final class DeliveryAdapter implements DeliveryPort {
    private final DeliveryAgent agent;
    private final EventView view = new EventView();
    private final ReplyView reply = new ReplyView();

    DeliveryAdapter(DeliveryAgent agent) {
        this.agent = agent;
    }

    @Override
    public void onJournaled(CommandSlot slot) {
        if (slot.context instanceof DeliveryCall call) {
            String message = slot.result == ResultCode.INVALID
                ? reply.read(slot.type, slot.reply, slot.replyLength).message : "";
            agent.answered(call, slot.result, slot.journaled, message, slot.answer);
            return;
        }
        if (!slot.journaled || slot.eventLength == 0) {
            return;
        }
        byte type = slot.event.getByte(0);
        if (type == EventType.CLAIM_GRANTED.code() || type == EventType.PAYMENT_RECORDED.code()) {
            granted(slot); // a paid order's grant (PAID) is delivered as a free claim's
        } else if (type == EventType.CAMPAIGN_CONFIGURED.code() && view.wrap(slot.event, 0, slot.eventLength)) {
            CampaignSpec spec = view.spec();
            for (CampaignSpec.SkuSpec sku : spec.skus) {
                if (sku.kind == SkuKind.DIRECT_RECHARGE) {
                    agent.routeConfigured(spec.id + "/" + sku.id, List.copyOf(sku.suppliers));
                }
            }
        } else if (type == EventType.SUPPLIER_CONFIGURED.code() && view.wrap(slot.event, 0, slot.eventLength)) {
            agent.supplierConfigured(new SupplierConfig(view.supplier(), view.url(), view.secret(), view.timeoutMs,
                view.maxConcurrency, view.timestamp));
        } else if (type == EventType.DELIVERIES_REDRIVEN.code()) {
            agent.redriven();
        } else if (type == EventType.GRANT_REVOKED.code() && view.wrap(slot.event, 0, slot.eventLength)) {
            agent.revoked(view.grantHi, view.grantLo);
        }
    }

    private void granted(CommandSlot slot) {
        if (!view.wrap(slot.event, 0, slot.eventLength) || view.itemCount == 0) {
            return; // a payment that granted nothing (refunded, refused)
        }
        for (int i = 0; i < view.itemCount; i++) {
            if (view.itemCode[i] < 0) {
                agent.granted(new DeliveryJob(view.grantHi, view.grantLo, i, view.campaign(), view.itemSku(i),
                    view.account()));
            }
        }
    }
}
