package dev.surge.journal;

import dev.surge.engine.state.StateMachine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the state at start: the newest valid snapshot, then the journal's events after it.
 *
 * <p>A bad record stops recovery with a {@link CorruptJournalException} naming its Chronicle
 * index and event sequence, unless it is a damaged tail (nothing valid after it: a torn write,
 * or a damaged end) and cutting one is allowed ({@link #truncateCorruptTail(boolean)}, or
 * {@link #cutDamagedTail(String)} by a caller that refills what is cut): then the tail is cut off
 * by {@link TailTruncator} (the original journal is kept aside) and recovery completes with the
 * events before it. Damage with valid records after it is never cut automatically, and neither
 * is an event that fails decryption (most likely the wrong {@code SURGE_CODE_KEY}).
 *
 * <p>The journal is the source of truth: a snapshot of events the journal no longer holds (the
 * journal lost its unsynced end in a power cut, or a tail was cut) is moved aside and an older
 * one used, since new events would otherwise reuse those sequences.
 *
 * <p>Threading: {@link #run} blocks the calling thread, before the ring starts; no queue may be
 * open on the journal for writing meanwhile. The journal is read on a thread of its own
 * ({@link PipelinedReplay}), started and joined by each replay pass, while the calling thread
 * applies.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** Receives progress during a long replay. */
    @FunctionalInterface
    public interface ProgressListener {
        /** Called every {@code progressEvery} events replayed, and once at the end. */
        void onProgress(long eventsReplayed);
    }

    /** The recovered state and how it was obtained. */
    public record Result(StateMachine machine, Report report) {
    }

    /**
     * What recovery did.
     *
     * @param snapshotSequence    the event sequence of the snapshot it started from (0: none)
     * @param snapshot            that snapshot's file, or null
     * @param eventsReplayed      journal events applied after the snapshot
     * @param lastSequence        the state's last event sequence
     * @param lastIndex           Chronicle index of that event, -1 if not in the journal
     * @param elapsedNanos        wall time of the whole recovery
     * @param replayNanos         wall time of the final replay pass alone
     * @param truncation          the tail cut off, or null
     * @param discardedSnapshots  snapshots moved aside because the journal does not hold their events
     */
    public record Report(long snapshotSequence, Path snapshot, long eventsReplayed, long lastSequence, long lastIndex,
                         long elapsedNanos, long replayNanos, Truncation truncation, List<Path> discardedSnapshots) {
        public Duration elapsed() {
            return Duration.ofNanos(elapsedNanos);
        }

        /** Events replayed per second of replay (0 when none). */
        public double eventsPerSecond() {
            return replayNanos <= 0 || eventsReplayed == 0 ? 0 : eventsReplayed * 1e9 / replayNanos;
        }

        @Override
        public String toString() {
            return String.format("recovered to event %d: snapshot %d + %d event(s) replayed in %d ms (%.0f events/s)%s",
                lastSequence, snapshotSequence, eventsReplayed, elapsedNanos / 1_000_000, eventsPerSecond(),
                truncation == null ? "" : "; " + truncation);
        }
    }

    /**
     * A damaged tail that was cut off.
     *
     * @param fromIndex         Chronicle index of the document holding the first discarded record
     * @param problem           what was wrong with it
     * @param documentsCut      documents cut: that one (from the bad record on) and all after it
     * @param documentsKept     documents copied into the new journal (that one's good records included)
     * @param originalKeptAt    where the untouched original journal now is
     */
    public record Truncation(long fromIndex, RecordProblem problem, long documentsCut, long documentsKept,
                             Path originalKeptAt) {
        @Override
        public String toString() {
            return "cut " + documentsCut + " document(s) from the bad record at index "
                + BadRecord.describeIndex(fromIndex) + " on (" + problem.description()
                + "); the original journal is kept at " + originalKeptAt;
        }
    }

    private final Path dataDir;
    private final CodeCipher cipher;
    private final SnapshotStore snapshots;
    /** Why a damaged tail may be cut, as the warning says it; null: it may not. */
    private String cutBecause;
    private ProgressListener progress = events -> { };
    private long progressEvery = 1_000_000;
    private Clock clock = Clock.systemUTC();
    private boolean readerThread = true;

    public Recovery(Path dataDir, CodeCipher cipher) {
        this(dataDir, cipher, new SnapshotStore(dataDir, cipher));
    }

    public Recovery(Path dataDir, CodeCipher cipher, SnapshotStore snapshots) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    }

    /** Cut a damaged tail off instead of stopping, as the gateway's {@code --truncate-corrupt-tail} asks. */
    public Recovery truncateCorruptTail(boolean truncate) {
        this.cutBecause = truncate ? "as asked (--truncate-corrupt-tail)" : null;
        return this;
    }

    /**
     * Cut a damaged tail off instead of stopping, for a caller that has no such flag:
     * {@code because} says why in the warning (a cluster member: the replicated log refills it).
     */
    public Recovery cutDamagedTail(String because) {
        this.cutBecause = Objects.requireNonNull(because, "because");
        return this;
    }

    public Recovery onProgress(ProgressListener listener, long everyEvents) {
        if (everyEvents < 1) {
            throw new IllegalArgumentException("everyEvents " + everyEvents);
        }
        this.progress = Objects.requireNonNull(listener, "listener");
        this.progressEvery = everyEvents;
        return this;
    }

    /** The clock that names {@code journal.corrupt-<timestamp>}. */
    public Recovery clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Whether the journal is read, checked, opened and decoded on a reader thread of its own while
     * the calling thread applies ({@link PipelinedReplay}; the default), or all on the calling thread.
     */
    Recovery readerThread(boolean use) {
        this.readerThread = use;
        return this;
    }

    /** Recovers; throws {@link CorruptJournalException} when the journal is damaged and may not be cut. */
    public Result run() {
        long started = System.nanoTime();
        TailTruncator.finishInterruptedSwap(dataDir);
        List<Path> discarded = new ArrayList<>();
        Truncation truncation = null;
        LoadedSnapshot snapshot = snapshots.loadNewest();
        while (true) {
            Pass pass = replay(snapshot);
            long journalEnd = pass.journalLastSequence;
            if (pass.bad != null) {
                refuseUnlessTruncatable(pass.bad);
                truncation = TailTruncator.truncate(dataDir, pass.bad, clock);
                journalEnd = pass.bad.lastGoodSequence();
            }
            if (pass.machine.lastSequence() > journalEnd) {
                // The snapshot holds events the journal does not (any more): the journal wins.
                LOG.warn("snapshot at event {} is ahead of the journal, which ends at event {}: moving it aside and "
                    + "recovering from an older snapshot", pass.machine.lastSequence(), journalEnd);
                discarded.addAll(snapshots.discardAbove(journalEnd));
                snapshot = snapshots.loadNewest(journalEnd);
                continue;
            }
            // Also any other snapshot past the journal's end (one that failed to load, say): a
            // later start must never pick it once new events reuse its sequences.
            discarded.addAll(snapshots.discardAbove(journalEnd));
            progress.onProgress(pass.events);
            Report report = new Report(snapshot == null ? 0 : snapshot.info().sequence(),
                snapshot == null ? null : snapshot.info().path(), pass.events, pass.machine.lastSequence(),
                pass.lastIndex, System.nanoTime() - started, pass.nanos, truncation, List.copyOf(discarded));
            LOG.info("{}", report);
            return new Result(pass.machine, report);
        }
    }

    /** One pass: the snapshot's state, then the journal after it, up to the end or a bad record. */
    private Pass replay(LoadedSnapshot snapshot) {
        StateMachine machine = snapshot == null ? snapshots.newMachine() : snapshot.machine();
        long hint = snapshot == null ? -1 : snapshot.info().journalIndex();
        Pass pass = new Pass(machine);
        long started = System.nanoTime();
        Path journal = JournalFiles.journalDir(dataDir);
        if (!JournalFiles.exists(journal)) {
            return pass; // no journal yet: a first start
        }
        // Read-only: until the operator decides, a damaged journal stays byte for byte as found.
        try (SingleChronicleQueue queue = JournalFiles.openReadOnly(journal);
             JournalReader reader = new JournalReader(queue, cipher)) {
            machine.reserve(reservation(journalEvents(queue)));
            long from = machine.lastSequence() + 1;
            Function<JournalReader.Visitor, JournalReader.Outcome> read = visitor -> {
                reader.seek(from, hint);
                return reader.read(visitor);
            };
            JournalReader.Outcome outcome;
            if (readerThread) {
                PipelinedReplay replay = new PipelinedReplay(machine, pass::applied);
                outcome = replay.replay(read);
                replay.finish();
            } else {
                GroupedReplay replay = new GroupedReplay(machine, pass::applied);
                outcome = read.apply(replay);
                replay.flush();
                replay.finish();
            }
            pass.nanos = System.nanoTime() - started;
            pass.journalLastSequence = reader.lastSequence();
            pass.lastIndex = reader.lastIndex();
            if (outcome == JournalReader.Outcome.CORRUPT) {
                pass.bad = reader.badRecord();
            }
        }
        return pass;
    }

    /**
     * The journal's events: its last sequence (Chronicle's entry count is of documents, each a
     * batch), or that count, fewer, when the last document cannot be read.
     */
    private static long journalEvents(SingleChronicleQueue queue) {
        JournalTail tail = JournalTail.read(queue);
        return tail.problem() == null ? tail.sequence() : queue.entryCount();
    }

    /**
     * Room for as many users as the journal has events (an upper bound on its grants), so that
     * replay never rehashes tables of millions of entries; at most a quarter of the heap
     * (about 256 bytes a user), past which the tables grow as they would live.
     */
    static int reservation(long journalEntries) {
        long cap = Runtime.getRuntime().maxMemory() / 4 / 256;
        return (int) Math.min(Math.min(journalEntries, cap), Integer.MAX_VALUE / 4);
    }

    private void refuseUnlessTruncatable(BadRecord bad) {
        String where = "the journal " + JournalFiles.journalDir(dataDir) + " has a bad record at Chronicle index "
            + BadRecord.describeIndex(bad.index())
            + (bad.sequence() > 0 ? " (event sequence " + bad.sequence() + ")" : "")
            + ": " + bad.problem().description() + (bad.detail().isEmpty() ? "" : " [" + bad.detail() + "]")
            + ". The last good event is sequence " + bad.lastGoodSequence()
            + (bad.lastGoodIndex() >= 0 ? " at index " + BadRecord.describeIndex(bad.lastGoodIndex()) : "") + ". ";
        if (bad.problem() == RecordProblem.CANNOT_DECRYPT) {
            throw new CorruptJournalException("Recovery stopped: " + where + "Its checksum is intact, so the bytes are "
                + "as written: " + CodeCipher.ENV + " is most likely not the key this journal was written with. "
                + "Start with the right key; this record is never truncated automatically.", bad, false);
        }
        if (bad.problem() == RecordProblem.BAD_VERSION) {
            // A newer Surge's records read as damage here, and so does everything after them: cutting
            // that "tail" would drop a newer build's acknowledged events.
            throw new CorruptJournalException("Recovery stopped: " + where + "A newer Surge most likely wrote it, in a "
                + "format this build does not know: start the build that wrote this journal. This record is never "
                + "truncated automatically. If no newer build ever wrote here, the byte is damaged: inspect it with "
                + "`scripts/journal verify --data-dir " + dataDir + "`.", bad, false);
        }
        if (!bad.isTail()) {
            String after = bad.firstValidAfter() >= 0
                ? "Valid records follow it (the first at index " + BadRecord.describeIndex(bad.firstValidAfter()) + ")"
                : "Chronicle Queue cannot read past it";
            throw new CorruptJournalException("Recovery stopped: " + where + after + ", so this is damage in the "
                + "middle of the journal, not a torn tail, and it is never truncated automatically (that would drop "
                + "acknowledged events after it). Restore the journal from a backup or replica, or inspect it with "
                + "`scripts/journal verify --data-dir " + dataDir + "`.", bad, false);
        }
        if (cutBecause == null) {
            throw new CorruptJournalException("Recovery stopped: " + where + "Nothing valid follows it, so it is a "
                + "torn or damaged tail. Start with --truncate-corrupt-tail to discard " + bad.describeCut()
                + "; the original is kept at " + TailTruncator.asidePattern(dataDir) + ".", bad, true);
        }
        LOG.warn("cutting the damaged journal tail {}: {}", cutBecause, bad);
    }

    /** One replay attempt: its machine, what it applied, and where the journal ended. */
    private final class Pass {
        final StateMachine machine;
        long events;
        long nanos;
        long journalLastSequence;
        long lastIndex = -1;
        BadRecord bad;

        Pass(StateMachine machine) {
            this.machine = machine;
        }

        private void applied(int n) {
            for (int i = 0; i < n; i++) {
                if (++events % progressEvery == 0) {
                    progress.onProgress(events);
                }
            }
        }
    }
}
