package dev.surge.engine.state;

import java.util.List;

/**
 * A merchant's redeemer key as the engine keeps it: the redeemer id, the SHA-256 of the key
 * (never the key itself), when it was created and the campaigns whose codes it may redeem (its
 * scope). A code of any other campaign is, to this key, a code that does not exist. A key
 * journaled before keys had scopes has an empty scope: it redeems nothing. A read-only copy for
 * the gateway and tools.
 */
public record RedeemerKey(String redeemer, byte[] keyHash, long createdAt, List<String> campaigns) {
    /** The most campaigns one key may be scoped to. */
    public static final int MAX_CAMPAIGNS = 64;

    public RedeemerKey {
        campaigns = List.copyOf(campaigns);
    }

    /** Whether this key may redeem the codes of {@code campaign}. No allocation. */
    public boolean covers(String campaign) {
        for (int i = 0; i < campaigns.size(); i++) {
            if (campaigns.get(i).equals(campaign)) {
                return true;
            }
        }
        return false;
    }

    /** A key from a journal written before scopes: it redeems nothing until replaced. */
    public boolean unscoped() {
        return campaigns.isEmpty();
    }
}
