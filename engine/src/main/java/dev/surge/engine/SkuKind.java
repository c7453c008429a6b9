package dev.surge.engine;

/**
 * What a SKU hands out. Journaled (in campaign specs), snapshotted and replied as {@link #code()}:
 * codes are stable (they equal the ordinals of the first release, so older journals replay
 * unchanged), never reorder or reuse them, only append.
 */
public enum SkuKind {
    /** A card code (卡密) from a loaded pool; stock is the pool. */
    CODE(0),
    /** A recharge (直充) pushed to a supplier; stock is a number. */
    DIRECT_RECHARGE(1),
    /** Items of other SKUs, granted all or none. */
    BUNDLE(2);

    private static final SkuKind[] BY_CODE = new SkuKind[8];

    static {
        for (SkuKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final byte code;

    SkuKind(int code) {
        this.code = (byte) code;
    }

    /** The value written to journals, snapshots and replies. */
    public byte code() {
        return code;
    }

    /** The kind with this wire code, or null for an unknown code. */
    public static SkuKind of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
