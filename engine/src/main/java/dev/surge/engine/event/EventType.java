package dev.surge.engine.event;

/** The kinds of journaled event. Wire values are stable: never reorder, only append. */
public enum EventType {
    CAMPAIGN_CONFIGURED(1),
    CAMPAIGN_STATUS_CHANGED(2),
    CODES_LOADED(3),
    STOCK_ADJUSTED(4),
    CLAIM_GRANTED(5),
    CLAIM_REJECTED(6),
    REDEMPTION(7),
    DELIVERY_RECORDED(8),
    REDEEMER_CREATED(9),
    // risk control: 20-29
    BLOCKLIST_CHANGED(20),
    SUPPLIER_CONFIGURED(10),
    DELIVERIES_REDRIVEN(11),
    // paid sales: 12-17 (docs/payments.md)
    ORDER_RESERVED(12),
    ORDER_CANCELLED(13),
    PAYMENT_RECORDED(14),
    ORDERS_EXPIRED(15),
    REFUND_RECORDED(16),
    REFUNDS_REDRIVEN(17),
    // the lifecycle of a grant (docs/lifecycle.md): 30-39
    GRANT_REVOKED(30),
    GRANT_REISSUED(31),
    GRANT_TRANSFERRED(32);

    private static final EventType[] BY_CODE = new EventType[64];

    static {
        for (EventType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final byte code;

    EventType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** Whether the body holds plaintext card codes, which the journal must encrypt at rest. */
    public boolean holdsCodes() {
        return this == CODES_LOADED;
    }

    /**
     * Whether the body ends in something secret (card codes, a supplier's signing secret), which
     * the journal seals at rest; everything before it stays readable without the key.
     */
    public boolean holdsSecrets() {
        return holdsCodes() || this == SUPPLIER_CONFIGURED;
    }

    public static EventType of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
