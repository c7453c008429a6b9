package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void fullJitterUnderADoublingCeiling() {
        Backoff b = new Backoff(100, 5_000, new SplittableRandom(3));
        assertEquals(100, b.ceilingMs(1));
        assertEquals(200, b.ceilingMs(2));
        assertEquals(3_200, b.ceilingMs(6));
        assertEquals(5_000, b.ceilingMs(7));
        assertEquals(5_000, b.ceilingMs(1_000), "no overflow however many retries");
        for (int n = 1; n < 10; n++) {
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int i = 0; i < 2_000; i++) {
                long d = b.delayMs(n);
                assertTrue(d >= 0 && d <= b.ceilingMs(n), n + ": " + d);
                max = Math.max(max, d);
                min = Math.min(min, d);
            }
            assertTrue(max > b.ceilingMs(n) * 9 / 10 && min < b.ceilingMs(n) / 10 + 1,
                "spread over the whole range, not clustered: " + min + ".." + max);
        }
    }
}
