package dev.surge.engine.ring;

/**
 * Counters of the ring's stages, written by one stage thread each and read by anyone (metrics,
 * dashboard, benchmarks). Plain volatile fields: one writer each, so no read-modify-write race.
 */
public final class RingMetrics {
    private volatile long batches;
    private volatile long slots;
    private volatile long events;
    private volatile long journaledSequence;
    private volatile long maxBatch;

    void onBatch(long size, long eventCount) {
        batches = batches + 1;
        slots = slots + size;
        events = events + eventCount;
        if (size > maxBatch) {
            maxBatch = size;
        }
    }

    void journaledSequence(long sequence) {
        journaledSequence = sequence;
    }

    public long batches() {
        return batches;
    }

    public long slots() {
        return slots;
    }

    public long events() {
        return events;
    }

    /** The last event sequence known durable. */
    public long journaledSequence() {
        return journaledSequence;
    }

    public long maxBatch() {
        return maxBatch;
    }
}
