package dev.surge.engine;

/**
 * Where a grant stands in its lifecycle (docs/lifecycle.md). Snapshotted, held in the grant book
 * and replied as {@link #code()}: codes are stable, never reorder or reuse them, only append.
 * Redemption and delivery have their own states ({@link DeliveryStatus}, redeemedAt).
 */
public enum GrantStatus {
    /** Issued and in force: redeemable (within its validity), transferable by its owner. */
    ACTIVE(0),
    /** Revoked by an operator (or replaced by a re-issue): nothing of it is redeemable any more. */
    REVOKED(1);

    private static final GrantStatus[] BY_CODE = new GrantStatus[8];

    static {
        for (GrantStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final byte code;

    GrantStatus(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The status with this code, or null for an unknown code. */
    public static GrantStatus of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
