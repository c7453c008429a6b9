package dev.surge.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the payment simulator has done and seen, in the order it happened: the orders it was asked
 * to pay, every payment with its notification attempts, every refund received, and the counts.
 * Renders {@code GET /_sim/payments}, {@code /_sim/stats} and {@code /_sim/statement/{provider}}.
 *
 * <p>Threading: thread-safe. A payment's notification fields are written by the one event loop
 * its order is confined to and read by anyone (volatile); the amount refunded against a payment
 * is guarded by the payment.
 */
final class PaymentLedger {
    /** Where a payment's notification stands. */
    enum State {
        /** Not paid yet. */
        SCHEDULED,
        /** Paid; its notification has not had a 2xx yet. */
        NOTIFYING,
        /** Surge answered 2xx. */
        ACKNOWLEDGED,
        /** Every attempt failed; the provider stopped resending. */
        GAVE_UP
    }

    /** One payment of an order. */
    static final class PaymentRecord {
        final String provider;
        final String transactionId;
        final String orderId;
        final long amount;
        final String currency;
        final PayRequest.Mode mode;
        volatile State state = State.SCHEDULED;
        volatile long dueAt;
        volatile long paidAt;
        volatile int attempts;
        volatile int acknowledgements;
        volatile int lastStatusCode;
        volatile String lastStatus;
        volatile String lastError;
        private long refunded; // guarded by this

        PaymentRecord(PayRequest r, String transactionId, long dueAt) {
            this.provider = r.provider();
            this.transactionId = transactionId;
            this.orderId = r.orderId();
            this.amount = r.amount();
            this.currency = r.currency();
            this.mode = r.mode();
            this.dueAt = dueAt;
        }

        synchronized long refunded() {
            return refunded;
        }

        PaymentSimulator.Payment view() {
            return new PaymentSimulator.Payment(provider, transactionId, orderId, amount, currency, mode, state.name(),
                dueAt, paidAt, attempts, acknowledgements, lastStatusCode, lastStatus, lastError, refunded());
        }
    }

    /** One refund request a provider accepted into its ledger (a 503 or an unapplied timeout never gets here). */
    static final class RefundRecord {
        final String provider;
        final String refundId;
        final String transactionId;
        final String orderId;
        final long amount;
        final String currency;
        final String reason;
        volatile String status;
        volatile long time;
        volatile String error;

        RefundRecord(String provider, String refundId, String transactionId, String orderId, long amount,
                     String currency, String reason, String status, long now) {
            this.provider = provider;
            this.refundId = refundId;
            this.transactionId = transactionId;
            this.orderId = orderId;
            this.amount = amount;
            this.currency = currency;
            this.reason = reason;
            this.status = status;
            this.time = now;
        }

        PaymentSimulator.Refund view() {
            return new PaymentSimulator.Refund(provider, refundId, transactionId, orderId, amount, currency, reason,
                status, time, error);
        }
    }

    /** Counts for {@code /_sim/stats}. */
    static final class Counts {
        final LongAdder requests = new LongAdder();
        final LongAdder orders = new LongAdder();
        final LongAdder paymentsMade = new LongAdder();
        final LongAdder notifications = new LongAdder();
        final LongAdder acknowledged = new LongAdder();
        final LongAdder gaveUp = new LongAdder();
        final LongAdder refundRequests = new LongAdder();
        final LongAdder refundQueries = new LongAdder();
        final LongAdder refunded = new LongAdder();
        final LongAdder refundsRefused = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder rejections = new LongAdder();
        final LongAdder badSignatures = new LongAdder();
    }

    final Counts counts = new Counts();
    private final Queue<PaymentSimulator.Order> orders = new ConcurrentLinkedQueue<>();
    private final Queue<PaymentRecord> payments = new ConcurrentLinkedQueue<>();
    /** Payments made, by provider and transaction id: what a refund must name. */
    private final Map<String, PaymentRecord> paid = new ConcurrentHashMap<>();
    private final Queue<RefundRecord> refunds = new ConcurrentLinkedQueue<>();
    private final Map<String, Map<String, RefundRecord>> refundsByProvider = new ConcurrentHashMap<>();

