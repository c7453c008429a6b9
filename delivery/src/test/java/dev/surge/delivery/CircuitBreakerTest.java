package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final long OPEN = 1_000;

    @Test
    void opensAfterConsecutiveFailuresAndASuccessResetsTheCount() {
        CircuitBreaker b = new CircuitBreaker(3, OPEN);
        b.onFailure(false, 0);
        b.onFailure(false, 0);
        b.onSuccess(false);
        b.onFailure(false, 0);
        b.onFailure(false, 0);
        assertEquals(CircuitBreaker.Pass.YES, b.tryPass(10), "two in a row since the success");
        b.onFailure(false, 10);
        assertEquals(CircuitBreaker.State.OPEN, b.state());
        assertEquals(CircuitBreaker.Pass.NO, b.tryPass(10 + OPEN - 1));
        assertEquals(1, b.nanosUntilProbe(10 + OPEN - 1));
    }

    @Test
    void oneProbeAtATimeDecides() {
        CircuitBreaker b = new CircuitBreaker(1, OPEN);
        b.onFailure(false, 0);
        assertEquals(CircuitBreaker.Pass.PROBE, b.tryPass(OPEN));
        assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
        assertEquals(CircuitBreaker.Pass.NO, b.tryPass(OPEN), "while the probe is out");
        b.onSuccess(false); // an answer to a request sent before the circuit opened decides nothing
        assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
        b.onFailure(true, OPEN + 5);
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "a failed probe opens it again");
        assertEquals(CircuitBreaker.Pass.NO, b.tryPass(2 * OPEN));
        assertEquals(CircuitBreaker.Pass.PROBE, b.tryPass(2 * OPEN + 5));
        b.onProbeAbandoned();
        assertEquals(CircuitBreaker.Pass.PROBE, b.tryPass(2 * OPEN + 6), "an abandoned probe lets another go");
        b.onSuccess(true);
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        assertEquals(CircuitBreaker.Pass.YES, b.tryPass(2 * OPEN + 7));
    }
}
