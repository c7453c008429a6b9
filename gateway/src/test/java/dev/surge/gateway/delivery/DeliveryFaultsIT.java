package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.config.Configuration;
import dev.surge.simulator.SupplierSimulator;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deliveries against simulated suppliers in their fault modes (docs/delivery.md). In every mode each
 * granted recharge lands exactly once over both suppliers, and the journal agrees on where.
 */
@ExtendWith(NoLeakedThreads.class)
class DeliveryFaultsIT {
    private static final int N = 150;
    private static final long SETTLE_MS = 60_000;

    @Test
    void twentyPercentServerErrors() throws Exception {
        allDeliveredDespite("c5xx", 1000, k -> k.failRate = 0.2, SupplierSimulator::failuresGiven);
    }

    @Test
    void tenPercentTimeoutsSomeOfThemApplied() throws Exception {
        allDeliveredDespite("ctimeout", 300, k -> k.timeoutRate = 0.1, SupplierSimulator::timeoutsGiven);
    }

    /**
     * Both suppliers in one fault mode ({@code fault}), {@code timeoutMs} per call: N recharges of
     * a new campaign all end DELIVERED, each exactly once, and the primary did give {@code faults}.
     */
    private static void allDeliveredDespite(String campaign, int timeoutMs, Consumer<SupplierSimulator.Knobs> fault,
                                            ToLongFunction<SupplierSimulator> faults) throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            fault.accept(bed.primary.knobs());
            fault.accept(bed.backup.knobs());
            bed.suppliers(timeoutMs, 16);
            bed.campaign(campaign, N);
            bed.claim(campaign, N);
            assertArrayEquals(new long[] {0, N, 0}, bed.awaitSettled(campaign, SETTLE_MS));
            bed.assertExactlyOnce();
            assertTrue(faults.applyAsLong(bed.primary) > 0, "the fault mode was exercised");
        }
    }

    @Test
    void primaryDownForAWhileThenBack() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.suppliers(1000, 16);
            bed.campaign("cdown", 3 * N);
            bed.primary.down();
            bed.claim("cdown", N);
            long deadline = System.nanoTime() + SETTLE_MS * 1_000_000;
            while (bed.backup.applied() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // while the primary refuses, the backup takes over
            }
            bed.primary.up();
            // its circuit is open for a moment yet: claims keep coming until a probe finds it back
            int claimed = N;
            while (bed.primary.applied() == 0 && claimed < 3 * N - 10 && System.nanoTime() < deadline) {
                bed.claim("cdown", 10);
                claimed += 10;
                Thread.sleep(50);
            }
            assertArrayEquals(new long[] {0, claimed, 0}, bed.awaitSettled("cdown", SETTLE_MS));
            bed.assertExactlyOnce();
            assertTrue(bed.backup.applied() > 0, "the backup delivered while the primary was down");
            assertTrue(bed.primary.applied() > 0, "the primary delivered again once it was back");
        }
    }

    @Test
    void primaryPermanentlyRejectsSoTheBackupDeliversAll() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.primary.knobs().rejectRate = 1.0;
            bed.suppliers(1000, 16);
            bed.campaign("c4xx", N);
            List<String> grants = bed.claim("c4xx", N);
            assertArrayEquals(new long[] {0, N, 0}, bed.awaitSettled("c4xx", SETTLE_MS));
            bed.assertExactlyOnce();
            assertEquals(0, bed.primary.applied());
            assertEquals(N, bed.backup.applied());
            assertEquals("FAILED", bed.primary.status("primary", grants.get(0) + "-0"));
        }
    }

    @Test
    void moreRechargesThanTheDispatcherHoldsWaitInTheJournalAndAllArrive() throws Exception {
        try (DeliveryBed bed = new DeliveryBed(c -> c.set(Configuration.Option.DELIVERY_QUEUE, "16"),
            new MemoryStorage())) {
            bed.primary.knobs().latencyMs = 50; // 40 deliveries/s at most: far slower than the claims
            bed.suppliers(1000, 2);
            bed.campaign("cmany", 2 * N);
            bed.claim("cmany", 2 * N);
            assertArrayEquals(new long[] {0, 2 * N, 0}, bed.awaitSettled("cmany", SETTLE_MS));
            bed.assertExactlyOnce();
            String metrics = bed.t.send("GET", "/metrics", null).body();
            assertTrue(!metrics.contains("surge_delivery_handoffs_deferred_total 0\n"),
                "the hand-off overflowed and the read-back caught up: " + metrics);
        }
    }
}
