package dev.surge.journal.crash;

import com.lmax.disruptor.EventTranslatorOneArg;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.ring.EngineRing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The campaign that ring load runs against, set up through the ring itself (so it is journaled
 * like any admin change): {@value #CAMPAIGN} with CODE SKUs {@code video} and {@code music}
 * (codes {@code V-<n>} and {@code M-<n>}), a BUNDLE {@code pack} of both, and a DIRECT_RECHARGE
 * {@code vip}, per-user limit {@value #PER_USER_LIMIT}.
 *
 * <p>Admin commands carry a {@link Waiter} as their slot context; the ring's reply port hands
 * every slot to {@link #onReply} first.
 */
final class LoadCampaign {
    static final String CAMPAIGN = "crash";
    static final String[] CLAIMED_SKUS = {"video", "music", "pack", "vip"};
    static final String RECHARGE_SKU = "vip";
    static final int PER_USER_LIMIT = 3;
    private static final int CODES_PER_COMMAND = 5_000;

    private static final EventTranslatorOneArg<CommandSlot, Consumer<CommandSlot>> FILL =
        (slot, sequence, fill) -> fill.accept(slot);

    private LoadCampaign() {
    }

    /** Creates the campaign with {@code codesPerSku} codes in each CODE SKU (and as much recharge stock); waits for each step. */
    static void create(EngineRing ring, int codesPerSku) throws InterruptedException {
        CampaignSpec spec = new CampaignSpec(CAMPAIGN);
        spec.name = "ring load";
        spec.perUserLimit = PER_USER_LIMIT;
        spec.skus.add(new CampaignSpec.SkuSpec("video", SkuKind.CODE));
        spec.skus.add(new CampaignSpec.SkuSpec("music", SkuKind.CODE));
        CampaignSpec.SkuSpec pack = new CampaignSpec.SkuSpec("pack", SkuKind.BUNDLE);
        pack.items.add(new CampaignSpec.BundleItem("video", 1));
        pack.items.add(new CampaignSpec.BundleItem("music", 1));
        spec.skus.add(pack);
        CampaignSpec.SkuSpec vip = new CampaignSpec.SkuSpec(RECHARGE_SKU, SkuKind.DIRECT_RECHARGE);
        vip.stock = codesPerSku;
        vip.suppliers.add("primary");
        spec.skus.add(vip);

        CommandWriter w = new CommandWriter();
        long now = System.currentTimeMillis();
        admin(ring, slot -> w.upsertCampaign(slot, now, spec));
        for (String sku : new String[] {"video", "music"}) {
            String prefix = sku.equals("video") ? "V" : "M";
            for (int from = 0; from < codesPerSku; from += CODES_PER_COMMAND) {
                List<String> codes = new ArrayList<>(CODES_PER_COMMAND);
                for (int i = from; i < Math.min(codesPerSku, from + CODES_PER_COMMAND); i++) {
                    codes.add(prefix + "-" + i);
                }
                admin(ring, slot -> w.loadCodes(slot, now, CAMPAIGN, sku, codes));
            }
        }
    }

    /** Completes an admin command's wait; returns false for any other slot. Reply thread. */
    static boolean onReply(CommandSlot slot) {
        if (slot.context instanceof Waiter waiter) {
            waiter.result = slot.journaled ? slot.result : ResultCode.UNAVAILABLE;
            waiter.done.countDown();
            return true;
        }
        return false;
    }

    /** An admin command's pending answer. */
    private static final class Waiter {
        final CountDownLatch done = new CountDownLatch(1);
        volatile ResultCode result;
    }

    private static void admin(EngineRing ring, Consumer<CommandSlot> fill) throws InterruptedException {
        Waiter waiter = new Waiter();
        while (!ring.tryPublish(FILL, slot -> {
            fill.accept(slot);
            slot.context = waiter;
        })) {
            LockSupport.parkNanos(100_000);
        }
        if (!waiter.done.await(60, TimeUnit.SECONDS) || waiter.result != ResultCode.OK) {
            throw new IllegalStateException("set-up command refused: " + waiter.result);
        }
    }
}