    void order(PaymentSimulator.Order o) {
        orders.add(o);
        counts.orders.increment();
    }

    void scheduled(PaymentRecord p) {
        payments.add(p);
    }

    /** The payment is made now: a refund may name its transaction from here on. */
    void paid(PaymentRecord p, long now) {
        p.paidAt = now;
        p.state = State.NOTIFYING;
        paid.put(key(p.provider, p.transactionId), p);
        counts.paymentsMade.increment();
    }

    /** The refund a provider has under this id, or null. */
    RefundRecord refund(String provider, String refundId) {
        return refundsOf(provider).get(refundId);
    }

    /** Records {@code r} unless the provider has its refund id already; returns the one it has, or null. */
    RefundRecord putIfAbsent(RefundRecord r) {
        RefundRecord seen = refundsOf(r.provider).putIfAbsent(r.refundId, r);
        if (seen == null) {
            refunds.add(r);
        }
        return seen;
    }

    /**
     * Whether a real provider would take this refund: it names a transaction this provider was
     * paid, of that order and currency, and the payment's refunds stay within what was paid.
     * Returns null and reserves the amount, or the reason to refuse.
     */
    String reserve(String provider, String transactionId, String orderId, long amount, String currency) {
        PaymentRecord p = paid.get(key(provider, transactionId));
        if (p == null) {
            return "unknown transaction " + transactionId;
        }
        if (!p.orderId.equals(orderId)) {
            return "transaction " + transactionId + " paid order " + p.orderId + ", not " + orderId;
        }
        if (!p.currency.equals(currency)) {
            return "transaction " + transactionId + " was paid in " + p.currency;
        }
        synchronized (p) {
            if (p.refunded + amount > p.amount) {
                return "refunds of " + transactionId + " would exceed the " + p.amount + " paid (" + p.refunded
                    + " refunded)";
            }
            p.refunded += amount;
        }
        return null;
    }

    List<PaymentSimulator.Order> orders() {
        return new ArrayList<>(orders);
    }

    List<PaymentSimulator.Payment> payments() {
        List<PaymentSimulator.Payment> out = new ArrayList<>();
        payments.forEach(p -> out.add(p.view()));
        return out;
    }

    List<PaymentSimulator.Refund> refunds() {
        List<PaymentSimulator.Refund> out = new ArrayList<>();
        refunds.forEach(r -> out.add(r.view()));
        return out;
    }

    private Map<String, RefundRecord> refundsOf(String provider) {
        return refundsByProvider.computeIfAbsent(provider, k -> new ConcurrentHashMap<>());
    }

    private static String key(String provider, String transactionId) {
        return provider + '\n' + transactionId;
    }

    // ---- rendering ------------------------------------------------------------------------------

