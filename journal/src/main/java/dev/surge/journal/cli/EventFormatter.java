package dev.surge.journal.cli;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.IpBlock;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.util.GrantIds;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders one event as a JSON object or a CSV row, for {@code dump}. Every row carries the
 * Chronicle index, the event sequence, the time (epoch ms and ISO-8601 UTC) and the type; the
 * rest depends on the type. Codes go through {@link Codes}: masked, revealed, or left out when
 * they cannot be read.
 *
 * <p>Not thread-safe.
 */
final class EventFormatter {
    static final String[] CSV_COLUMNS = {"index", "seq", "ts", "time", "type", "campaign", "sku", "user", "result",
        "reason", "grant_id", "items", "device", "ip", "account", "idempotency_key", "count", "delta", "status",
        "supplier", "attempt", "detail"};

    /** Where a granted item's code text comes from; null when it cannot be known. */
    interface Codes {
        String code(String campaign, String sku, int index);
    }

    private final Codes codes;
    private final boolean reveal;

    /**
     * @param codes  code texts, or null when they cannot be read (no key): items show their code index only
     * @param reveal whether to print codes in full (else masked)
     */
    EventFormatter(Codes codes, boolean reveal) {
        this.codes = codes;
        this.reveal = reveal;
    }

    // ---- JSON ------------------------------------------------------------------------------

    void json(JsonWriter j, long index, EventView e, EventFilter.Owner owner) {
        j.beginObject();
        header(j, index, e.sequence, e.timestamp, e.type.name());
        switch (e.type) {
            case CAMPAIGN_CONFIGURED -> spec(j, e.spec());
            case CAMPAIGN_STATUS_CHANGED -> {
                j.field("campaign", e.campaign());
                CampaignStatus s = CampaignStatus.of(e.status);
                j.field("status", s == null ? String.valueOf(e.status) : s.name());
            }
            case CODES_LOADED -> {
                j.field("campaign", e.campaign()).field("sku", e.sku()).field("count", e.count)
                    .field("duplicatesSkipped", e.duplicatesSkipped);
                if (e.validUntil != Long.MAX_VALUE) {
                    j.field("validUntil", TimeArgs.format(e.validUntil));
                }
                if (reveal) {
                    j.name("codes").beginArray();
                    e.forEachCode((i, buffer, offset, length) ->
                        j.value(buffer.getStringWithoutLengthUtf8(offset, length)));
                    j.endArray();
                }
            }
            case STOCK_ADJUSTED -> j.field("campaign", e.campaign()).field("sku", e.sku()).field("delta", e.delta);
            case CLAIM_GRANTED, CLAIM_REJECTED -> {
                claim(j, e);
                j.field("result", EventFilter.resultName(e));
                if (e.type == dev.surge.engine.event.EventType.CLAIM_REJECTED) {
                    if (e.reason != 0) {
                        j.field("reason", RiskReason.nameOf(e.reason));
                    }
                } else {
                    grantAndItems(j, e);
                }
            }
            case REDEMPTION -> {
                owner(j, owner);
                j.field("actorKind", e.actorKind == EventView.ACTOR_USER ? "USER" : "REDEEMER")
                    .field("actor", e.actor());
                if (e.keyLength > 0) {
                    j.field("idempotencyKey", e.key());
                }
                if (e.grantHi != 0 || e.grantLo != 0) {
                    j.field("grantId", GrantIds.format(e.grantHi, e.grantLo));
                }
                j.field("result", EventFilter.resultName(e));
            }
            case DELIVERY_RECORDED -> {
                owner(j, owner);
                j.field("grantId", GrantIds.format(e.grantHi, e.grantLo)).field("item", e.item)
                    .field("status", EventFilter.resultName(e)).field("supplier", e.supplier())
                    .field("attempt", e.attempt).field("outcome", outcome(e));
                if (e.detailLength > 0) {
                    j.field("detail", e.detail());
                }
            }
            case REDEEMER_CREATED -> {
                j.field("redeemer", e.actor()); // the key's hash stays out of dumps
                // the campaigns whose codes the key redeems; [] for a key from before scopes: it redeems nothing
                strings(j.name("campaigns"), e.scope());
            }
            case BLOCKLIST_CHANGED -> {
                BlocklistChange c = e.blocklistChange();
                j.field("mode", c.mode.name());
                strings(j.name("users"), c.users);
                strings(j.name("devices"), c.devices);
                j.name("ips").beginArray();
                for (IpBlock b : c.ips) {
                    j.value(b.toString());
                }
                j.endArray();
            }
            case SUPPLIER_CONFIGURED -> j.field("supplier", e.supplier()).field("url", e.url())
                .field("timeoutMs", e.timeoutMs).field("maxConcurrency", e.maxConcurrency)
                .field("secret", SECRET_SHOWN); // sealed in the journal; never printed
            case DELIVERIES_REDRIVEN -> {
                j.field("requestedBy", e.actor()).field("campaign", e.campaign()).field("supplier", e.supplier());
                j.field("from", TimeArgs.formatBound(e.from)).field("to", TimeArgs.formatBound(e.to))
                    .field("count", e.count);
            }
            case ORDER_RESERVED, ORDER_CANCELLED, PAYMENT_RECORDED, ORDERS_EXPIRED, REFUND_RECORDED, REFUNDS_REDRIVEN ->
                orderJson(j, e, owner);
            case GRANT_REVOKED, GRANT_REISSUED, GRANT_TRANSFERRED -> lifecycle(j, e, owner);
            default -> {
                // a type this version does not know: the header is all we can say
            }
        }
        j.endObject();
    }

