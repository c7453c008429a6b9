package dev.surge.simulator;

import dev.surge.engine.util.Ids;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A provider's refund decisions (docs/payments.md, "Refund"), once the request's signature has
 * been checked: the body's rules, dedup by refund id, the faults of {@link FaultKnobs}, and, like a
 * real provider, the refund must name a transaction this provider was paid for that order and
 * currency, and a payment's refunds never exceed what was paid.
 *
 * <p>Answers: 200 {@code {"status":"REFUNDED"}} (PENDING until its latency is over); 409 for a
 * refund id it already has, with that refund's status, except a FAILED one, which is 422 again
 * (409 would tell Surge it was refunded); 422 {@code {"status":"FAILED"}} for a simulated
 * rejection or a refund no provider would take; 503 for a simulated failure (nothing recorded);
 * no answer at all for a simulated timeout (applied first, or not, by {@code timeoutAppliedRate}).
 *
 * <p>Threading: thread-safe; decisions are taken one at a time (a simulator sees few refunds), so
 * a refund id is decided once even when its retries race.
 */
final class RefundDesk {
    static final Set<String> REASONS = Set.of("LATE_PAYMENT", "DUPLICATE_PAYMENT", "CANCELLED_ORDER", "REVOKED");

    /**
     * What to answer: nothing when {@code silent}; else {@code status} and {@code json} after the
     * latency, running {@code before} (an accepted refund's application) just before.
     */
    record Answer(HttpResponseStatus status, String json, boolean silent, Runnable before) {
        static Answer of(HttpResponseStatus status, String json) {
            return new Answer(status, json, false, null);
        }
    }

    private final PaymentLedger ledger;
    private final PaymentSimulator.Knobs knobs;
    private final DoubleSupplier roll;
    private final LongSupplier clock;

    RefundDesk(PaymentLedger ledger, PaymentSimulator.Knobs knobs, DoubleSupplier roll, LongSupplier clock) {
        this.ledger = ledger;
        this.knobs = knobs;
        this.roll = roll;
        this.clock = clock;
    }

    /** {@code POST /{provider}/refunds}, its signature good. */
    synchronized Answer refund(String provider, byte[] body, String idempotencyKey) {
        PaymentLedger.RefundRecord r;
        try {
            r = parse(provider, body);
        } catch (IllegalArgumentException e) {
            return Answer.of(HttpResponseStatus.BAD_REQUEST, SimHttp.error(e.getMessage()));
        }
        if (!r.refundId.equals(idempotencyKey)) {
            return Answer.of(HttpResponseStatus.BAD_REQUEST, SimHttp.error("Idempotency-Key must equal refundId"));
        }
        PaymentLedger.RefundRecord seen = ledger.refund(provider, r.refundId);
        if (seen != null) {
            return duplicate(seen);
        }
        PaymentSimulator.Knobs k = knobs;
        switch (k.draw(roll.getAsDouble())) {
            case FAIL -> {
                ledger.counts.failures.increment();
                return Answer.of(HttpResponseStatus.SERVICE_UNAVAILABLE, SimHttp.error("simulated failure"));
            }
            case TIMEOUT -> {
                ledger.counts.timeouts.increment();
                if (roll.getAsDouble() < k.timeoutAppliedRate) {
                    ledger.putIfAbsent(r);
                    if (take(r)) {
                        applied(r);
                    }
                }
                return new Answer(null, null, true, null);
            }
            case REJECT -> {
                ledger.counts.rejections.increment();
                failed(r, "simulated rejection");
                ledger.putIfAbsent(r);
                return Answer.of(HttpResponseStatus.UNPROCESSABLE_ENTITY, failedJson(r));
            }
            default -> {
                ledger.putIfAbsent(r);
                if (!take(r)) {
                    return Answer.of(HttpResponseStatus.UNPROCESSABLE_ENTITY, failedJson(r));
                }
                return new Answer(HttpResponseStatus.OK, status(r.refundId, "REFUNDED"), false, () -> applied(r));
            }
        }
    }

