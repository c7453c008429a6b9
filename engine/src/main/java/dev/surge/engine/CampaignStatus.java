package dev.surge.engine;

/**
 * An operator's switch on a campaign; the time window is checked separately. Journaled, snapshotted
 * and replied as {@link #code()}: codes are stable (they equal the ordinals of the first release, so
 * older journals replay unchanged), never reorder or reuse them, only append.
 */
public enum CampaignStatus {
    ACTIVE(0),
    PAUSED(1),
    CLOSED(2);

    private static final CampaignStatus[] BY_CODE = new CampaignStatus[8];

    static {
        for (CampaignStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final byte code;

    CampaignStatus(int code) {
        this.code = (byte) code;
    }

    /** The value written to journals, snapshots and replies. */
    public byte code() {
        return code;
    }

    /** The status with this wire code, or null for an unknown code. */
    public static CampaignStatus of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