    /** The events of paid sales (docs/payments.md). */
    private void orderJson(JsonWriter j, EventView e, EventFilter.Owner owner) {
        switch (e.type) {
            case ORDER_RESERVED -> {
                claim(j, e);
                j.field("result", EventFilter.resultName(e));
                order(j, e);
                j.field("payBy", TimeArgs.format(e.payBy));
            }
            case ORDER_CANCELLED -> {
                owner(j, owner);
                j.field("by", e.actor()).field("orderId", GrantIds.formatOrder(e.orderHi, e.orderLo))
                    .field("result", EventFilter.resultName(e));
            }
            case PAYMENT_RECORDED -> {
                j.field("campaign", e.campaign()).field("sku", e.sku());
                if (owner != null) {
                    j.field("user", owner.user());
                }
                j.field("provider", e.supplier()).field("transactionId", e.transaction());
                order(j, e);
                j.field("result", EventFilter.resultName(e));
                if (e.reason != 0) {
                    j.field("refundReason", refundReason(e));
                }
                if (e.result == ResultCode.PAID) {
                    grantAndItems(j, e);
                }
            }
            case ORDERS_EXPIRED -> {
                j.field("result", EventFilter.resultName(e)).field("count", e.count).name("orders").beginArray();
                for (int i = 0; i < e.count; i++) {
                    j.value(GrantIds.formatOrder(e.expiredHi(i), e.expiredLo(i)));
                }
                j.endArray();
            }
            case REFUND_RECORDED -> {
                owner(j, owner);
                j.field("orderId", GrantIds.formatOrder(e.orderHi, e.orderLo))
                    .field("refundId", GrantIds.formatOrder(e.orderHi, e.orderLo) + "-" + e.refund)
                    .field("status", EventFilter.resultName(e)).field("attempt", e.attempt).field("outcome", outcome(e));
                if (e.detailLength > 0) {
                    j.field("detail", e.detail());
                }
            }
            case REFUNDS_REDRIVEN -> j.field("requestedBy", e.actor()).field("orderId", redrivenOrder(e))
                .field("provider", e.supplier()).field("result", EventFilter.resultName(e)).field("count", e.count);
            default -> throw new IllegalArgumentException("not an order event: " + e.type);
        }
    }

