package dev.surge.delivery;

import dev.surge.engine.RefundReason;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.SupplierConfig;
import java.util.List;

/**
 * The engine's delivery port: decodes what passes the ring's delivery stage into work for the
 * {@link DeliveryAgent} and the {@link RefundAgent}, in ring order. Granted recharge items and
 * payments to refund become jobs; campaign and supplier configurations, re-drives, revocations of
 * grants and the answers to each dispatcher's own commands become messages. It only parses and
 * enqueues (a grant without a recharge item costs a parse and no allocation), so a slow supplier
 * or payment provider never holds back the ring.
 *
 * <p>Threading: the ring's journal thread only (its views are reused).
 */
public final class DeliveryAdapter implements DeliveryPort {
    private final DeliveryAgent agent;
    private final RefundAgent refunds;
    private final EventView view = new EventView();
    private final ReplyView reply = new ReplyView();

    public DeliveryAdapter(DeliveryAgent agent, RefundAgent refunds) {
        this.agent = agent;
        this.refunds = refunds;
    }

    @Override
    public void onJournaled(CommandSlot slot) {
        if (slot.context instanceof DeliveryCall call) {
            agent.answered(call, slot.result, slot.journaled, message(slot), slot.answer);
            return;
        }
        if (slot.context instanceof RefundCall call) {
            refunds.answered(call, slot.result, slot.journaled, message(slot), slot.answer);
            return;
        }
        if (!slot.journaled || slot.eventLength == 0) {
            return;
        }
        byte type = slot.event.getByte(0);
        if (type == EventType.CLAIM_GRANTED.code() || type == EventType.PAYMENT_RECORDED.code()) {
            if (!view.wrap(slot.event, 0, slot.eventLength)) {
                return;
            }
            if (view.result == ResultCode.REFUND_REQUIRED) {
                refundOwed(slot);
            } else {
                granted(); // a paid order's grant (PAID) is delivered as a free claim's
            }
        } else if (type == EventType.CAMPAIGN_CONFIGURED.code() && view.wrap(slot.event, 0, slot.eventLength)) {
            CampaignSpec spec = view.spec();
            for (CampaignSpec.SkuSpec sku : spec.skus) {
                if (sku.kind == SkuKind.DIRECT_RECHARGE) {
                    agent.routeConfigured(spec.id + "/" + sku.id, List.copyOf(sku.suppliers));
                }
            }
        } else if (type == EventType.SUPPLIER_CONFIGURED.code() && view.wrap(slot.event, 0, slot.eventLength)) {
            SupplierConfig config = new SupplierConfig(view.supplier(), view.url(), view.secret(), view.timeoutMs,
                view.maxConcurrency, view.timestamp);
            agent.supplierConfigured(config);
            refunds.providerConfigured(config); // a payment provider is configured as a supplier
        } else if (type == EventType.DELIVERIES_REDRIVEN.code()) {
            agent.redriven();
        } else if (type == EventType.GRANT_REVOKED.code() && view.wrap(slot.event, 0, slot.eventLength)) {
            agent.revoked(view.grantHi, view.grantLo);
            // a revoked grant that an order paid for owes that payment back (REVOKED); the event does
            // not say whether it did, the engine does: a read-back (revocations are rare)
            refunds.maybeOwed();
        } else if (type == EventType.REFUNDS_REDRIVEN.code()) {
            refunds.maybeOwed(); // FAILED refunds are REQUIRED again (docs/refunds.md): read them back
        }
    }

    private String message(CommandSlot slot) {
        return slot.result == ResultCode.INVALID ? reply.read(slot.type, slot.reply, slot.replyLength).message : "";
    }

    /**
     * A payment that cannot be honoured (view wrapped). The refund's number among its order's is
     * not in the event; the notification's reply, the order as it is after this payment, lists
     * it. Without that reply (a slot someone else published) the refund agent reads the engine's
     * owed refunds back instead.
     */
    private void refundOwed(CommandSlot slot) {
        int n = 0;
        String transaction = view.transaction();
        if (slot.type == CommandType.NOTIFY_PAYMENT && slot.replyLength > 0) {
            for (ReplyView.Refund r : reply.read(slot.type, slot.reply, slot.replyLength).refunds) {
                if (r.transactionId().equals(transaction)) {
                    n = r.refund();
                    break;
                }
            }
        }
        if (n == 0) {
            refunds.maybeOwed();
            return;
        }
        RefundReason reason = RefundReason.of(view.reason);
        refunds.owed(new RefundJob(view.orderHi, view.orderLo, n, transaction, view.amount, view.currency(),
            view.supplier(), reason == null ? RefundReason.NONE : reason));
    }

    /** The view holds a grant, or a payment. */
    private void granted() {
        if (view.itemCount == 0) {
            return; // a payment that granted nothing (refused for its amount)
        }
        for (int i = 0; i < view.itemCount; i++) {
            if (view.itemCode[i] < 0) {
                agent.granted(new DeliveryJob(view.grantHi, view.grantLo, i, view.campaign(), view.itemSku(i),
                    view.account()));
            }
        }
    }
}
