package dev.surge.engine;

/**
 * Every outcome the engine can give, with a stable wire value (journals depend on it).
 * Whether an outcome is journaled depends on whether the command wrote an event: claim and
 * redemption outcomes always are; answers about the request itself (a reused idempotency key,
 * an invalid admin change) change nothing and are not.
 */
public enum ResultCode {
    NONE(0),
    // claims
    GRANTED(1),
    SOLD_OUT(2),
    LIMIT_REACHED(3),
    NOT_STARTED(4),
    ENDED(5),
    PAUSED(6),
    RISK_REJECTED(7),
    UNKNOWN_CAMPAIGN(8),
    UNKNOWN_SKU(9),
    /** A paid SKU's claim: stock and limits held by an order until it is paid, cancelled or expired. */
    RESERVED(10),
    // redemptions
    REDEEMED(20),
    ALREADY_REDEEMED(21),
    NOT_FOUND(22),
    NOT_OWNER(23),
    EXPIRED(24),
    NOT_DELIVERED(25),
    // the lifecycle of a grant (docs/lifecycle.md): 30-39
    /** The grant was revoked by an operator: its codes are not redeemable, it cannot be given away. */
    REVOKED(30),
    /** A gift: the grant now belongs to the recipient. */
    TRANSFERRED(31),
    /** A grant holding a recharge cannot be given away (the account is the claimer's). */
    NOT_TRANSFERABLE(32),
    /** Only a grant of one CODE item can be re-issued (a recharge could land twice). */
    NOT_REISSUABLE(33),
    // answers about the request, never journaled
    IDEMPOTENCY_KEY_REUSED(40),
    ACCOUNT_REQUIRED(41),
    INVALID(42),
    /** The engine stopped deciding: its journal failed, so nothing more can be acknowledged. */
    UNAVAILABLE(43),
    // orders and payments (docs/payments.md)
    /** A payment notification that paid its order in time: the grant is issued. */
    PAID(50),
    /** A payment that cannot be honoured (late, a second one, on a cancelled order): it is refunded. */
    REFUND_REQUIRED(51),
    /** A payment notification whose amount or currency is not the order's: refused, nothing changes. */
    AMOUNT_MISMATCH(52),
    /** The order is no longer RESERVED (paid, cancelled or expired), so it cannot be cancelled. */
    ORDER_CLOSED(53),
    /** The owner cancelled a reserved order: stock and limits released. */
    CANCELLED(54),
    // admin and queries
    OK(60),
    FOUND(70);

    private static final ResultCode[] BY_CODE = new ResultCode[128];

    static {
        for (ResultCode r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final byte code;

    ResultCode(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** Returns null for an unknown value (a newer journal, or corruption). */
    public static ResultCode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
