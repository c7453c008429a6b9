package dev.surge.delivery;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A dispatcher's way in (docs/delivery.md, "Bounded, and nothing lost"): one FIFO from the ring's
 * journal thread to the dispatcher's thread, in ring order, drained a batch at a time so that
 * timers and answers from suppliers get in between; and the dispatcher's timers. New jobs are
 * bounded: beyond {@code capacity} waiting, one is refused <em>here</em> and noted
 * ({@link #overflowed}), and the dispatcher reads the engine's pending list back once it has room
 * (the job is not lost: the engine holds it). Messages (configuration, answers to the
 * dispatcher's own commands) are never refused: they are few, and ring order depends on them.
 *
 * <p>Threading: {@link #offerJob}, {@link #enqueue} and {@link #run} from any thread (the journal
 * thread); {@link #drain} and {@link #overflowed} on the dispatcher's executor.
 */
final class DispatchQueue {
    static final int DRAIN_BATCH = 4096;

    private final EventExecutor executor;
    private final int capacity;
    private final ConcurrentLinkedQueue<Runnable> fifo = new ConcurrentLinkedQueue<>();
    private final AtomicInteger jobsWaiting = new AtomicInteger();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask;

    /** {@code onWake}: the dispatcher's drain step, run on its executor whenever something arrived. */
    DispatchQueue(EventExecutor executor, int capacity, Runnable onWake) {
        this.executor = executor;
        this.capacity = capacity;
        this.drainTask = () -> {
            drainScheduled.set(false);
            onWake.run();
        };
    }

    /** A new job, in ring order; false (and noted) when {@code capacity} jobs are waiting already. */
    boolean offerJob(Runnable job) {
        if (jobsWaiting.incrementAndGet() > capacity) {
            jobsWaiting.decrementAndGet();
            overflowed.set(true);
            wake();
            return false;
        }
        enqueue(() -> {
            jobsWaiting.decrementAndGet();
            job.run();
        });
        return true;
    }

    /** A message, in ring order. */
    void enqueue(Runnable message) {
        fifo.add(message);
        wake();
    }

    /** Schedules the dispatcher's drain step unless one is scheduled already. */
    void wake() {
        if (drainScheduled.compareAndSet(false, true)) {
            run(drainTask);
        }
    }

    /** Whether a job was refused since the last call (then the engine's pending list is read back). */
    boolean overflowed() {
        return overflowed.getAndSet(false);
    }

    /** Runs what waits, in order, at most {@link #DRAIN_BATCH} at a time, until {@code stopped}. */
    void drain(BooleanSupplier stopped) {
        Runnable r;
        int n = 0;
        while (!stopped.getAsBoolean() && (r = fifo.poll()) != null) {
            r.run();
            if (++n == DRAIN_BATCH) {
                wake(); // let timers and answers from suppliers in between
                return;
            }
        }
    }

    /** Runs {@code r} on the dispatcher's thread; nothing when it is stopping. */
    void run(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            // stopping: what was not done is owed in the journal and resumes after a restart
        }
    }

    /** Runs {@code r} on the dispatcher's thread after a delay; nothing when it is stopping. */
    void schedule(Runnable r, long delayNanos) {
        try {
            executor.schedule(r, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * Runs {@code cleanup} on the dispatcher's thread and waits for it (5 s at most): how an agent
     * stops (its requests still out are abandoned; what they carried stays owed in the journal).
     */
    void stop(Runnable cleanup) {
        try {
            executor.submit(cleanup).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            // already stopped
        }
    }
}
