package dev.surge.engine;

/** Where one granted item is on its way to the user. */
public enum DeliveryStatus {
    /** A recharge not yet confirmed by a supplier. */
    PENDING,
    /** Handed over: a code in the response, or a supplier's confirmation. */
    DELIVERED,
    /** Every supplier refused; an operator can re-drive it. */
    FAILED;

    private static final DeliveryStatus[] VALUES = values();

    public static DeliveryStatus of(int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }
}
