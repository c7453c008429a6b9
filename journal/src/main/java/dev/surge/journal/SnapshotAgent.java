package dev.surge.journal;

import dev.surge.engine.state.StateMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots without ever pausing the writer: its own thread tails the journal into its
 * own replica {@link StateMachine} (replay is deterministic, so the replica equals the live
 * state at every sequence) and writes a snapshot every {@code everyEvents} events or
 * {@code every} time, whichever comes first, when anything is new. The cost is a second copy of
 * the state in memory and the replay CPU, off the claim path.
 *
 * <p>It starts from the newest snapshot on disk, so after a long recovery it replays that tail a
 * second time, in the background. On {@link #close} it reads the journal to its end and writes a
 * final snapshot if anything is new, so close it after the ring (which flushes the journal).
 * A bad record in the journal stops it (logged, see {@link #failure()}); the engine is not
 * affected, and the next recovery reports the record.
 *
 * <p>Threading: owns the thread {@code surge-snapshot}; the replica and the reader are confined
 * to it. {@link #start}, {@link #close} and the getters may be called from any thread.
 */
public final class SnapshotAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAgent.class);
    /** Records per read, so that a catching-up agent still checks its triggers and stop flag. */
    private static final int READ_BATCH = 4096;
    private static final long MIN_IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /** Idle back-off ceiling: parked, never spinning (two cores are shared with the ring and Netty). */
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Path dataDir;
    private final CodeCipher cipher;
    private final SnapshotStore store;
    private final long everyEvents;
    private final long everyNanos;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long appliedSequence;
    private volatile long lastSnapshotSequence;
    private volatile long snapshotsWritten;
    private int reservedUsers;

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
        this.thread = new Thread(this::run, "surge-snapshot");
        this.thread.setDaemon(true); // a crash mid-write leaves only a temporary file behind
    }

    /**
     * Sizes the replica's tables for this many users, as the live state is sized
     * ({@code --expected-users}): the replica then never rehashes mid-sale either. Before {@link #start}.
     */
    public SnapshotAgent reserve(int users) {
        this.reservedUsers = users;
        return this;
    }

    public SnapshotAgent start() {
        thread.start();
        return this;
    }

    /** Drains the journal, writes a final snapshot if anything is new, and stops the thread. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
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

    private void run() {
        try {
            LoadedSnapshot start = store.loadNewest();
            StateMachine replica = (start == null ? store.newMachine() : start.machine()).reserve(reservedUsers);
            long hint = start == null ? -1 : start.info().journalIndex();
            lastSnapshotSequence = replica.lastSequence();
            appliedSequence = replica.lastSequence();
            try (SingleChronicleQueue queue = JournalFiles.open(JournalFiles.journalDir(dataDir), null);
                 JournalReader reader = new JournalReader(queue, cipher)) {
                reader.seek(replica.lastSequence() + 1, hint);
                tail(reader, replica);
            }
        } catch (Throwable t) {
            failure = t;
            LOG.error("snapshot agent stopped", t);
        }
    }

    private void tail(JournalReader reader, StateMachine replica) {
        GroupedReplay applier = new GroupedReplay(replica, n -> { });
        long lastSnapshotAt = System.nanoTime();
        long idle = MIN_IDLE_NANOS;
        while (true) {
            // Read the flag before the journal: whatever was journaled before close() is drained.
            boolean stopping = !running;
            // Stop reading exactly where the next snapshot is due, so that they land every N events.
            long due = Math.max(1, everyEvents - (replica.lastSequence() - lastSnapshotSequence));
            JournalReader.Outcome outcome = reader.read(applier, Math.min(READ_BATCH, due));
            applier.flush();
            appliedSequence = replica.lastSequence();
            if (outcome == JournalReader.Outcome.CORRUPT) {
                failure = new CorruptJournalException("snapshot agent stopped at " + reader.badRecord(),
                    reader.badRecord(), reader.badRecord().isTail());
                LOG.error("no more snapshots: {}", reader.badRecord());
                return;
            }
            long fresh = replica.lastSequence() - lastSnapshotSequence;
            long now = System.nanoTime();
            if (!stopping && fresh > 0 && (fresh >= everyEvents || now - lastSnapshotAt >= everyNanos)) {
                snapshot(replica, reader.lastIndex());
                lastSnapshotAt = System.nanoTime();
            }
            if (outcome == JournalReader.Outcome.END) {
                if (stopping) {
                    break;
                }
                LockSupport.parkNanos(this, idle);
                idle = Math.min(idle * 2, MAX_IDLE_NANOS);
            } else {
                idle = MIN_IDLE_NANOS;
            }
        }
        if (replica.lastSequence() > lastSnapshotSequence) {
            snapshot(replica, reader.lastIndex());
        }
    }

    private void snapshot(StateMachine replica, long index) {
        long started = System.nanoTime();
        SnapshotInfo info = store.write(replica, index);
        lastSnapshotSequence = info.sequence();
        snapshotsWritten++;
        LOG.info("snapshot of event {} written in {} ms: {}", info.sequence(),
            (System.nanoTime() - started) / 1_000_000, info.path());
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
