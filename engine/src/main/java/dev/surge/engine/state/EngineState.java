package dev.surge.engine.state;

import dev.surge.engine.command.CampaignDirectory;
import dev.surge.engine.risk.RiskState;
import dev.surge.engine.util.GrantIdCipher;
import dev.surge.engine.util.Identities;
import dev.surge.engine.util.SipHash;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * Everything the engine knows, changed only by {@link EventApplier}. Confined to the writer
 * thread (or to the one thread that replays a journal).
 */
final class EngineState {
    static final int CAMPAIGN_SCOPE = -1;
    // limit dimensions, mixed into counter keys
    static final long CAMPAIGN_USER = 1;
    static final long CAMPAIGN_DEVICE = 2;
    static final long CAMPAIGN_IP = 3;
    static final long SKU_USER = 4;

    final StateConfig config;
    /** The keyed hashes of client-chosen ids: the same instance for decider, applier and risk (one thread). */
    final Identities identities;

    final IdTable campaignIds = new IdTable();
    final IdTable skuIds = new IdTable();
    Campaign[] campaigns = new Campaign[8];
    Sku[] skus = new Sku[16];
    final CodeIndex codes = new CodeIndex(this);
    /** Each time a table below grew by copying on the writer thread (a sale past its reservation, an upload). */
    final TableGrowth growth = new TableGrowth();
    /**
     * Grants so far per (limit dimension, scope, subject) for devices and addresses, and the
     * users' counters that do not fit their line ({@link UserBook}).
     */
    final SubjectTable subjects = new SubjectTable(growth);
    /** Each user's line: counters, newest grant, a claim's idempotency record. */
    final UserBook users;
    final GrantBook grants;
    /** Paid SKUs' orders and their payments (docs/payments.md). */
    final OrderBook orders;
    final PaymentBook payments;
    final IdempotencyTable idempotency;
    final RedeemerBook redeemers = new RedeemerBook();
    /** Blocklist, risk rules and their windows (changed only through {@link EventApplier} too). */
    final RiskState risk;
    final SupplierBook suppliers = new SupplierBook();
    final DeliveryBook deliveries = new DeliveryBook();
    /**
     * Campaign and SKU ids to indexes, for publishers ({@link StateMachine#edge}): rebuilt by
     * {@link #publishDirectory} on every campaign upsert and restore, read by any thread.
     */
    volatile CampaignDirectory directory;
    /** The epoch of {@link #directory}, read by the writer thread without a volatile load. */
    long directoryEpoch;
    /** The campaign and SKU the claim being decided names: its event's applier finds them without a lookup. */
    final KnownIds known = new KnownIds();
    /**
     * The earliest {@code payBy} of a reserved order, or later (Long.MAX_VALUE: none): the
     * gateway's sweeper asks the engine to expire orders once it has passed (docs/payments.md).
     * Written by the writer thread, read by any.
     */
    volatile long orderDeadline = Long.MAX_VALUE;
    /** Sequence of the last event applied. */
    long lastSequence;
    /** Timestamp of the last event applied. */
    long lastTimestamp;

    EngineState(StateConfig config) {
        this.config = config;
        this.identities = new Identities(config.key0(), config.key1());
        SipHash root = new SipHash(config.key0(), config.key1());
        this.idempotency = new IdempotencyTable(config.idempotencyWindowMs());
        this.users = new UserBook(subjects, idempotency, growth);
        this.grants = new GrantBook(users, new GrantIdCipher(root), growth);
        this.orders = new OrderBook(new GrantIdCipher(root, "order-ids"), growth);
        this.payments = new PaymentBook(root);
        this.risk = new RiskState(identities);
        publishDirectory();
    }

    /** Publishes a directory of the campaigns and SKUs as they are now (after a campaign changed). */
    void publishDirectory() {
        boolean[] riskRules = new boolean[campaignIds.size()];
        for (int i = 0; i < riskRules.length; i++) {
            riskRules[i] = risk.rules(i) != null;
        }
        CampaignDirectory d = new CampaignDirectory(campaignIds.idsCopy(), riskRules, campaignIds.size(),
            skuIds.idsCopy(), skuIds.scopesCopy(), skuIds.size());
        directoryEpoch = d.epoch();
        directory = d;
    }

    Campaign campaign(DirectBuffer buffer, int offset, int length) {
        if (known.campaign != null && known.holdsCampaign(buffer, offset, length)) {
            return known.campaign;
        }
        int i = campaignIds.find(CAMPAIGN_SCOPE, buffer, offset, length);
        return i == IdTable.MISSING ? null : campaigns[i];
    }

    Campaign campaign(String id) {
        int i = campaignIds.find(CAMPAIGN_SCOPE, id);
        return i == IdTable.MISSING ? null : campaigns[i];
    }

    Sku sku(Campaign campaign, DirectBuffer buffer, int offset, int length) {
        if (known.sku != null && known.sku.campaign == campaign && known.holdsSku(buffer, offset, length)) {
            return known.sku;
        }
        int i = skuIds.find(campaign.index, buffer, offset, length);
        return i == IdTable.MISSING ? null : skus[i];
    }

    Sku sku(Campaign campaign, String id) {
        int i = skuIds.find(campaign.index, id);
        return i == IdTable.MISSING ? null : skus[i];
    }

    Campaign addCampaign(String id) {
        int index = campaignIds.add(CAMPAIGN_SCOPE, id);
        if (index == campaigns.length) {
            campaigns = Arrays.copyOf(campaigns, index * 2);
        }
        return campaigns[index] = new Campaign(index, id);
    }

    Sku addSku(Campaign campaign, String id, dev.surge.engine.SkuKind kind) {
        int index = skuIds.add(campaign.index, id);
        if (index == skus.length) {
            skus = Arrays.copyOf(skus, index * 2);
        }
        campaign.skus.addInt(index);
        return skus[index] = new Sku(index, id, campaign, kind, growth);
    }

    /**
     * See {@link StateMachine#reserve}: per user a grant and a line; a device and an address
     * counter each; room in the idempotency table for one in eight users' second key (it grows
     * past that without stalling the writer).
     */
    void reserve(int users) {
        grants.reserve(users);
        this.users.reserve(users);
        idempotency.reserve(users / 8);
        subjects.reserve(2L * users);
    }

    int campaignCount() {
        return campaignIds.size();
    }

    int skuCount() {
        return skuIds.size();
    }

    static long limitKey(long dimension, int scope, long subject) {
        return SubjectTable.key(dimension, scope, subject);
    }
}
