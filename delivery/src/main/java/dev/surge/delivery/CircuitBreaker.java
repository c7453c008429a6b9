package dev.surge.delivery;

/**
 * One supplier's circuit breaker. CLOSED counts consecutive failures (5xx, refused, timeout; a
 * 4xx is the supplier answering, so it counts as success) and opens at the threshold. OPEN lets
 * nothing through for {@code openNanos}, then admits one probe (HALF_OPEN): its success closes
 * the circuit, its failure opens it again. Results of requests sent before the circuit opened
 * change nothing. Times are {@code System.nanoTime()} values passed in. Confined to the
 * dispatcher thread.
 */
final class CircuitBreaker {
    enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    private final int threshold;
    private final long openNanos;
    private State state = State.CLOSED;
    private int failures;
    private long openedAt;
    private boolean probing;

    CircuitBreaker(int threshold, long openNanos) {
        this.threshold = threshold;
        this.openNanos = openNanos;
    }

    /**
     * Whether a request may go now. {@link Pass#PROBE} when it is the half-open probe, whose
     * result decides; {@link Pass#NO} while open (see {@link #nanosUntilProbe}).
     */
    Pass tryPass(long now) {
        switch (state) {
            case CLOSED:
                return Pass.YES;
            case OPEN:
                if (now - openedAt < openNanos) {
                    return Pass.NO;
                }
                state = State.HALF_OPEN;
                probing = true;
                return Pass.PROBE;
            default:
                if (probing) {
                    return Pass.NO;
                }
                probing = true;
                return Pass.PROBE;
        }
    }

    /** What {@link #tryPass} answered. */
    enum Pass {
        YES, PROBE, NO
    }

    void onSuccess(boolean probe) {
        if (state == State.CLOSED) {
            failures = 0;
        } else if (probe) {
            state = State.CLOSED;
            failures = 0;
            probing = false;
        }
    }

    void onFailure(boolean probe, long now) {
        if (state == State.CLOSED) {
            if (++failures >= threshold) {
                open(now);
            }
        } else if (probe) {
            open(now);
        }
    }

    /** A probe that could not be judged (its delivery was dropped): let another one go. */
    void onProbeAbandoned() {
        probing = false;
    }

    private void open(long now) {
        state = State.OPEN;
        openedAt = now;
        probing = false;
    }

    /** How long until a probe may go (0 when one may go now, or the circuit is closed). */
    long nanosUntilProbe(long now) {
        if (state != State.OPEN) {
            return 0;
        }
        return Math.max(0, openNanos - (now - openedAt));
    }

    State state() {
        return state;
    }
}