    /** {@code GET /{provider}/refunds/{refundId}}, its signature good. */
    Answer query(String provider, String refundId) {
        if (roll.getAsDouble() < knobs.failRate) {
            ledger.counts.failures.increment();
            return Answer.of(HttpResponseStatus.SERVICE_UNAVAILABLE, SimHttp.error("simulated failure"));
        }
        PaymentLedger.RefundRecord r = ledger.refund(provider, refundId);
        return r == null ? Answer.of(HttpResponseStatus.NOT_FOUND, SimHttp.error("never seen"))
            : Answer.of(HttpResponseStatus.OK, status(r.refundId, r.status));
    }

    /** Whether a provider takes it (with {@code checkTransactions}); a refund it would not take is FAILED now. */
    private boolean take(PaymentLedger.RefundRecord r) {
        String refused = knobs.checkTransactions
            ? ledger.reserve(r.provider, r.transactionId, r.orderId, r.amount, r.currency) : null;
        if (refused != null) {
            ledger.counts.refundsRefused.increment();
            failed(r, refused);
            return false;
        }
        return true;
    }

    private void applied(PaymentLedger.RefundRecord r) {
        r.time = clock.getAsLong();
        r.status = "REFUNDED";
        ledger.counts.refunded.increment();
    }

    private void failed(PaymentLedger.RefundRecord r, String why) {
        r.time = clock.getAsLong();
        r.error = why;
        r.status = "FAILED";
    }

    private Answer duplicate(PaymentLedger.RefundRecord seen) {
        ledger.counts.duplicates.increment();
        if (seen.status.equals("FAILED")) {
            return Answer.of(HttpResponseStatus.UNPROCESSABLE_ENTITY, failedJson(seen));
        }
        return Answer.of(HttpResponseStatus.CONFLICT, status(seen.refundId, seen.status));
    }

    private static String failedJson(PaymentLedger.RefundRecord r) {
        return SimHttp.json(g -> {
            g.writeStartObject();
            g.writeStringField("refundId", r.refundId);
            g.writeStringField("status", "FAILED");
            g.writeStringField("error", r.error);
            g.writeEndObject();
        });
    }

    private static String status(String refundId, String status) {
        return SimHttp.json(g -> {
            g.writeStartObject();
            g.writeStringField("refundId", refundId);
            g.writeStringField("status", status);
            g.writeEndObject();
        });
    }

    private PaymentLedger.RefundRecord parse(String provider, byte[] body) {
        FlatJson j = FlatJson.parse(body);
        String refundId = token(j, "refundId");
        String transactionId = token(j, "transactionId");
        String orderId = j.requiredString("orderId");
        if (!Ids.isValid(orderId)) {
            throw new IllegalArgumentException(Ids.describe("orderId"));
        }
        long amount = j.integer("amount", -1, 1, Long.MAX_VALUE);
        if (amount < 0) {
            throw new IllegalArgumentException("amount: required, an integer > 0 (minor units)");
        }
        String currency = j.requiredString("currency");
        if (!currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency: must be 3 upper-case letters");
        }
        String reason = j.requiredString("reason");
        if (!REASONS.contains(reason)) {
            throw new IllegalArgumentException("reason: must be LATE_PAYMENT, DUPLICATE_PAYMENT, CANCELLED_ORDER "
                + "or REVOKED");
        }
        return new PaymentLedger.RefundRecord(provider, refundId, transactionId, orderId, amount, currency, reason,
            "PENDING", clock.getAsLong());
    }

    /** 1-64 characters of {@code [A-Za-z0-9_.:-]}, the contract's shape of a transaction id (and of refund ids here). */
    private static String token(FlatJson j, String name) {
        String s = j.requiredString(name);
        if (!isToken(s)) {
            throw new IllegalArgumentException(name + ": must be 1-64 characters [A-Za-z0-9_.:-]");
        }
        return s;
    }

    static boolean isToken(String s) {
        if (s.isEmpty() || s.length() > Ids.MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Ids.isIdChar(c) && c != ':') {
                return false;
            }
        }
        return true;
    }
}
