package dev.surge.journal;

import dev.surge.engine.event.EventView;
import dev.surge.engine.state.ReplayBatch;
import dev.surge.engine.state.ReplayPreparer;
import dev.surge.engine.state.StateMachine;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Replays a journal on two threads: a reader thread ({@value #THREAD_NAME}) reads, checks, opens
 * and decodes the records and prepares each group of events ({@link ReplayPreparer}: copied in,
 * the claims' identities hashed), while the calling thread only applies them
 * ({@link GroupedReplay#apply}). Recovery runs before anything else wants the second core.
 *
 * <p>The hand-off is a ring of {@value #GROUPS} pre-allocated {@link ReplayBatch}es between one
 * producer and one consumer: no allocation per event or per group. Applying is the slower side,
 * so the ring is mostly full: the reader, finding it full, sleeps until half of it is free (one
 * wake-up per half a ring of groups, not one per group), and is woken by the applier. The
 * applier, finding it empty (the reader is still cold, or descheduled), spins briefly for the
 * group being filled and then sleeps until the next publish wakes it. A sleeper says so in a
 * flag before it checks the ring one last time, and the other side reads the flag after it moves
 * its position, so no wake-up is lost; a sleep is also bounded ({@value #MAX_PARK_MICROS} µs).
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
    /**
     * Groups in the ring: 8,192 events, several milliseconds of applying, so that the applier
     * does not run dry while a woken reader waits for a core, or is descheduled on a busy machine
     * (then the applier would sleep and give its core away too). About 7 MB while recovery runs.
     */
    static final int GROUPS = 512;
    /** Checks of an empty ring before the applier sleeps: about a group's preparation. */
    private static final int SPINS = 200;
    private static final long MAX_PARK_MICROS = 1_000;
    /** Indexes into {@link #positions}, 128 bytes apart so that the two sides do not share a line. */
    private static final int PUBLISHED = 15;
    private static final int CONSUMED = 31;

    private final GroupedReplay applier;
    private final ReplayPreparer preparer;
    private final ReplayBatch[] ring;
    private final int mask;
    /** A sleeping reader is woken once this many groups are free: half the ring. */
    private final int wakeReaderAt;
    /** Groups published by the reader and consumed by the applier, each only ever written by its side. */
    private final AtomicLongArray positions = new AtomicLongArray(47);

    /** Set by the applying side when it stops for any reason: the reader stops too. */
    private volatile boolean stopped;
    /** Set by the reader thread after its last publish. */
    private volatile boolean done;
    private volatile boolean readerSleeps;
    private volatile boolean applierSleeps;
    private Thread readerThread;
    private Thread applierThread;
    /** The reader's outcome or what it threw: written before {@link #done}. */
    private JournalReader.Outcome outcome;
    private Throwable failure;

    /** {@code applied} hears how many events each group applied, on the calling thread. */
    PipelinedReplay(StateMachine machine, IntConsumer applied) {
        this(machine, applied, GROUPS);
    }

    /** With a ring of {@code groups} groups, a power of two (tests: a small ring wraps often). */
    PipelinedReplay(StateMachine machine, IntConsumer applied, int groups) {
        if (groups < 2 || Integer.bitCount(groups) != 1) {
            throw new IllegalArgumentException("groups " + groups);
        }
        this.applier = new GroupedReplay(machine, applied);
        this.preparer = machine.replayPreparer();
        this.ring = new ReplayBatch[groups];
        this.mask = groups - 1;
        this.wakeReaderAt = groups / 2;
        for (int i = 0; i < groups; i++) {
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
        applierThread = Thread.currentThread();
        readerThread = new Thread(() -> produce(read), THREAD_NAME);
        readerThread.setDaemon(true);
        readerThread.start();
        try {
            consume();
        } finally {
            stopped = true;
            LockSupport.unpark(readerThread);
            joinUninterruptibly(readerThread);
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
        long next = 0;
        boolean interrupted = false;
        try {
            while (true) {
                long published = positions.get(PUBLISHED);
                if (next < published) {
                    do {
                        applier.apply(ring[(int) (next & mask)]);
                        positions.set(CONSUMED, ++next);
                        if (readerSleeps && published - next <= wakeReaderAt) {
                            LockSupport.unpark(readerThread);
                        }
                    } while (next < published);
                } else if (done) {
                    if (positions.get(PUBLISHED) == next) {
                        return;
                    }
                } else {
                    // an interrupt would make every park return at once: keep it for later instead
                    interrupted |= Thread.interrupted();
                    awaitPublished(next);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns once a group past {@code next} is published or the reader is done (or a while has passed). */
    private void awaitPublished(long next) {
        for (int i = 0; i < SPINS; i++) {
            if (positions.get(PUBLISHED) > next || done) {
                return;
            }
            Thread.onSpinWait();
        }
        applierSleeps = true;
        if (positions.get(PUBLISHED) == next && !done) {
            LockSupport.parkNanos(this, MAX_PARK_MICROS * 1_000);
        }
        applierSleeps = false;
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
            LockSupport.unpark(applierThread);
        }
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
            positions.set(PUBLISHED, ++head);
            if (applierSleeps) {
                LockSupport.unpark(applierThread);
            }
        }

        /**
         * Takes the next batch and empties it; when the ring is full, first sleeps until half of it
         * is free. False when the applying side stopped.
         */
        private boolean claim() {
            if (head - positions.get(CONSUMED) >= ring.length) {
                readerSleeps = true;
                while (head - positions.get(CONSUMED) > wakeReaderAt && !stopped) {
                    LockSupport.parkNanos(this, MAX_PARK_MICROS * 1_000);
                }
                readerSleeps = false;
            }
            if (stopped) {
                batch = null;
                return false;
            }
            batch = ring[(int) (head & mask)];
            batch.clear();
            return true;
        }
    }
}