    /** A refund re-drive's order filter: one order's id, or empty for every order (docs/refunds.md). */
    private static String redrivenOrder(EventView e) {
        return e.anyOrder ? "" : GrantIds.formatOrder(e.orderHi, e.orderLo);
    }

    private void grantAndItems(JsonWriter j, EventView e) {
        j.field("grantId", GrantIds.format(e.grantHi, e.grantLo));
        j.name("items").beginArray();
        for (int i = 0; i < e.itemCount; i++) {
            j.beginObject().field("sku", e.itemSku(i));
            if (e.itemCode[i] >= 0) {
                j.field("codeIndex", e.itemCode[i]);
                String code = code(e.campaign(), e.itemSku(i), e.itemCode[i]);
                if (code != null) {
                    j.field("code", code);
                }
            } else {
                j.field("recharge", true);
            }
            j.endObject();
        }
        j.endArray();
    }

    private static void order(JsonWriter j, EventView e) {
        j.field("orderId", GrantIds.formatOrder(e.orderHi, e.orderLo)).field("amount", e.amount)
            .field("currency", e.currency());
    }

    private static String refundReason(EventView e) {
        RefundReason r = RefundReason.of(e.reason);
        return r == null ? String.valueOf(e.reason) : r.name();
    }

    /** The lifecycle of grants (docs/lifecycle.md): who did what to which grant. */
    private static void lifecycle(JsonWriter j, EventView e, EventFilter.Owner owner) {
        if (e.type == dev.surge.engine.event.EventType.GRANT_TRANSFERRED) {
            j.field("grantId", GrantIds.format(e.grantHi, e.grantLo)).field("from", e.user())
                .field("to", e.recipient());
            if (e.keyLength > 0) {
                j.field("idempotencyKey", e.key());
            }
            j.field("result", EventFilter.resultName(e));
            return;
        }
        owner(j, owner);
        j.field("grantId", GrantIds.format(e.grantHi, e.grantLo));
        if (e.type == dev.surge.engine.event.EventType.GRANT_REISSUED) {
            j.field("newGrantId", GrantIds.format(e.newGrantHi, e.newGrantLo)).field("codeIndex", e.reissuedCode);
        }
        j.field("requestedBy", e.actor()).field("reason", e.statedReason());
    }

    private static void strings(JsonWriter j, List<String> values) {
        j.beginArray();
        values.forEach(j::value);
        j.endArray();
    }

    /** What dumps show for a supplier's signing secret. */
    static final String SECRET_SHOWN = "(sealed)";

    private static String outcome(EventView e) {
        dev.surge.engine.DeliveryOutcome o = dev.surge.engine.DeliveryOutcome.of(e.outcome);
        return o == null ? String.valueOf(e.outcome) : o.name();
    }

    /** A CODES_LOADED event whose codes are encrypted and no key was given. */
    void jsonSealed(JsonWriter j, long index, long sequence, long timestamp, String campaign, String sku, int count) {
        j.beginObject();
        header(j, index, sequence, timestamp, "CODES_LOADED");
        j.field("campaign", campaign).field("sku", sku);
        if (count >= 0) {
            j.field("count", count);
        }
        j.field("encrypted", true).endObject();
    }

    private static void header(JsonWriter j, long index, long sequence, long timestamp, String type) {
        j.field("index", index).field("seq", sequence).field("ts", timestamp).field("time", TimeArgs.format(timestamp))
            .field("type", type);
    }

    private static void owner(JsonWriter j, EventFilter.Owner owner) {
        if (owner != null) {
            j.field("campaign", owner.campaign()).field("user", owner.user());
        }
    }

    private static void claim(JsonWriter j, EventView e) {
        j.field("campaign", e.campaign()).field("sku", e.sku()).field("user", e.user());
        if (e.keyLength > 0) {
            j.field("idempotencyKey", e.key());
        }
        if (e.deviceLength > 0) {
            j.field("device", e.device());
        }
        if (e.ipLength > 0) {
            j.field("ip", e.ip());
        }
        if (e.accountLength > 0) {
            j.field("account", e.account());
        }
    }

