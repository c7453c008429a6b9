package dev.surge.bench.loadgen;

/**
 * When each request of one lane is due. The rate rises linearly from zero to the full rate over
 * the ramp, then holds. The ramp keeps a cold server (interpreted code, classes still loading)
 * from meeting the full rate at once: a short start-up slowdown at a rate near capacity leaves a
 * backlog that takes many seconds to drain and, after a fixed-length warm-up, would be reported
 * as the measured latency.
 *
 * <p>Immutable; safe to share.
 */
final class Schedule {
    private final long start;
    private final double periodNanos;
    private final long rampNanos;
    /** Requests due during the ramp: the ramp's area, rampNanos / (2 * periodNanos). */
    private final double rampCount;

    /**
     * @param start       System.nanoTime() of request 0
     * @param periodNanos nanoseconds between requests at the full rate
     * @param rampNanos   length of the ramp; 0 for the full rate from the start
     */
    Schedule(long start, double periodNanos, long rampNanos) {
        if (periodNanos <= 0 || rampNanos < 0) {
            throw new IllegalArgumentException("period " + periodNanos + ", ramp " + rampNanos);
        }
        this.start = start;
        this.periodNanos = periodNanos;
        this.rampNanos = rampNanos;
        this.rampCount = rampNanos / (2 * periodNanos);
    }

    /** System.nanoTime() at which request i is due. */
    long due(long i) {
        if (i < rampCount) { // the rate at t is t / (ramp * period), so i requests are due by sqrt(2 * ramp * period * i)
            return start + (long) Math.sqrt(2 * rampNanos * periodNanos * i);
        }
        return start + rampNanos + (long) ((i - rampCount) * periodNanos);
    }
}
