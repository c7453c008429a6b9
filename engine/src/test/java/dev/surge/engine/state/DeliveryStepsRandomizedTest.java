package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Random delivery steps, right and wrong, from a dispatcher that does not follow the rules,
 * against a plain model of where each item is. Checked for each step: the engine accepts it
 * exactly when the model says it is safe (a step names the item's current supplier; only a
 * failover moves on, forward, and never while the supplier left behind may hold the delivery;
 * delivered stays delivered; failed comes back only by re-drive). Checked for each sequence:
 * counters add up, and a snapshot taken midway plus the rest of the events equals the live run.
 * Seeded: {@code -Dsurge.seed=N} reruns one sequence.
 */
class DeliveryStepsRandomizedTest {
    private static final int SEQUENCES = Integer.getInteger("surge.sequences", 300);
    private static final String[] SUPPLIERS = {"a", "b", "c"};
    private static final DeliveryOutcome[] OUTCOMES = DeliveryOutcome.values();

    @Test
    void onlySafeStepsAreAccepted() throws Exception {
        Integer only = Integer.getInteger("surge.seed");
        int from = only == null ? 0 : only;
        int to = only == null ? SEQUENCES : only + 1;
        long accepted = 0;
        for (int seed = from; seed < to; seed++) {
            try {
                accepted += run(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("sequence failed; rerun with -Dsurge.seed=" + seed + ": " + e.getMessage(), e);
            }
        }
        assertTrue(accepted > SEQUENCES * 10L || only != null, "the generator must produce accepted steps");
    }

    /** The model of one item. */
    private static final class Item {
        final String grant;
        DeliveryStatus status = DeliveryStatus.PENDING;
        int supplier;
        boolean maybeHeld;

        Item(String grant) {
            this.grant = grant;
        }
    }

    private static long run(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        EngineDriver d = new EngineDriver(seed);
        CampaignSpec spec = EngineDriver.campaign("c", 0);
        CampaignSpec.SkuSpec vip = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        vip.stock = 1000;
        vip.suppliers.addAll(List.of(SUPPLIERS));
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        List<Item> items = new ArrayList<>();
        Map<String, Item> byGrant = new HashMap<>();
        byte[] snapshot = null;
        int eventsAtSnapshot = 0;
        long accepted = 0;
        int steps = 60 + rnd.nextInt(60);
        for (int s = 0; s < steps; s++) {
            d.now += rnd.nextInt(5);
            int roll = rnd.nextInt(20);
            if (roll < 3 || items.isEmpty()) {
                ReplyView r = d.claim("u" + s, "k" + s, "c", "vip", "", null, "acct" + s);
                assertEquals(ResultCode.GRANTED, r.result);
                Item item = new Item(r.grantId());
                items.add(item);
                byGrant.put(item.grant, item);
            } else if (roll == 3) {
                long failedBefore = items.stream().filter(i -> i.status == DeliveryStatus.FAILED).count();
                ReplyView r = d.redrive("ops", "", "", 0, Long.MAX_VALUE);
                assertEquals(failedBefore, r.count);
                for (Item i : items) {
                    if (i.status == DeliveryStatus.FAILED) {
                        i.status = DeliveryStatus.PENDING;
                        i.supplier = 0;
                        i.maybeHeld = false;
                    }
                }
            } else {
                Item item = items.get(rnd.nextInt(items.size()));
                DeliveryOutcome outcome = OUTCOMES[1 + rnd.nextInt(OUTCOMES.length - 1)];
                int supplier = rnd.nextInt(4) == 0 ? rnd.nextInt(SUPPLIERS.length) : Math.min(item.supplier
                    + (outcome == DeliveryOutcome.FAILOVER ? 1 : 0), SUPPLIERS.length - 1);
                DeliveryStatus status = rnd.nextInt(6) == 0 ? DeliveryStatus.values()[rnd.nextInt(3)]
                    : outcome.delivers() ? DeliveryStatus.DELIVERED
                    : outcome == DeliveryOutcome.EXHAUSTED ? DeliveryStatus.FAILED : DeliveryStatus.PENDING;
                boolean safe = safe(item, status, outcome, supplier);
                ReplyView r = d.step(item.grant, 0, status, SUPPLIERS[supplier], s, outcome);
                assertEquals(safe, r.result == ResultCode.OK, item.status + " at " + SUPPLIERS[item.supplier]
                    + (item.maybeHeld ? " (maybe held)" : "") + " then " + status + "/" + outcome + " at "
                    + SUPPLIERS[supplier] + ": " + r.result + " " + r.message);
                if (safe) {
                    accepted++;
                    item.status = status;
                    item.supplier = supplier;
                    item.maybeHeld = outcome.maybeApplied();
                }
            }
            if (snapshot == null && s == steps / 2) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                d.machine.writeSnapshot(new DataOutputStream(bytes));
                snapshot = bytes.toByteArray();
                eventsAtSnapshot = d.events.size();
            }
        }
        long pending = items.stream().filter(i -> i.status == DeliveryStatus.PENDING).count();
        long delivered = items.stream().filter(i -> i.status == DeliveryStatus.DELIVERED).count();
        CampaignCounters c = d.machine.campaign("c");
        assertEquals(pending, c.deliveriesPending());
        assertEquals(delivered, c.deliveriesDelivered());
        assertEquals(items.size() - pending - delivered, c.deliveriesFailed());
        for (Item i : items) {
            GrantSummary.Item engine = d.machine.grant(i.grant, false).items().get(0);
            assertEquals(i.status, engine.status(), i.grant);
        }

        StateMachine restored = StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot)), d.machine.config());
        for (byte[] e : d.events.subList(eventsAtSnapshot, d.events.size())) {
            assertTrue(restored.apply(new UnsafeBuffer(e), 0, e.length));
        }
        assertEquals(d.machine.digest(), restored.digest(), "snapshot + replay == live");
        assertEquals(d.machine.digest(), d.replay().digest(), "replay == live");
        return accepted;
    }

    /** The model's rules (docs/delivery.md), written independently of the decider. */
    private static boolean safe(Item item, DeliveryStatus status, DeliveryOutcome outcome, int supplier) {
        if (item.status == DeliveryStatus.DELIVERED && status != DeliveryStatus.DELIVERED) {
            return false;
        }
        if (item.status == DeliveryStatus.FAILED && status == DeliveryStatus.PENDING) {
            return false;
        }
        if (outcome == DeliveryOutcome.REDRIVEN || outcome == DeliveryOutcome.CANCELLED) { // no grant here is revoked
            return false;
        }
        boolean settlesDelivered = outcome == DeliveryOutcome.ACCEPTED || outcome == DeliveryOutcome.DUPLICATE
            || outcome == DeliveryOutcome.CONFIRMED;
        DeliveryStatus expected = settlesDelivered ? DeliveryStatus.DELIVERED
            : outcome == DeliveryOutcome.EXHAUSTED ? DeliveryStatus.FAILED : DeliveryStatus.PENDING;
        if (status != expected) {
            return false;
        }
        if (outcome == DeliveryOutcome.FAILOVER) {
            return supplier > item.supplier && !item.maybeHeld;
        }
        if (supplier != item.supplier) {
            return false;
        }
        return outcome != DeliveryOutcome.EXHAUSTED || !item.maybeHeld;
    }
}