    private static void spec(JsonWriter j, CampaignSpec s) {
        j.field("campaign", s.id).field("name", s.name).field("startsAt", TimeArgs.formatBound(s.startsAt))
            .field("endsAt", TimeArgs.formatBound(s.endsAt)).field("redeemUntil", TimeArgs.formatBound(s.redeemUntil))
            .field("perUserLimit", s.perUserLimit).field("perDeviceLimit", s.perDeviceLimit)
            .field("perIpLimit", s.perIpLimit);
        j.name("skus").beginArray();
        for (CampaignSpec.SkuSpec k : s.skus) {
            j.beginObject().field("id", k.id).field("kind", String.valueOf(k.kind));
            if (k.stock != 0) {
                j.field("stock", k.stock);
            }
            if (k.perUserLimit != 0) {
                j.field("perUserLimit", k.perUserLimit);
            }
            if (!k.suppliers.isEmpty()) {
                j.name("suppliers").beginArray();
                k.suppliers.forEach(j::value);
                j.endArray();
            }
            if (!k.items.isEmpty()) {
                j.name("items").beginArray();
                for (CampaignSpec.BundleItem item : k.items) {
                    j.beginObject().field("skuId", item.skuId()).field("qty", item.qty()).endObject();
                }
                j.endArray();
            }
            j.endObject();
        }
        j.endArray();
    }

    // ---- CSV -------------------------------------------------------------------------------

    static void csvHeader(StringBuilder sb) {
        sb.append(String.join(",", CSV_COLUMNS)).append('\n');
    }

