package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.state.PendingRefund;
import dev.surge.engine.util.GrantIds;

/**
 * One refund on its way to its payment provider (docs/refunds.md): what to refund and where it
 * stands, and what each answer of the provider means ({@link #afterSend}, {@link #afterQuery}).
 * Created from a journaled payment that cannot be honoured (fresh) or from the engine's owed
 * refunds (resumed where the journal left it). Confined to the refund dispatcher's thread.
 */
final class RefundJob extends LaneJob {
    /** What the dispatcher does after an answer. */
    enum Next {
        /** Settled: journal the final status and forget the job once it is journaled. */
        DONE,
        /** Nothing reached the provider, or it failed (5xx): send again after a backoff. */
        RETRY,
        /** The provider may have it: ask it (status query) after a backoff, and nothing else. */
        ASK,
        /** The provider never saw it (404 after a timeout): send again now. */
        SEND,
        /** The tries are used up and the provider does not have it: FAILED ({@code EXHAUSTED}). */
        GIVE_UP
    }

    /**
     * What one answer means.
     *
     * @param outcome  what to journal for this request
     * @param status   the refund's status after it (REQUIRED unless {@code next} is DONE)
     * @param next     what happens next
     * @param answered the provider answered in a way that shows it is up (counts as a success for
     *                 its circuit breaker, as a 4xx does)
     */
    record Step(DeliveryOutcome outcome, RefundStatus status, Next next, boolean answered) {
    }

    final long orderHi;
    final int orderLo;
    final int refund;
    final String refundId;
    final String transactionId;
    final long amount;
    final String currency;
    final String provider;
    final RefundReason reason;
    /** Attempt number as journaled: every request (send or query) counts, across restarts. */
    int attempts;
    /** Sends that ended without the provider settling it (5xx, refused, timeout), for the retry limit. */
    int tries;
    /** Consecutive status queries without a settled answer, for their backoff. */
    int queries;

    RefundJob(long orderHi, int orderLo, int refund, String transactionId, long amount, String currency,
              String provider, RefundReason reason) {
        this.orderHi = orderHi;
        this.orderLo = orderLo;
        this.refund = refund;
        this.refundId = GrantIds.formatOrder(orderHi, orderLo) + "-" + refund;
        this.transactionId = transactionId;
        this.amount = amount;
        this.currency = currency;
        this.provider = provider;
        this.reason = reason;
    }

    /**
     * Resumes a refund where the journal left it: in doubt when its last request may have landed.
     * Its tries start again from 0 (as a delivery's at its supplier do after a restart).
     */
    static RefundJob resume(PendingRefund p) {
        RefundJob job = new RefundJob(p.orderHi(), p.orderLo(), p.refund(), p.transactionId(), p.amount(), p.currency(),
            p.provider(), p.reason());
        job.attempts = p.attempts();
        job.inDoubt = p.lastOutcome() != null && p.lastOutcome().maybeApplied();
        return job;
    }

    @Override
    String requestId() {
        return refundId;
    }

    @Override
    byte[] newBody() {
        return RefundBody.of(this);
    }

    String orderId() {
        return GrantIds.formatOrder(orderHi, orderLo);
    }

    /**
     * The answer to a send: 2xx and 409 refund it, another 4xx fails it, 5xx and refused
     * connections are retried up to {@code maxTries} sends, and a timeout or a lost connection
     * leaves it in doubt. A host that resolves to a link-local or metadata address gives up at
     * once: nothing was sent, and no retry changes where the host points.
     */
    Step afterSend(SupplierReply reply, int maxTries) {
        attempts++;
        DeliveryOutcome outcome = DeliveryJob.ofSend(reply); // the same codes as a supplier's
        switch (outcome) {
            case ACCEPTED, DUPLICATE -> {
                return new Step(outcome, RefundStatus.REFUNDED, Next.DONE, true);
            }
            case REJECTED -> {
                return new Step(outcome, RefundStatus.FAILED, Next.DONE, true);
            }
            case SERVER_ERROR, REFUSED -> {
                tries++;
                boolean hopeless = reply.kind() == SupplierReply.Kind.BLOCKED || tries >= maxTries;
                return new Step(outcome, RefundStatus.REQUIRED, hopeless ? Next.GIVE_UP : Next.RETRY, false);
            }
            default -> {
                tries++; // sent, no answer: the provider may have refunded; ask before anything else
                inDoubt = true;
                queries = 0;
                return new Step(DeliveryOutcome.UNKNOWN, RefundStatus.REQUIRED, Next.ASK, false);
            }
        }
    }

    /**
     * The answer to a status query: REFUNDED and FAILED settle it, PENDING and no answer mean ask
     * again, 404 means the provider never saw it, so it may be sent again while tries are left.
     */
    Step afterQuery(SupplierReply reply, int maxTries) {
        attempts++;
        DeliveryOutcome outcome = ofQuery(reply);
        switch (outcome) {
            case CONFIRMED -> {
                inDoubt = false;
                return new Step(outcome, RefundStatus.REFUNDED, Next.DONE, true);
            }
            case QUERY_FAILED -> {
                inDoubt = false;
                return new Step(outcome, RefundStatus.FAILED, Next.DONE, true);
            }
            case NOT_SEEN -> {
                inDoubt = false;
                return new Step(outcome, RefundStatus.REQUIRED, tries < maxTries ? Next.SEND : Next.GIVE_UP, true);
            }
            case IN_PROGRESS -> {
                queries++;
                return new Step(outcome, RefundStatus.REQUIRED, Next.ASK, true);
            }
            default -> {
                queries++; // still in doubt: keep asking, never send again while it may have it
                return new Step(DeliveryOutcome.UNANSWERED, RefundStatus.REQUIRED, Next.ASK, false);
            }
        }
    }

    /** The outcome a provider's answer to {@code GET {url}/refunds/{refundId}} means. */
    static DeliveryOutcome ofQuery(SupplierReply r) {
        return DeliveryJob.ofQuery(r, "REFUNDED");
    }
}
