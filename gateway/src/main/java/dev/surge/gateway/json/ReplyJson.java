package dev.surge.gateway.json;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.GrantSummary;
import java.io.IOException;
import java.util.Map;

/**
 * Renders engine answers as the JSON of docs/api.md. Runs on the ring's journal thread
 * (stateless; the views it reads are the caller's).
 */
public final class ReplyJson {
    private ReplyJson() {
    }

    /** The body of a claim decision. */
    public static void claim(JsonGenerator g, ReplyView v) throws IOException {
        g.writeStartObject();
        g.writeStringField("result", v.result.name());
        if (v.result == ResultCode.GRANTED && v.hasGrant) {
            g.writeStringField("grantId", v.grantId());
        }
        g.writeStringField("campaignId", v.campaign);
        g.writeStringField("skuId", v.sku);
        if (v.result == ResultCode.GRANTED && v.hasGrant) {
            items(g, v, false);
            g.writeStringField("delivery", v.delivery.name());
        } else if (v.result == ResultCode.RISK_REJECTED) {
            g.writeStringField("reason", RiskReason.nameOf(v.reason));
        } else if (v.result == ResultCode.RESERVED && v.hasOrder) {
            orderFields(g, v);
        }
        g.writeEndObject();
    }

    /**
     * An order of a paid SKU (docs/payments.md): GET /v1/orders/{id}, and a cancel's answer with
     * {@code result} (null: no result field).
     */
    public static void order(JsonGenerator g, ReplyView v, String result) throws IOException {
        g.writeStartObject();
        if (result != null) {
            g.writeStringField("result", result);
        }
        g.writeStringField("campaignId", v.campaign);
        g.writeStringField("skuId", v.sku);
        orderFields(g, v);
        g.writeEndObject();
    }

