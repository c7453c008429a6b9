package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A supplier that takes 2 s per recharge never holds back the engine: every claim is answered
 * while the deliveries are still crawling out, one pair every 2 s. (No timing assertion: that
 * all claims were answered while at most a few recharges could have landed is the proof; the
 * latencies are printed for the record.)
 */
@ExtendWith(NoLeakedThreads.class)
class SlowSupplierIT {
    private static final int N = 60;

    @Test
    void claimsAreAnsweredWhileTheSupplierCrawls() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.primary.knobs().latencyMs = 2000;
            bed.suppliers(10_000, 2);
            bed.campaign("slow", N);
            bed.t.codeCampaign("codes", N);
            long[] nanos = new long[2 * N];
            for (int i = 0; i < N; i++) {
                long start = System.nanoTime();
                bed.claim("slow", 1);
                nanos[2 * i] = System.nanoTime() - start;
                start = System.nanoTime();
                TestGateway.Res code = bed.t.claim("code-user-" + i, "c" + i, "codes", "card");
                nanos[2 * i + 1] = System.nanoTime() - start;
                assertEquals("GRANTED", code.at("result"), code.body());
            }
            long applied = bed.primary.applied();
            long[] counters = bed.counters("slow");
            assertTrue(applied < N, "every claim was answered before the deliveries could have finished: " + applied);
            assertEquals(N, counters[0] + counters[1], "all granted, " + counters[0] + " still PENDING");
            assertTrue(counters[0] > 0, "deliveries are still crawling out");
            Arrays.sort(nanos);
            System.out.printf("claims with a 2 s supplier: n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms; %d of %d recharges"
                    + " landed meanwhile%n", nanos.length, nanos[nanos.length / 2] / 1e6,
                nanos[(int) (nanos.length * 0.99)] / 1e6, nanos[nanos.length - 1] / 1e6, applied, N);
        }
    }
}
