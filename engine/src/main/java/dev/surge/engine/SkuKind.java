package dev.surge.engine;

/** What a SKU hands out. */
public enum SkuKind {
    /** A card code (卡密) from a loaded pool; stock is the pool. */
    CODE,
    /** A recharge (直充) pushed to a supplier; stock is a number. */
    DIRECT_RECHARGE,
    /** Items of other SKUs, granted all or none. */
    BUNDLE;

    private static final SkuKind[] VALUES = values();

    public static SkuKind of(int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }
}
