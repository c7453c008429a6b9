package dev.surge.bench;

import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.ClaimEdge;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;

/**
 * The workload every in-process benchmark shares: campaign "bench", a recharge SKU "vip" with
 * stock that never runs out and a card-code SKU "card", per-user limit 1. Claim number {@code n}
 * comes from user {@code user-n} with key {@code key-n}, so every claim is granted.
 *
 * <p>Threading: one instance per publishing thread (reused builders).
 */
public final class FlashSale {
    public static final String CAMPAIGN = "bench";
    public static final String RECHARGE_SKU = "vip";
    public static final String CODE_SKU = "card";

    private final CommandWriter writer;
    private final StringBuilder user = new StringBuilder(24);
    private final StringBuilder key = new StringBuilder(24);

    /** Claims left for the engine to resolve (as a tool writes them). */
    public FlashSale() {
        this(null);
    }

    /** Claims resolved at the edge with {@code edge}, as the gateway writes them. */
    public FlashSale(ClaimEdge edge) {
        this.writer = new CommandWriter(edge);
    }

    /** The campaign, open from time 0 for ever. */
    public static CampaignSpec campaign() {
        CampaignSpec spec = new CampaignSpec(CAMPAIGN);
        spec.name = "benchmark flash sale";
        spec.perUserLimit = 1;
        CampaignSpec.SkuSpec vip = new CampaignSpec.SkuSpec(RECHARGE_SKU, SkuKind.DIRECT_RECHARGE);
        vip.stock = Long.MAX_VALUE / 4;
        vip.suppliers.add("primary");
        spec.skus.add(vip);
        spec.skus.add(new CampaignSpec.SkuSpec(CODE_SKU, SkuKind.CODE));
        return spec;
    }

    public void upsertCampaign(CommandSlot slot) {
        writer.upsertCampaign(slot, 1, campaign());
    }

    /** A recharge claim by user {@code n}: decided, it is a CLAIM_GRANTED of one PENDING item. */
    public void rechargeClaim(CommandSlot slot, long n) {
        claim(slot, n, RECHARGE_SKU, "13800000000");
    }

    /** A card-code claim by user {@code n}: granted while the pool has codes. */
    public void codeClaim(CommandSlot slot, long n) {
        claim(slot, n, CODE_SKU, null);
    }

    private void claim(CommandSlot slot, long n, String sku, String account) {
        user.setLength(0);
        user.append("user-").append(n);
        key.setLength(0);
        key.append("key-").append(n);
        // time and randomness are inputs: derived from n so that runs are reproducible
        writer.claim(slot, 2 + n / 1000, user, key, CAMPAIGN, sku, "dev-1", null,
            account);
    }

    /** Writes a card code of the common 4-4-4 shape ("VX8K-2M9Q-7TQA", 14 bytes) for number n. */
    public static void code(StringBuilder into, long n) {
        into.setLength(0);
        long v = n * 0x9E3779B97F4A7C15L ^ 0x5DEECE66DL;
        for (int i = 0; i < 12; i++) {
            if (i == 4 || i == 8) {
                into.append('-');
            }
            into.append(ALPHABET.charAt((int) ((v >>> (i * 5)) & 31)));
        }
    }

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
}
