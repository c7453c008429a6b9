package dev.surge.engine;

/** An operator's switch on a campaign; the time window is checked separately. */
public enum CampaignStatus {
    ACTIVE,
    PAUSED,
    CLOSED;

    private static final CampaignStatus[] VALUES = values();

    public static CampaignStatus of(int ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }
}
