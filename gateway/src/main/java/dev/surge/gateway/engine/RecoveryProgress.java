package dev.surge.gateway.engine;



/**
 * How far recovery has got, for operators watching a restart: events replayed so far and since
 * when. Written by the thread that recovers (through the journal's progress callback), read by
 * the dashboard. Thread-safe: volatile fields, one writer.
 */
public final class RecoveryProgress {
    private volatile long startedAt;
    private volatile long eventsReplayed;
    private volatile long finishedAt;

    /** Recovery begins, at {@code now} (epoch ms). */
    public void started(long now) {
        eventsReplayed = 0;
        finishedAt = 0;
        startedAt = now;
    }

    public void replayed(long events) {
        eventsReplayed = events;
    }

    /** Recovery is over, at {@code now}, after {@code events} events. */
    public void finished(long events, long now) {
        eventsReplayed = events;
        finishedAt = now;
    }

    /** 0 while nobody has reported a start (storage without a journal, such as tests' memory). */
    public long startedAt() {
        return startedAt;
    }

    public long eventsReplayed() {
        return eventsReplayed;
    }

    /** 0 until recovery is over. */
    public long finishedAt() {
        return finishedAt;
    }
}