    /** {@code GET /_sim/payments}: orders, payments and refunds, each in the order it happened; {@code orderId} null for all. */
    String json(String orderId) {
        return SimHttp.json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("orders");
            for (PaymentSimulator.Order o : orders) {
                if (orderId == null || o.orderId().equals(orderId)) {
                    writeOrder(g, o);
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("payments");
            for (PaymentRecord p : payments) {
                if (orderId == null || p.orderId.equals(orderId)) {
                    writePayment(g, p.view());
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("refunds");
            for (RefundRecord r : refunds) {
                if (orderId == null || r.orderId.equals(orderId)) {
                    writeRefund(g, r.view());
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeOrder(JsonGenerator g, PaymentSimulator.Order o) throws IOException {
        g.writeStartObject();
        g.writeStringField("provider", o.provider());
        g.writeStringField("orderId", o.orderId());
        g.writeNumberField("amount", o.amount());
        g.writeStringField("currency", o.currency());
        g.writeStringField("mode", o.mode().name());
        g.writeNumberField("requestedAt", o.requestedAt());
        if (o.payBy() > 0) {
            g.writeNumberField("payBy", o.payBy());
        }
        g.writeStringField("notifyUrl", o.notifyUrl());
        g.writeArrayFieldStart("transactionIds");
        for (String t : o.transactionIds()) {
            g.writeString(t);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writePayment(JsonGenerator g, PaymentSimulator.Payment p) throws IOException {
        g.writeStartObject();
        g.writeStringField("provider", p.provider());
        g.writeStringField("transactionId", p.transactionId());
        g.writeStringField("orderId", p.orderId());
        g.writeNumberField("amount", p.amount());
        g.writeStringField("currency", p.currency());
        g.writeStringField("mode", p.mode().name());
        g.writeStringField("state", p.state());
        g.writeNumberField("dueAt", p.dueAt());
        writeTime(g, "paidAt", p.paidAt());
        g.writeNumberField("notifyAttempts", p.notifyAttempts());
        g.writeNumberField("acknowledgements", p.acknowledgements());
        writeCode(g, "lastStatusCode", p.lastStatusCode());
        g.writeStringField("lastStatus", p.lastStatus());
        g.writeStringField("lastError", p.lastError());
        g.writeNumberField("refunded", p.refunded());
        g.writeEndObject();
    }

    private static void writeRefund(JsonGenerator g, PaymentSimulator.Refund r) throws IOException {
        g.writeStartObject();
        g.writeStringField("provider", r.provider());
        g.writeStringField("refundId", r.refundId());
        g.writeStringField("transactionId", r.transactionId());
        g.writeStringField("orderId", r.orderId());
        g.writeNumberField("amount", r.amount());
        g.writeStringField("currency", r.currency());
        g.writeStringField("reason", r.reason());
        g.writeStringField("status", r.status());
        g.writeNumberField("time", r.time());
        if (r.error() != null) {
            g.writeStringField("error", r.error());
        }
        g.writeEndObject();
    }

    private static void writeTime(JsonGenerator g, String name, long epochMs) throws IOException {
        if (epochMs > 0) {
            g.writeNumberField(name, epochMs);
        } else {
            g.writeNullField(name);
        }
    }

    private static void writeCode(JsonGenerator g, String name, int code) throws IOException {
        if (code > 0) {
            g.writeNumberField(name, code);
        } else {
            g.writeNullField(name);
        }
    }

    /** {@code GET /_sim/stats}. */
    String statsJson() {
        Counts c = counts;
        return SimHttp.json(g -> {
            g.writeStartObject();
            g.writeNumberField("requests", c.requests.sum());
            g.writeNumberField("orders", c.orders.sum());
            g.writeNumberField("paymentsMade", c.paymentsMade.sum());
            g.writeNumberField("notifications", c.notifications.sum());
            g.writeNumberField("acknowledged", c.acknowledged.sum());
            g.writeNumberField("gaveUp", c.gaveUp.sum());
            g.writeNumberField("refundRequests", c.refundRequests.sum());
            g.writeNumberField("refundQueries", c.refundQueries.sum());
            g.writeNumberField("refunded", c.refunded.sum());
            g.writeNumberField("refundsRefused", c.refundsRefused.sum());
            g.writeNumberField("duplicates", c.duplicates.sum());
            g.writeNumberField("failures", c.failures.sum());
            g.writeNumberField("timeouts", c.timeouts.sum());
            g.writeNumberField("rejections", c.rejections.sum());
            g.writeNumberField("badSignatures", c.badSignatures.sum());
            g.writeObjectFieldStart("refundsByProvider");
            for (Map.Entry<String, Map<String, RefundRecord>> e : new TreeMap<>(refundsByProvider).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue().size());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** One provider's refunds as CSV, by refund id: {@code refundId,transactionId,orderId,amount,currency,reason,status,time}. */
    String statement(String provider) {
        StringBuilder b = new StringBuilder("refundId,transactionId,orderId,amount,currency,reason,status,time\n");
        new TreeMap<>(refundsOf(provider)).values().forEach(r -> b.append(r.refundId).append(',')
            .append(r.transactionId).append(',').append(r.orderId).append(',').append(r.amount).append(',')
            .append(r.currency).append(',').append(r.reason).append(',').append(r.status).append(',')
            .append(Instant.ofEpochMilli(r.time)).append('\n'));
        return b.toString();
    }
}