    void csv(StringBuilder sb, long index, EventView e, EventFilter.Owner owner) {
        String[] row = new String[CSV_COLUMNS.length];
        row[0] = Long.toString(index);
        row[1] = Long.toString(e.sequence);
        row[2] = Long.toString(e.timestamp);
        row[3] = TimeArgs.format(e.timestamp);
        row[4] = e.type.name();
        switch (e.type) {
            case CAMPAIGN_CONFIGURED -> {
                CampaignSpec s = e.spec();
                row[5] = s.id;
                List<String> skus = new ArrayList<>();
                for (CampaignSpec.SkuSpec k : s.skus) {
                    skus.add(k.id + ":" + k.kind);
                }
                row[21] = "name=" + s.name + " window=" + TimeArgs.formatBound(s.startsAt) + ".."
                    + TimeArgs.formatBound(s.endsAt) + " limits user/device/ip=" + s.perUserLimit + "/"
                    + s.perDeviceLimit + "/" + s.perIpLimit + " skus=" + String.join(";", skus);
            }
            case CAMPAIGN_STATUS_CHANGED -> {
                row[5] = e.campaign();
                CampaignStatus s = CampaignStatus.of(e.status);
                row[18] = s == null ? String.valueOf(e.status) : s.name();
            }
            case CODES_LOADED -> {
                row[5] = e.campaign();
                row[6] = e.sku();
                row[16] = Integer.toString(e.count);
                row[21] = "duplicatesSkipped=" + e.duplicatesSkipped
                    + (e.validUntil == Long.MAX_VALUE ? "" : " validUntil=" + TimeArgs.format(e.validUntil));
            }
            case STOCK_ADJUSTED -> {
                row[5] = e.campaign();
                row[6] = e.sku();
                row[17] = Long.toString(e.delta);
            }
            case CLAIM_GRANTED, CLAIM_REJECTED -> {
                claimColumns(row, e);
                if (e.type == dev.surge.engine.event.EventType.CLAIM_REJECTED) {
                    row[9] = e.reason == 0 ? "" : RiskReason.nameOf(e.reason);
                } else {
                    row[10] = GrantIds.format(e.grantHi, e.grantLo);
                    row[11] = items(e);
                }
            }
            case REDEMPTION -> {
                ownerColumns(row, owner);
                row[8] = EventFilter.resultName(e);
                row[10] = e.grantHi != 0 || e.grantLo != 0 ? GrantIds.format(e.grantHi, e.grantLo) : "";
                row[15] = e.key();
                row[21] = (e.actorKind == EventView.ACTOR_USER ? "user=" : "redeemer=") + e.actor();
            }
            case DELIVERY_RECORDED -> {
                ownerColumns(row, owner);
                DeliveryStatus s = DeliveryStatus.of(e.status);
                row[8] = s == null ? "UNKNOWN" : s.name();
                row[10] = GrantIds.format(e.grantHi, e.grantLo);
                row[11] = Integer.toString(e.item);
                row[18] = row[8];
                row[19] = e.supplier();
                row[20] = Integer.toString(e.attempt);
                row[21] = "outcome=" + outcome(e) + (e.detailLength > 0 ? " " + e.detail() : "");
            }
            case REDEEMER_CREATED -> row[21] = "redeemer=" + e.actor() + " campaigns=" + String.join(";", e.scope());
            case BLOCKLIST_CHANGED -> {
                BlocklistChange c = e.blocklistChange();
                List<String> ips = new ArrayList<>();
                c.ips.forEach(b -> ips.add(b.toString()));
                row[16] = Integer.toString(c.entries());
                row[21] = "mode=" + c.mode + " users=" + String.join(";", c.users) + " devices="
                    + String.join(";", c.devices) + " ips=" + String.join(";", ips);
            }
            case SUPPLIER_CONFIGURED -> {
                row[19] = e.supplier();
                row[21] = "url=" + e.url() + " timeoutMs=" + e.timeoutMs + " maxConcurrency=" + e.maxConcurrency
                    + " secret=" + SECRET_SHOWN;
            }
            case DELIVERIES_REDRIVEN -> {
                row[5] = e.campaign();
                row[16] = Integer.toString(e.count);
                row[19] = e.supplier();
                row[21] = "requestedBy=" + e.actor() + " failed " + TimeArgs.formatBound(e.from) + ".."
                    + TimeArgs.formatBound(e.to);
            }
            case ORDER_RESERVED, ORDER_CANCELLED, PAYMENT_RECORDED, ORDERS_EXPIRED, REFUND_RECORDED, REFUNDS_REDRIVEN ->
                orderCsv(row, e, owner);
            case GRANT_REVOKED, GRANT_REISSUED, GRANT_TRANSFERRED -> lifecycle(row, e, owner);
            default -> {
                // unknown type: header columns only
            }
        }
        row(sb, row);
    }

