package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixTest {
    @Test
    void parsesWeights() {
        assertEquals(new Mix(90, 5, 5), Mix.parse("claims=90,redeems=5,repeats=5"));
        assertEquals(new Mix(1, 0, 0), Mix.parse("claims=1"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("claims=0"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("bids=3"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("claims"));
    }

    @Test
    void workloadFollowsTheMixAndRepeatsExactly() {
        Workload w = new Workload(new Mix(50, 25, 25), 1000, "bench", "card", "r1-", 7);
        Map<Request.Kind, Integer> kinds = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Request r = w.next(i);
            kinds.merge(r.kind, 1, Integer::sum);
            if (r.kind == Request.Kind.CLAIM && i % 10 == 0) {
                w.onGranted(r.user, "g_" + i);
            }
            if (r.kind == Request.Kind.REPEAT) {
                assertTrue(r.key.startsWith("r1-") && r.path.equals("/v1/claims"), r.key);
            }
            if (r.kind == Request.Kind.REDEEM) {
                String body = new String(r.body, StandardCharsets.UTF_8);
                assertTrue(body.startsWith("{\"grantId\":\"g_"), body);
            }
        }
        // roughly 50/25/25 (a fixed seed: the counts are deterministic)
        assertTrue(kinds.get(Request.Kind.CLAIM) > 4000, kinds.toString());
        assertTrue(kinds.get(Request.Kind.REDEEM) > 2000, kinds.toString());
        assertTrue(kinds.get(Request.Kind.REPEAT) > 2000, kinds.toString());
        Request a = w.next(0);
        Request b = w.next(0);
        assertNotEquals(a.key, b.key);
    }
}
