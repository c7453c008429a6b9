package dev.surge.engine.command;

import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.SameBytes;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;

/**
 * Campaign and SKU ids as the engine's indexes, so that a publisher resolves the names of a claim
 * and the writer thread decides on numbers. Immutable: the writer thread builds a new one whenever
 * a campaign is upserted (and when a state is restored) and publishes it through a volatile
 * field; any number of publishers read it.
 *
 * <p>Each directory has its own {@link #epoch()}, never reused within the process (not even by
 * another state machine). A claim carries the epoch its indexes came from and the engine uses them
 * only if that is still its current directory's epoch; otherwise it looks the names up again. So a
 * stale index is never applied to the wrong campaign or SKU (docs/architecture.md, "Resolved at
 * the edge").
 *
 * <p>Threading: immutable, safe from any thread.
 */
public final class CampaignDirectory {
    /** The epoch of no directory: a claim that carries it was not resolved. */
    public static final long NO_EPOCH = 0;
    /** An id the directory does not hold. */
    public static final int MISSING = -1;
    private static final int CAMPAIGN_SCOPE = -1;
    private static final AtomicLong EPOCHS = new AtomicLong();

    private final long epoch;
    private final boolean[] riskRules;
    private final Names campaigns;
    private final Names skus;

    /**
     * A directory of {@code campaignIds} (index i is campaign i) and {@code skuIds} (index i is
     * SKU i, of the campaign at {@code skuCampaigns[i]}), UTF-8, and whether each campaign has risk
     * rules; the arrays are not copied and must not change afterwards.
     */
    public CampaignDirectory(byte[][] campaignIds, boolean[] riskRules, int campaignCount, byte[][] skuIds,
                             int[] skuCampaigns, int skuCount) {
        this.epoch = EPOCHS.incrementAndGet();
        this.riskRules = riskRules;
        int[] campaignScopes = new int[campaignCount];
        Arrays.fill(campaignScopes, CAMPAIGN_SCOPE);
        this.campaigns = new Names(campaignIds, campaignScopes, campaignCount);
        this.skus = new Names(skuIds, skuCampaigns, skuCount);
    }

    public long epoch() {
        return epoch;
    }

    /** The index of the campaign whose id is these bytes, or {@link #MISSING}. */
    public int campaign(DirectBuffer buffer, int offset, int length) {
        return campaigns.find(CAMPAIGN_SCOPE, buffer, offset, length);
    }

    /**
     * Whether campaign {@code campaign} had risk rules (so that a claim's address keys are worth
     * computing at the edge). A hint only: a claim without them has them computed by the engine.
     */
    public boolean riskRules(int campaign) {
        return campaign >= 0 && riskRules[campaign];
    }

    /** The index of the SKU of campaign {@code campaign} whose id is these bytes, or {@link #MISSING}. */
    public int sku(int campaign, DirectBuffer buffer, int offset, int length) {
        return campaign < 0 ? MISSING : skus.find(campaign, buffer, offset, length);
    }

    /** (scope, id) to index, open addressing with linear probing, built once. */
    private static final class Names {
        private final byte[][] ids;
        private final int[] scopes;
        private final int[] table;

        Names(byte[][] ids, int[] scopes, int size) {
            this.ids = ids;
            this.scopes = scopes;
            this.table = new int[Math.max(4, Integer.highestOneBit(Math.max(1, size)) << 2)];
            int mask = table.length - 1;
            for (int index = 0; index < size; index++) {
                int i = (int) Hashing.combine(scopes[index], Hashing.hash(ids[index], 0, ids[index].length)) & mask;
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = index + 1;
            }
        }

        int find(int scope, DirectBuffer buffer, int offset, int length) {
            int mask = table.length - 1;
            for (int i = (int) Hashing.combine(scope, Hashing.hash(buffer, offset, length)) & mask; ;
                 i = (i + 1) & mask) {
                int entry = table[i] - 1;
                if (entry < 0) {
                    return MISSING;
                }
                if (scopes[entry] == scope && SameBytes.of(ids[entry], buffer, offset, length)) {
                    return entry;
                }
            }
        }
    }
}
