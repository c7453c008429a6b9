package dev.surge.engine;

/**
 * What one delivery step found out, journaled with each DELIVERY_RECORDED event so that a
 * restart knows where every recharge stands (docs/delivery.md). Wire values are stable: never reorder,
 * only append.
 */
public enum DeliveryOutcome {
    /** Not stated: records from before outcomes were journaled, or written by hand. */
    NONE(0),
    /** 2xx: the supplier recharged the account. */
    ACCEPTED(1),
    /** 409: the supplier already had this delivery id (delivered). */
    DUPLICATE(2),
    /** Another 4xx: permanent for this supplier, fail over. */
    REJECTED(3),
    /** 5xx: retried with backoff, then failed over. */
    SERVER_ERROR(4),
    /** Nothing reached the supplier (connection refused, not sent): safe to retry or fail over. */
    REFUSED(5),
    /** Timed out or lost after sending: the supplier may have it, so ask before anything else. */
    UNKNOWN(6),
    /** Status query answered DELIVERED. */
    CONFIRMED(7),
    /** Status query answered FAILED: permanent for this supplier. */
    QUERY_FAILED(8),
    /** Status query answered 404: never seen, so safe to send again or fail over. */
    NOT_SEEN(9),
    /** Status query answered PENDING: the supplier is still working on it. */
    IN_PROGRESS(10),
    /** Status query got no answer: still unknown. */
    UNANSWERED(11),
    /** Moved to this record's supplier; journaled before the first request to it. */
    FAILOVER(12),
    /** Every supplier failed: the item is FAILED. */
    EXHAUSTED(13),
    /** An operator re-drove a FAILED item: PENDING again, from the first supplier. */
    REDRIVEN(14),
    /**
     * The grant was revoked before the item was sent anywhere that may hold it: the dispatcher
     * does not send it; the item is FAILED for good (never re-driven). docs/lifecycle.md.
     */
    CANCELLED(15);

    private static final DeliveryOutcome[] BY_CODE = new DeliveryOutcome[32];

    static {
        for (DeliveryOutcome o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final byte code;

    DeliveryOutcome(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** Returns null for an unknown value. */
    public static DeliveryOutcome of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * Whether the supplier may hold the delivery although it has not said so: nothing may be
     * sent to another supplier until a status query settles it.
     */
    public boolean maybeApplied() {
        return this == UNKNOWN || this == IN_PROGRESS || this == UNANSWERED;
    }

    /** An outcome that settles the item as delivered. */
    public boolean delivers() {
        return this == ACCEPTED || this == DUPLICATE || this == CONFIRMED;
    }

    /** The outcome of a request to a supplier (a send or a status query), as opposed to a decision. */
    public boolean isRequest() {
        return code >= ACCEPTED.code && code <= UNANSWERED.code;
    }
}
