package dev.surge.journal;

import dev.surge.engine.event.EventView;
import dev.surge.engine.state.ReplayBatch;
import dev.surge.engine.state.ReplayPreparer;
import dev.surge.engine.state.StateMachine;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Replays a journal on two threads: a reader thread ({@value #THREAD_NAME}) reads, checks, opens
 * and decodes the records and prepares each group of events ({@link ReplayPreparer}: copied in,
 * the claims' identities hashed), while the calling thread only applies them
 * ({@link GroupedReplay#apply}). About a third of a replay's time was the reader's share
 * (docs/benchmarks.md), and recovery runs before anything else wants the second core.
 *
 * <p>The hand-off is a ring of {@value #GROUPS} pre-allocated {@link ReplayBatch}es between one
 * producer and one consumer: no allocation per event or per group. A side that waits spins, yields,
 * then parks a little longer each time (at most {@value #MAX_PARK_MICROS} µs), never spinning
 * without bound.
 *
 * <p>Ends exactly as a replay on one thread: every event the reader delivered is applied before
 * {@link #replay} returns the reader's {@link JournalReader.Outcome} (a bad record: CORRUPT, with
 * every good event before it applied) or rethrows what the reader thread threw. When applying
 * throws (a refusal is a bug), the reader thread is stopped before the exception leaves. The
 * reader thread never outlives {@link #replay}.
 *
 * <p>Threading: {@link #replay} is called by the thread that owns the machine, once.
 */
final class PipelinedReplay {
    static final String THREAD_NAME = "surge-recovery-read";
    /** Groups in the ring: about a thousand events of slack either way. */
    static final int GROUPS = 64;
    private static final int MASK = GROUPS - 1;
    private static final long MAX_PARK_MICROS = 100;
    /** Indexes into {@link #positions}, 128 bytes apart so that the two sides do not share a line. */
    private static final int PUBLISHED = 15;
    private static final int CONSUMED = 31;

    private final GroupedReplay applier;
    private final ReplayPreparer preparer;
    private final ReplayBatch[] ring = new ReplayBatch[GROUPS];
    /** Groups published by the reader and consumed by the applier, each only ever written by its side. */
    private final AtomicLongArray positions = new AtomicLongArray(47);

    /** Set by the applying side when it stops for any reason: the reader stops too. */
    private volatile boolean stopped;
    /** Set by the reader thread after its last publish. */
    private volatile boolean done;
    /** The reader's outcome or what it threw: written before {@link #done}. */
    private JournalReader.Outcome outcome;
    private Throwable failure;

    /** {@code applied} hears how many events each group applied, on the calling thread. */
    PipelinedReplay(StateMachine machine, IntConsumer applied) {
        this.applier = new GroupedReplay(machine, applied);
        this.preparer = machine.replayPreparer();
        for (int i = 0; i < GROUPS; i++) {
            ring[i] = new ReplayBatch();
        }
    }

    /**
     * Runs {@code read} on the reader thread with a visitor that fills the ring (it should position
     * a {@link JournalReader} and read it: a Chronicle tailer wants one thread), applies what it
     * delivers on this thread, and returns its outcome once all of it is applied. The machine's
     * replay is then complete but for {@link #finish}.
     */
    JournalReader.Outcome replay(Function<JournalReader.Visitor, JournalReader.Outcome> read) {
        Thread reader = new Thread(() -> produce(read), THREAD_NAME);
        reader.setDaemon(true);
        reader.start();
        try {
            consume();
        } finally {
            stopped = true;
            joinUninterruptibly(reader);
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) { // nothing the reader calls declares one; a sneaky throw, say
            throw new IllegalStateException("recovery's reader thread failed", failure);
        }
        return outcome;
    }

    /** After {@link #replay}: see {@link GroupedReplay#finish}. */
    void finish() {
        applier.finish();
    }

    private void consume() {
        IdleStrategy idle = idleStrategy();
        long next = 0;
        boolean interrupted = false;
        try {
            while (true) {
                long published = positions.getAcquire(PUBLISHED);
                if (next < published) {
                    do {
                        applier.apply(ring[(int) (next & MASK)]);
                        positions.setRelease(CONSUMED, ++next);
                    } while (next < published);
                    idle.reset();
                } else if (done) {
                    if (positions.getAcquire(PUBLISHED) == next) {
                        return;
                    }
                } else {
                    // an interrupt would make every park return at once: keep it for later instead
                    interrupted |= Thread.interrupted();
                    idle.idle();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void produce(Function<JournalReader.Visitor, JournalReader.Outcome> read) {
        Producer producer = new Producer();
        try {
            outcome = read.apply(producer);
            producer.publishRest();
        } catch (Throwable t) {
            failure = t;
            producer.publishRest(); // the events before it are applied, as on one thread
        } finally {
            done = true;
        }
    }

    private static IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(100, 10, 1_000, MAX_PARK_MICROS * 1_000);
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the reader stops by itself: it sees stopped
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The reader thread's side: fills the batch at the head of the ring and publishes it when full. */
    private final class Producer implements JournalReader.Visitor {
        private final IdleStrategy idle = idleStrategy();
        private long head;
        private ReplayBatch batch = ring[0];

        @Override
        public boolean onEvent(long index, EventView event) {
            if (stopped) {
                return false;
            }
            if (batch.add(event.buffer(), event.offset(), event.length(), index)) {
                publish();
                return claim();
            }
            return true;
        }

        /** Publishes what the head batch holds, if anything (at the end, or before a failure). */
        void publishRest() {
            if (batch != null && batch.size() > 0 && !stopped) {
                publish();
            }
            batch = null;
        }

        private void publish() {
            preparer.prepare(batch);
            positions.setRelease(PUBLISHED, ++head);
        }

        /** Waits for the next batch to be free, unless the applying side stopped; then empties it. */
        private boolean claim() {
            while (head - positions.getAcquire(CONSUMED) >= GROUPS) {
                if (stopped) {
                    batch = null;
                    return false;
                }
                idle.idle();
            }
            idle.reset();
            batch = ring[(int) (head & MASK)];
            batch.clear();
            return true;
        }
    }
}
