package dev.surge.engine.risk;

/**
 * Why a claim was refused with {@link dev.surge.engine.ResultCode#RISK_REJECTED}: the rule that
 * refused it. Carried in the CLAIM_REJECTED event's reason byte, so replay, dump and stats show
 * it. Wire values are stable: never renumber, only append.
 */
public enum RiskReason {
    NONE(0),
    BLOCKED_USER(1),
    BLOCKED_DEVICE(2),
    BLOCKED_IP(3),
    VELOCITY_USER(4),
    VELOCITY_DEVICE(5),
    VELOCITY_IP(6),
    VELOCITY_IP_PREFIX(7),
    DEVICE_SHARED(8),
    TOKEN_TOO_NEW(9),
    DEVICE_REQUIRED(10);

    /** Room for every code a byte can carry in the per-campaign counters. */
    public static final int CODES = 32;
    private static final RiskReason[] BY_CODE = new RiskReason[CODES];

    static {
        for (RiskReason r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final byte code;

    RiskReason(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** Returns null for an unknown value (a newer journal, or corruption). */
    public static RiskReason of(int code) {
        return code >= 0 && code < CODES ? BY_CODE[code] : null;
    }

    /** The name of a reason code, or {@code REASON_n} for one this build does not know. */
    public static String nameOf(int code) {
        RiskReason r = of(code);
        return r == null ? "REASON_" + code : r.name();
    }

    /** Whether a refusal for this reason came from a velocity window (the attempt was counted). */
    public boolean velocity() {
        return this == VELOCITY_USER || this == VELOCITY_DEVICE || this == VELOCITY_IP || this == VELOCITY_IP_PREFIX;
    }
}
