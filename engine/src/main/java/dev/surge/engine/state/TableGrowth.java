package dev.surge.engine.state;

/**
 * How often, and for how long, the writer thread stopped to grow one of the state's tables by
 * copying it: the grants' and items' arrays, the users' index, the shared counters, the orders;
 * and, while codes are uploaded, a pool's codes and the index of all codes. A server sized with
 * {@code --expected-users} for its sale never grows the first during it; one whose sale outgrows
 * that does, once per doubling, and each claim in the ring waits meanwhile (63-88 ms when the
 * grants outgrew 4M, 135-271 ms at 8M: docs/architecture.md, "Nothing a claim stores is copied
 * to grow").
 * The operator sees it in {@code /metrics} rather than only in a latency spike.
 *
 * <p>Written by the writer thread, read by any (metrics): one writer, so plain volatile fields.
 */
public final class TableGrowth {
    private volatile long count;
    private volatile long totalNanos;
    private volatile long longestNanos;

    /** Records a growth that began at {@code startNanos} ({@link System#nanoTime}) and has just ended. */
    void grew(long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        count = count + 1;
        totalNanos = totalNanos + nanos;
        if (nanos > longestNanos) {
            longestNanos = nanos;
        }
    }

    /** Forgets what recovery grew (nobody waited on it); by the thread that owns the state, before it serves. */
    public void reset() {
        count = 0;
        totalNanos = 0;
        longestNanos = 0;
    }

    /** Growths recorded. */
    public long count() {
        return count;
    }

    /** The writer's time in them, in all. */
    public long totalNanos() {
        return totalNanos;
    }

    /** The longest of them. */
    public long longestNanos() {
        return longestNanos;
    }
}
