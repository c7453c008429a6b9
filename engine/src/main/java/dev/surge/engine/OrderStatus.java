package dev.surge.engine;

/**
 * Where a paid SKU's order is (docs/payments.md). Journaled, snapshotted and replied as
 * {@link #code()}: codes are stable, only append.
 */
public enum OrderStatus {
    /** Stock and the user's limits held until {@code payBy}. */
    RESERVED(1),
    /** Paid in time: its grant is issued. */
    PAID(2),
    /** Cancelled by its owner before payment: stock and limits released. */
    CANCELLED(3),
    /** Not paid by {@code payBy}: stock and limits released. */
    EXPIRED(4);

    private static final OrderStatus[] BY_CODE = new OrderStatus[8];

    static {
        for (OrderStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final byte code;

    OrderStatus(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The status with this wire code, or null for an unknown code. */
    public static OrderStatus of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
