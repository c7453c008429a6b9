package dev.surge.engine;

/** Why a payment is refunded (docs/payments.md). Journaled as {@link #code()}: stable, only append. */
public enum RefundReason {
    NONE(0),
    /** Paid at or after the order's {@code payBy}: the order had expired. */
    LATE_PAYMENT(1),
    /** A second payment of an order already paid. */
    DUPLICATE_PAYMENT(2),
    /** Paid after the owner cancelled the order. */
    CANCELLED_ORDER(3),
    /** The paid grant was revoked by an operator (docs/lifecycle.md). */
    REVOKED(4);

    private static final RefundReason[] BY_CODE = new RefundReason[8];

    static {
        for (RefundReason r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final byte code;

    RefundReason(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The reason with this wire code, or null for an unknown code. */
    public static RefundReason of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
