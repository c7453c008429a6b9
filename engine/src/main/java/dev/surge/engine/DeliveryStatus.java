package dev.surge.engine;

/**
 * Where one granted item is on its way to the user. Journaled, snapshotted, held in the grant book
 * and replied as {@link #code()}: codes are stable (they equal the ordinals of the first release, so
 * older journals replay unchanged), never reorder or reuse them, only append.
 */
public enum DeliveryStatus {
    /** A recharge not yet confirmed by a supplier. */
    PENDING(0),
    /** Handed over: a code in the response, or a supplier's confirmation. */
    DELIVERED(1),
    /** Every supplier refused; an operator can re-drive it. */
    FAILED(2);

    private static final DeliveryStatus[] BY_CODE = new DeliveryStatus[8];

    static {
        for (DeliveryStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final byte code;

    DeliveryStatus(int code) {
        this.code = (byte) code;
    }

    /** The value written to journals, snapshots and replies. */
    public byte code() {
        return code;
    }

    /** The status with this wire code, or null for an unknown code. */
    public static DeliveryStatus of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
