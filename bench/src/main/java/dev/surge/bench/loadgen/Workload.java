package dev.surge.bench.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Picks each next request of one lane: a claim by a random user of the population, a
 * redemption of a grant this lane saw, or an exact repeat of a claim this lane sent (falling
 * back to a claim until there is history). Confined to its lane's event loop.
 */
final class Workload {
    private static final int HISTORY = 4096;

    private final Mix mix;
    private final int users;
    private final byte[] claimBody;
    private final String lanePrefix;
    private final SplittableRandom random;
    private final Request[] sent = new Request[HISTORY];
    private long sentCount;
    private final int[] grantUsers = new int[HISTORY];
    private final String[] grantIds = new String[HISTORY];
    private long grantCount;
    private long keys;

    Workload(Mix mix, int users, String campaign, String sku, String keyPrefix, long seed) {
        this.mix = mix;
        this.users = users;
        this.claimBody = ("{\"campaignId\":\"" + campaign + "\",\"skuId\":\"" + sku + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        this.lanePrefix = keyPrefix;
        this.random = new SplittableRandom(seed);
    }

    Request next(long intendedNanos) {
        int pick = random.nextInt(mix.total());
        if (pick >= mix.claims() + mix.redeems() && sentCount > 0) {
            Request r = sent[(int) (random.nextLong(Math.min(sentCount, HISTORY)))];
            return new Request(Request.Kind.REPEAT, intendedNanos, r.user, r.key, r.path, r.body);
        }
        if (pick >= mix.claims() && pick < mix.claims() + mix.redeems() && grantCount > 0) {
            int i = (int) random.nextLong(Math.min(grantCount, HISTORY));
            return new Request(Request.Kind.REDEEM, intendedNanos, grantUsers[i], nextKey(),
                "/v1/redemptions", ("{\"grantId\":\"" + grantIds[i] + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        Request claim = new Request(Request.Kind.CLAIM, intendedNanos, random.nextInt(users), nextKey(), "/v1/claims",
            claimBody);
        sent[(int) (sentCount++ % HISTORY)] = claim;
        return claim;
    }

    private String nextKey() {
        return lanePrefix + keys++;
    }

    /** A grant came back: it may be redeemed later by its owner. */
    void onGranted(int user, String grantId) {
        int i = (int) (grantCount++ % HISTORY);
        grantUsers[i] = user;
        grantIds[i] = grantId;
    }
}
