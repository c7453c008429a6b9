package dev.surge.engine.command;

/** What a ring slot asks of the engine. Wire values are stable. */
public enum CommandType {
    CLAIM,
    REDEEM_GRANT,
    REDEEM_CODE,
    UPSERT_CAMPAIGN,
    SET_CAMPAIGN_STATUS,
    LOAD_CODES,
    ADJUST_STOCK,
    RECORD_DELIVERY,
    QUERY_GRANT,
    QUERY_USER_GRANTS,
    QUERY_CAMPAIGNS,
    CREATE_REDEEMER,
    UPDATE_BLOCKLIST,
    QUERY_BLOCKLIST,
    CONFIGURE_SUPPLIER,
    REDRIVE_DELIVERIES,
    QUERY_PENDING_DELIVERIES,
    // paid sales (docs/payments.md); a paid SKU's reservation is a CLAIM
    CANCEL_ORDER,
    NOTIFY_PAYMENT,
    EXPIRE_ORDERS,
    RECORD_REFUND,
    QUERY_ORDER,
    QUERY_PENDING_REFUNDS,
    // the lifecycle of a grant (docs/lifecycle.md)
    REVOKE_GRANT,
    REISSUE_GRANT,
    TRANSFER_GRANT,
    // an operator's re-drive of FAILED refunds (docs/refunds.md)
    REDRIVE_REFUNDS,
    // what a gateway in front of a cluster copies of the state at start and keeps current (docs/cluster.md)
    QUERY_PARTNERS;

    private static final CommandType[] VALUES = values();

    public static CommandType of(int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }
}
