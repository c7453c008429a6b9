package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void withoutRampRequestsAreOnePeriodApart() {
        Schedule s = new Schedule(1_000, 250, 0);
        assertEquals(1_000, s.due(0));
        assertEquals(1_250, s.due(1));
        assertEquals(1_000 + 250 * 40_000L, s.due(40_000));
    }

    @Test
    void rampSendsHalfTheRequestsOfTheFullRateThenHoldsTheRate() {
        long ramp = 1_000_000_000L;
        Schedule s = new Schedule(0, 1_000_000, ramp); // 1000/s at full rate: 500 requests during a 1 s ramp
        assertEquals(0, s.due(0));
        assertTrue(s.due(499) < ramp);
        assertEquals(ramp, s.due(500));
        assertEquals(ramp + 1_000_000, s.due(501));
        assertEquals(ramp + 1_000_000_000L, s.due(1_500));
        // the rate grows linearly, so half way through the ramp a quarter of its requests are out
        assertEquals(ramp / 2, s.due(125), 1);
    }

    @Test
    void dueTimesNeverGoBackAndGapsShrinkThroughTheRamp() {
        Schedule s = new Schedule(0, 100_000, 300_000_000L);
        long previousGap = Long.MAX_VALUE - 1;
        for (long i = 1; i < 3_000; i++) {
            long gap = s.due(i) - s.due(i - 1);
            assertTrue(gap >= 99_999, "gap " + gap + " at " + i);
            assertTrue(gap <= previousGap + 1, "gap grew at " + i);
            previousGap = gap;
        }
        assertEquals(100_000, s.due(2_000) - s.due(1_999), 1);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 1, -1));
    }
}