    /** The CSV columns of paid sales' events (docs/payments.md). */
    private void orderCsv(String[] row, EventView e, EventFilter.Owner owner) {
        switch (e.type) {
            case ORDER_RESERVED -> {
                claimColumns(row, e);
                row[21] = orderText(e) + " payBy=" + TimeArgs.format(e.payBy);
            }
            case ORDER_CANCELLED -> {
                ownerColumns(row, owner);
                row[8] = EventFilter.resultName(e);
                row[21] = "order=" + GrantIds.formatOrder(e.orderHi, e.orderLo) + " by=" + e.actor();
            }
            case PAYMENT_RECORDED -> {
                ownerColumns(row, owner);
                row[5] = e.campaign();
                row[6] = e.sku();
                row[8] = EventFilter.resultName(e);
                row[9] = e.reason == 0 ? "" : refundReason(e);
                if (e.result == ResultCode.PAID) {
                    row[10] = GrantIds.format(e.grantHi, e.grantLo);
                    row[11] = items(e);
                }
                row[19] = e.supplier();
                row[21] = orderText(e) + " transaction=" + e.transaction();
            }
            case ORDERS_EXPIRED -> {
                row[8] = EventFilter.resultName(e);
                row[16] = Integer.toString(e.count);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < e.count; i++) {
                    ids.add(GrantIds.formatOrder(e.expiredHi(i), e.expiredLo(i)));
                }
                row[21] = "orders=" + String.join(";", ids);
            }
            case REFUND_RECORDED -> {
                ownerColumns(row, owner);
                row[8] = EventFilter.resultName(e);
                row[18] = row[8];
                row[20] = Integer.toString(e.attempt);
                row[21] = "refund=" + GrantIds.formatOrder(e.orderHi, e.orderLo) + "-" + e.refund + " outcome="
                    + outcome(e) + (e.detailLength > 0 ? " " + e.detail() : "");
            }
            case REFUNDS_REDRIVEN -> {
                row[8] = EventFilter.resultName(e);
                row[16] = Integer.toString(e.count);
                row[19] = e.supplier();
                row[21] = "requestedBy=" + e.actor() + " refunds of " + (e.anyOrder ? "any order" : redrivenOrder(e));
            }
            default -> throw new IllegalArgumentException("not an order event: " + e.type);
        }
    }

    private static void lifecycle(String[] row, EventView e, EventFilter.Owner owner) {
        row[10] = GrantIds.format(e.grantHi, e.grantLo);
        row[8] = EventFilter.resultName(e);
        if (e.type == dev.surge.engine.event.EventType.GRANT_TRANSFERRED) {
            row[7] = e.user();
            row[15] = e.key();
            row[21] = "from=" + e.user() + " to=" + e.recipient();
            return;
        }
        ownerColumns(row, owner);
        row[21] = "requestedBy=" + e.actor() + " reason=" + e.statedReason()
            + (e.type == dev.surge.engine.event.EventType.GRANT_REISSUED
            ? " newGrantId=" + GrantIds.format(e.newGrantHi, e.newGrantLo) + " codeIndex=" + e.reissuedCode : "");
    }

    /** A claim's columns: campaign, SKU, user, result, device, ip, account, Idempotency-Key. */
    private static void claimColumns(String[] row, EventView e) {
        row[5] = e.campaign();
        row[6] = e.sku();
        row[7] = e.user();
        row[8] = EventFilter.resultName(e);
        row[12] = e.device();
        row[13] = e.ip();
        row[14] = e.account();
        row[15] = e.key();
    }

    private static void ownerColumns(String[] row, EventFilter.Owner owner) {
        if (owner != null) {
            row[5] = owner.campaign();
            row[7] = owner.user();
        }
    }

    private static String orderText(EventView e) {
        return "order=" + GrantIds.formatOrder(e.orderHi, e.orderLo) + " amount=" + e.amount + " " + e.currency();
    }

    void csvSealed(StringBuilder sb, long index, long sequence, long timestamp, String campaign, String sku, int count) {
        String[] row = new String[CSV_COLUMNS.length];
        row[0] = Long.toString(index);
        row[1] = Long.toString(sequence);
        row[2] = Long.toString(timestamp);
        row[3] = TimeArgs.format(timestamp);
        row[4] = "CODES_LOADED";
        row[5] = campaign;
        row[6] = sku;
        row[16] = count < 0 ? "" : Integer.toString(count);
        row[21] = "encrypted";
        row(sb, row);
    }

    /** Items as {@code sku#index=code;sku#index;sku(recharge)}: code text only when known. */
    private String items(EventView e) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < e.itemCount; i++) {
            if (i > 0) {
                sb.append(';');
            }
            String sku = e.itemSku(i);
            sb.append(sku);
            if (e.itemCode[i] >= 0) {
                sb.append('#').append(e.itemCode[i]);
                String code = code(e.campaign(), sku, e.itemCode[i]);
                if (code != null) {
                    sb.append('=').append(code);
                }
            } else {
                sb.append("(recharge)");
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Csv.field(sb, row[i]);
        }
        sb.append('\n');
    }

    private String code(String campaign, String sku, int index) {
        if (codes == null) {
            return null;
        }
        String text = codes.code(campaign, sku, index);
        return text == null || reveal ? text : CodeMask.mask(text);
    }
}
