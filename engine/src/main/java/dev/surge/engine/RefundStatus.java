package dev.surge.engine;

/**
 * Where the refund of a payment that could not be honoured is (docs/payments.md). Journaled,
 * snapshotted and replied as {@link #code()}: codes are stable, only append.
 */
public enum RefundStatus {
    /** Owed to the payer; the dispatcher is asking the provider to refund it. */
    REQUIRED(1),
    /** The provider confirmed the refund. */
    REFUNDED(2),
    /** The provider refused it, or kept failing: an operator re-drives it, or settles it by hand (docs/refunds.md). */
    FAILED(3);

    private static final RefundStatus[] BY_CODE = new RefundStatus[8];

    static {
        for (RefundStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final byte code;

    RefundStatus(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** How APIs and dumps name it: REFUND_REQUIRED, REFUNDED, REFUND_FAILED. */
    public String label() {
        return this == REFUNDED ? name() : "REFUND_" + name();
    }

    /** The status with this wire code, or null for an unknown code. */
    public static RefundStatus of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
