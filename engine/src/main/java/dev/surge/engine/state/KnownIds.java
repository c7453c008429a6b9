package dev.surge.engine.state;

import org.agrona.DirectBuffer;

/**
 * The campaign and SKU of a claim already resolved (by a paid claim's decision, from the
 * directory's indexes or by name; by replay, from the claims before it), and where their ids lie.
 * The applier of the claim's event reads the same ids from the event a moment later:
 * {@link EngineState#campaign} and {@link EngineState#sku} answer from here when the bytes are
 * equal, a compare of a few bytes instead of a hash and a probe. (A free claim's event is applied
 * from its {@link ClaimFacts}, which hold the campaign and SKU themselves.) Like the identities'
 * memo it keeps a reference, not a copy: forgotten at the end of every decision ({@link #forget}).
 * Confined to the writer thread.
 */
final class KnownIds {
    Campaign campaign;
    Sku sku;
    private DirectBuffer command;
    private int campaignOffset;
    private int campaignLength;
    private int skuOffset;
    private int skuLength;

    void keep(DirectBuffer command, Campaign campaign, int campaignOffset, int campaignLength, Sku sku,
              int skuOffset, int skuLength) {
        this.command = command;
        this.campaign = campaign;
        this.campaignOffset = campaignOffset;
        this.campaignLength = campaignLength;
        this.sku = sku;
        this.skuOffset = skuOffset;
        this.skuLength = skuLength;
    }

    void forget() {
        campaign = null;
        sku = null;
        command = null;
    }

    boolean holdsCampaign(DirectBuffer buffer, int offset, int length) {
        return equal(buffer, offset, length, campaignOffset, campaignLength);
    }

    boolean holdsSku(DirectBuffer buffer, int offset, int length) {
        return equal(buffer, offset, length, skuOffset, skuLength);
    }

    private boolean equal(DirectBuffer buffer, int offset, int length, int keptOffset, int keptLength) {
        if (length != keptLength) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(offset + i) != command.getByte(keptOffset + i)) {
                return false;
            }
        }
        return true;
    }
}