    private static void orderFields(JsonGenerator g, ReplyView v) throws IOException {
        g.writeStringField("orderId", v.orderId());
        g.writeStringField("status", v.orderStatus.name());
        g.writeNumberField("amount", v.amount);
        g.writeStringField("currency", v.currency);
        Json.timeField(g, "payBy", v.payBy);
        Json.timeField(g, "createdAt", v.createdAt);
        if (v.hasGrant) {
            g.writeStringField("grantId", v.grantId());
        }
        g.writeArrayFieldStart("refunds");
        for (ReplyView.Refund r : v.refunds) {
            g.writeStartObject();
            g.writeStringField("refundId", v.orderId() + "-" + r.refund());
            g.writeStringField("transactionId", r.transactionId());
            g.writeNumberField("amount", r.amount());
            g.writeStringField("reason", String.valueOf(r.reason()));
            g.writeStringField("status", r.status() == null ? "UNKNOWN" : r.status().label());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The owner's view of one grant (GET /v1/grants/{id}). */
    public static void grant(JsonGenerator g, ReplyView v) throws IOException {
        g.writeStartObject();
        g.writeStringField("grantId", v.grantId());
        g.writeStringField("campaignId", v.campaign);
        g.writeStringField("skuId", v.sku);
        Json.timeField(g, "createdAt", v.createdAt);
        g.writeStringField("status", v.status == null ? GrantStatus.ACTIVE.name() : v.status.name());
        items(g, v, true);
        g.writeStringField("delivery", v.delivery.name());
        redemption(g, v.redeemedAt);
        g.writeEndObject();
    }

    /** The items; with each code's validity in the grant views (a claim's answer reads as ClaimReplyJson writes it). */
    private static void items(JsonGenerator g, ReplyView v, boolean validity) throws IOException {
        g.writeArrayFieldStart("items");
        for (ReplyView.Item item : v.items) {
            g.writeStartObject();
            g.writeStringField("skuId", item.sku());
            g.writeStringField("kind", item.kind().name());
            if (item.kind() == SkuKind.CODE) {
                g.writeStringField("code", item.code());
            }
            g.writeStringField("delivery", item.status().name());
            if (item.supplier() != null && !item.supplier().isEmpty()) {
                g.writeStringField("supplier", item.supplier());
            }
            if (validity) {
                validUntil(g, item.validUntil());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** A code's validity, when it has one (docs/lifecycle.md). */
    private static void validUntil(JsonGenerator g, long validUntil) throws IOException {
        if (validUntil != Long.MAX_VALUE) {
            Json.timeField(g, "validUntil", validUntil);
        }
    }

    private static void redemption(JsonGenerator g, long redeemedAt) throws IOException {
        g.writeStringField("redemption", redeemedAt == 0 ? "NOT_REDEEMED" : "REDEEMED");
        if (redeemedAt == 0) {
            g.writeNullField("redeemedAt");
        } else {
            Json.timeField(g, "redeemedAt", redeemedAt);
        }
    }

    /** One grant of a user's list (GET /v1/me/grants). */
    public static void grant(JsonGenerator g, GrantSummary s) throws IOException {
        g.writeStartObject();
        g.writeStringField("grantId", s.grantId());
        g.writeStringField("campaignId", s.campaign());
        g.writeStringField("skuId", s.sku());
        Json.timeField(g, "createdAt", s.createdAt());
        g.writeStringField("status", s.status().name());
        DeliveryStatus overall = DeliveryStatus.DELIVERED;
        g.writeArrayFieldStart("items");
        for (GrantSummary.Item item : s.items()) {
            boolean code = item.codeIndex() >= 0;
            g.writeStartObject();
            g.writeStringField("skuId", item.sku());
            g.writeStringField("kind", code ? SkuKind.CODE.name() : SkuKind.DIRECT_RECHARGE.name());
            if (code) {
                g.writeStringField("code", item.code());
            }
            g.writeStringField("delivery", item.status().name());
            if (item.supplier() != null) {
                g.writeStringField("supplier", item.supplier());
            }
            validUntil(g, item.validUntil());
            g.writeEndObject();
            if (item.status() == DeliveryStatus.FAILED) {
                overall = DeliveryStatus.FAILED;
            } else if (item.status() == DeliveryStatus.PENDING && overall != DeliveryStatus.FAILED) {
                overall = DeliveryStatus.PENDING;
            }
        }
        g.writeEndArray();
        g.writeStringField("delivery", overall.name());
        redemption(g, s.redeemedAt());
        g.writeEndObject();
    }

    /** A campaign's configuration summary and live counters (admin). */
    public static void campaign(JsonGenerator g, CampaignCounters c) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("name", c.name());
        g.writeStringField("status", c.status().name());
        Json.timeField(g, "startsAt", c.startsAt());
        Json.timeField(g, "endsAt", c.endsAt());
        g.writeNumberField("granted", c.granted());
        g.writeNumberField("redeemed", c.redeemed());
        long stockLeft = 0;
        for (CampaignCounters.SkuCounters s : c.skus()) {
            if (s.kind() != SkuKind.BUNDLE) {
                stockLeft += s.stockLeft();
            }
        }
        g.writeNumberField("stockLeft", stockLeft);
        g.writeObjectFieldStart("rejected");
        long rejected = 0;
        for (Map.Entry<ResultCode, Long> e : c.rejected().entrySet()) {
            g.writeNumberField(e.getKey().name(), e.getValue());
            rejected += e.getValue();
        }
        g.writeEndObject();
        g.writeNumberField("rejectedTotal", rejected);
        g.writeObjectFieldStart("deliveries");
        g.writeNumberField("pending", c.deliveriesPending());
        g.writeNumberField("delivered", c.deliveriesDelivered());
        g.writeNumberField("failed", c.deliveriesFailed());
        g.writeEndObject();
        CampaignCounters.Orders o = c.orders();
        if (o.any()) { // a campaign with paid SKUs (docs/payments.md)
            g.writeObjectFieldStart("orders");
            g.writeNumberField("reserved", o.reserved());
            g.writeNumberField("paid", o.paid());
            g.writeNumberField("cancelled", o.cancelled());
            g.writeNumberField("expired", o.expired());
            g.writeEndObject();
            g.writeObjectFieldStart("refunds");
            g.writeNumberField("owed", o.refundsOwed());
            g.writeNumberField("refunded", o.refunded());
            g.writeNumberField("failed", o.refundsFailed());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("skus");
        for (CampaignCounters.SkuCounters s : c.skus()) {
            g.writeStartObject();
            g.writeStringField("id", s.id());
            g.writeStringField("kind", s.kind().name());
            g.writeNumberField("granted", s.granted());
            g.writeNumberField("stockLeft", s.stockLeft());
            if (s.kind() == SkuKind.CODE) {
                g.writeNumberField("codesLoaded", s.codesLoaded());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        RiskJson.write(g, c.risk(), c.riskRejected());
        g.writeEndObject();
    }
}
