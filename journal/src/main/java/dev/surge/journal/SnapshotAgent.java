package dev.surge.journal;

import dev.surge.engine.state.StateMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots without ever pausing the writer: it tails the journal into its own replica
 * {@link StateMachine} (replay is deterministic, so the replica equals the live state at every
 * sequence) and writes a snapshot every {@code everyEvents} events or {@code every} time,
 * whichever comes first, when anything is new. The cost is a second copy of the state in memory
 * and the replay CPU, off the claim path.
 *
 * <p>No thread of its own while it tails: the replay runs as tasks of a host executor the caller
 * shares with other background work (the server's delivery dispatcher), at most
 * {@link #STEP_EVENTS} events a task, so that the host's other tasks interleave; once the journal
 * is read to its end the next task waits {@link #POLL}, longer while it stays idle, up to
 * {@link #IDLE_POLL} (docs/architecture.md, "Threads"). What
 * takes long and cannot be sliced runs on a short-lived thread, {@code surge-snapshot}: loading
 * the newest snapshot at start, and writing each snapshot, during which the replica is the
 * writing thread's and no replay task runs.
 *
 * <p>It starts from the newest snapshot on disk, so after a long recovery it replays that tail a
 * second time, in the background. On {@link #close} it reads the journal to its end and writes a
 * final snapshot if anything is new, so close it after the ring (which flushes the journal).
 * A bad record in the journal stops it (logged, see {@link #failure()}); the engine is not
 * affected, and the next recovery reports the record.
 *
 * <p>Threading: the replica and the reader belong to one thread at a time, handed over by
 * starting a thread or submitting a task, and every step runs under this object's lock, which
 * {@link #close} takes to drain. {@link #start}, {@link #close} and the getters may be called
 * from any thread.
 */
public final class SnapshotAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAgent.class);
    /**
     * Events a replay task applies at most: about a millisecond, so that a host task queued
     * behind it (a delivery) waits no longer than that, and the agent still checks its triggers
     * and stop flag while it catches up.
     */
    static final int STEP_EVENTS = 1024;
    /**
     * How long the next replay task waits once the journal is read to its end. The replica need
     * not be fresh, only whole, so it reads what this long brought in one go: one wake-up per
     * 20 ms under load, and full replay groups.
     */
    static final Duration POLL = Duration.ofMillis(20);
    /**
     * The longest wait between reads of an idle journal: each read that finds nothing doubles the
     * wait from {@link #POLL} up to this, and a read that finds events resets it. Looking for the
     * journal's next record costs Chronicle about 0.2 ms at its end (the next cycle file is looked
     * for too), which every 20 ms kept an idle server at 1.3% of a core (docs/benchmarks.md).
     */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);
    static final String THREAD = "surge-snapshot";

    private final Path dataDir;
    private final CodeCipher cipher;
    private final SnapshotStore store;
    private final long everyEvents;
    private final long everyNanos;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long appliedSequence;
    private volatile long lastSnapshotSequence;
    private volatile long snapshotsWritten;
    private int reservedUsers;

    // guarded by this: the host, the replica and its reader, the thread working on them if any
    private ScheduledExecutorService host;
    private SingleChronicleQueue queue;
    private JournalReader reader;
    private StateMachine replica;
    private GroupedReplay applier;
    private long lastSnapshotAt;
    private long pollNanos = POLL.toNanos();
    private Thread worker;
    private boolean closed;

    /**
     * @param everyEvents  snapshot after this many new events
     * @param every        ... or after this long, if anything is new
     */
    public SnapshotAgent(Path dataDir, CodeCipher cipher, SnapshotStore store, long everyEvents, Duration every) {
        if (everyEvents < 1 || every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("snapshot every " + everyEvents + " events / " + every);
        }
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.store = Objects.requireNonNull(store, "store");
        this.everyEvents = everyEvents;
        this.everyNanos = every.toNanos();
    }

    /**
     * Sizes the replica's tables for this many users, as the live state is sized
     * ({@code --expected-users}): the replica then never rehashes mid-sale either. Before {@link #start}.
     */
    public SnapshotAgent reserve(int users) {
        this.reservedUsers = users;
        return this;
    }

    /**
     * Loads the newest snapshot on a {@code surge-snapshot} thread, then tails the journal as
     * tasks of {@code host}. A host that shuts down first only stops the tailing: {@link #close}
     * still drains and writes the final snapshot.
     */
    public synchronized SnapshotAgent start(ScheduledExecutorService host) {
        if (this.host != null) {
            throw new IllegalStateException("started already");
        }
        this.host = Objects.requireNonNull(host, "host");
        work(this::open);
        return this;
    }

    /** Drains the journal, writes a final snapshot if anything is new, and lets go of the replica. */
    @Override
    public void close() {
        running = false; // from here no step starts work, and none starts a thread
        Thread busy;
        synchronized (this) {
            busy = worker; // a step under way has finished: the lock is ours
        }
        joinUninterruptibly(busy);
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (reader != null && failure == null) {
                    // Everything journaled before close() is drained, in as many reads as it takes.
                    while (tail(STEP_EVENTS) == JournalReader.Outcome.LIMIT) {
                        continue;
                    }
                    if (failure == null && replica.lastSequence() > lastSnapshotSequence) {
                        snapshot();
                    }
                }
            } catch (Throwable t) {
                fail(t);
            } finally {
                if (reader != null) {
                    reader.handOver();
                    reader.close();
                }
                if (queue != null) {
                    queue.close(); // also when opening failed after the queue, before the reader
                }
            }
        }
    }

    /** Opens the replica from the newest snapshot and the reader at its next event (on the worker thread). */
    private void open() {
        LoadedSnapshot start = store.loadNewest();
        replica = (start == null ? store.newMachine() : start.machine()).reserve(reservedUsers);
        applier = new GroupedReplay(replica, n -> { });
        long hint = start == null ? -1 : start.info().journalIndex();
        lastSnapshotSequence = replica.lastSequence();
        appliedSequence = replica.lastSequence();
        queue = JournalFiles.open(JournalFiles.journalDir(dataDir), null);
        reader = new JournalReader(queue, cipher).followsWriter();
        reader.seek(replica.lastSequence() + 1, hint);
        lastSnapshotAt = System.nanoTime();
    }

    /** One replay task on the host: a step of the tail, then the next task, or a snapshot's thread. */
    private void step() {
        if (!running) {
            return; // before the lock: close() may hold it for as long as its drain takes
        }
        synchronized (this) {
            if (!running || failure != null || worker != null) {
                return;
            }
            try {
                // stop reading exactly where the next snapshot is due, so that they land every N events
                long due = Math.max(1, everyEvents - (replica.lastSequence() - lastSnapshotSequence));
                long before = replica.lastSequence();
                JournalReader.Outcome outcome = tail((int) Math.min(STEP_EVENTS, due));
                pollNanos = replica.lastSequence() > before ? POLL.toNanos()
                    : Math.min(2 * pollNanos, IDLE_POLL.toNanos());
                if (outcome == JournalReader.Outcome.CORRUPT) {
                    return;
                }
                long fresh = replica.lastSequence() - lastSnapshotSequence;
                if (fresh > 0 && (fresh >= everyEvents || System.nanoTime() - lastSnapshotAt >= everyNanos)) {
                    work(this::snapshot); // the next step is scheduled once it is written
                } else if (outcome == JournalReader.Outcome.END) {
                    host.schedule(this::step, pollNanos, TimeUnit.NANOSECONDS);
                } else {
                    host.execute(this::step); // more to read: after the tasks queued meanwhile
                }
            } catch (RejectedExecutionException e) {
                // the host is shutting down: close() drains what is left
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    /** Reads and applies at most {@code max} events; CORRUPT records the failure. */
    private JournalReader.Outcome tail(int max) {
        reader.handOver(); // the host's thread, or the closing one: under the lock either way
        JournalReader.Outcome outcome = reader.read(applier, max);
        applier.flush();
        appliedSequence = replica.lastSequence();
        if (outcome == JournalReader.Outcome.CORRUPT) {
            failure = new CorruptJournalException("snapshot agent stopped at " + reader.badRecord(),
                reader.badRecord(), reader.badRecord().isTail());
            LOG.error("no more snapshots: {}", reader.badRecord());
        }
        return outcome;
    }

    private void snapshot() {
        long started = System.nanoTime();
        SnapshotInfo info = store.write(replica, reader.lastIndex());
        lastSnapshotSequence = info.sequence();
        snapshotsWritten++;
        lastSnapshotAt = System.nanoTime();
        LOG.info("snapshot of event {} written in {} ms: {}", info.sequence(),
            (System.nanoTime() - started) / 1_000_000, info.path());
    }

    /**
     * Runs {@code job} on a new {@code surge-snapshot} thread that owns the replica meanwhile
     * (called under the lock), then hands the tailing back to the host.
     */
    private void work(Runnable job) {
        worker = new Thread(() -> {
            synchronized (this) {
                try {
                    if (running) {
                        job.run();
                    }
                } catch (Throwable t) {
                    fail(t);
                } finally {
                    worker = null;
                }
            }
            resume();
        }, THREAD);
        worker.setDaemon(true); // a crash mid-write leaves only a temporary file behind
        worker.start();
    }

    private void resume() {
        try {
            host.execute(this::step);
        } catch (RejectedExecutionException e) {
            // the host is shutting down: close() drains what is left
        }
    }

    private void fail(Throwable t) {
        failure = t;
        LOG.error("snapshot agent stopped", t);
    }

    private static void joinUninterruptibly(Thread thread) {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sequence of the last event the replica applied. */
    public long appliedSequence() {
        return appliedSequence;
    }

    /** Sequence of the newest snapshot written (or loaded at start). */
    public long lastSnapshotSequence() {
        return lastSnapshotSequence;
    }

    public long snapshotsWritten() {
        return snapshotsWritten;
    }

    /** Why the agent stopped early, or null while it runs (or after a clean close). */
    public Throwable failure() {
        return failure;
    }
}
