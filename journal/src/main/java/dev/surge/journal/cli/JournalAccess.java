package dev.surge.journal.cli;

import dev.surge.engine.state.StateMachine;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.JournalFiles;
import dev.surge.journal.JournalReader;
import dev.surge.journal.SnapshotInfo;
import dev.surge.journal.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The CLI's one doorway to a data directory, read-only: the journal's events through the
 * journal module's {@link JournalReader} (which checks frames, checksums and sequence, and opens
 * code uploads with the {@link CodeCipher}), and its snapshots through {@link SnapshotStore}
 * (which needs the key: snapshot bodies are always encrypted).
 *
 * <p>Threading: confined to the CLI's main thread.
 */
final class JournalAccess implements AutoCloseable {

    /** Opens a data directory (tests substitute their own). */
    @FunctionalInterface
    interface Opener {
        JournalAccess open(Path dataDir, String codeKey);
    }

    /** A snapshot: the last event sequence and time it covers, and that event's Chronicle index (-1: unknown). */
    record Snapshot(long sequence, long timestamp, long journalIndex) {
    }

    /** Reads one snapshot into a state machine; throws when it is unusable. */
    @FunctionalInterface
    interface SnapshotLoader {
        StateMachine load(Snapshot snapshot);
    }

    private final EventSource events;
    private final List<Snapshot> snapshots;
    private final SnapshotLoader loader;
    private final Supplier<StateMachine> fresh;

    /** {@code fresh}: an empty state machine under the data directory's config (see {@link SnapshotStore#newMachine()}). */
    JournalAccess(EventSource events, List<Snapshot> snapshots, SnapshotLoader loader, Supplier<StateMachine> fresh) {
        this.fresh = fresh;
        this.events = events;
        List<Snapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparingLong(Snapshot::sequence).reversed());
        this.snapshots = List.copyOf(sorted);
        this.loader = loader;
    }

    /**
     * Opens {@code dataDir} for reading. {@code codeKey} (base64, may be null) opens code uploads
     * and snapshots; without it code uploads arrive sealed and no snapshot is used.
     */
    static JournalAccess open(Path dataDir, String codeKey) {
        if (!Files.isDirectory(dataDir)) {
            throw new CliException("no data directory at " + dataDir + " (give --data-dir or set SURGE_DATA_DIR)");
        }
        Path journalDir = JournalFiles.journalDir(dataDir);
        if (!Files.isDirectory(journalDir)) {
            throw new CliException("no journal in " + dataDir + " (expected the directory " + journalDir + ")");
        }
        CodeCipher cipher = null;
        if (codeKey != null) {
            try {
                cipher = CodeCipher.fromBase64(codeKey);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage()); // names SURGE_CODE_KEY, never its value
            }
        }
        JournalReader reader;
        try {
            reader = JournalReader.openReadOnly(dataDir, cipher);
        } catch (RuntimeException e) {
            throw new CliException("cannot open the journal " + journalDir + ": " + e.getMessage(), e);
        }
        List<Snapshot> snapshots = new ArrayList<>();
        Map<Long, SnapshotInfo> infos = new HashMap<>();
        SnapshotStore store = new SnapshotStore(dataDir, cipher);
        if (cipher != null) {
            for (SnapshotInfo info : store.list()) {
                snapshots.add(new Snapshot(info.sequence(), info.timestamp(), info.journalIndex()));
                infos.put(info.sequence(), info);
            }
        }
        return new JournalAccess(new ChronicleEventSource(reader, cipher != null), snapshots,
            s -> store.load(infos.get(s.sequence())), store::newMachine);
    }

    /** An empty state machine to replay into, under the same config as the data directory's snapshots. */
    StateMachine newMachine() {
        return fresh.get();
    }

    EventSource events() {
        return events;
    }

    /** Snapshots newest first. */
    List<Snapshot> snapshots() {
        return snapshots;
    }

    /**
     * The state of the newest snapshot covering no event after {@code moment} that loads, or
     * null (replay then starts from the first event). Each unusable one is reported to
     * {@code warn} and the next older one tried.
     */
    Loaded loadNewestAtOrBefore(TimeArgs.Moment moment, Consumer<String> warn) {
        for (Snapshot s : snapshots) {
            if (!moment.includes(s.sequence(), s.timestamp())) {
                continue;
            }
            try {
                return new Loaded(s, loader.load(s));
            } catch (RuntimeException e) {
                warn.accept("snapshot at seq " + s.sequence() + " is unusable (" + e.getMessage()
                    + "); trying an older one");
            }
        }
        return null;
    }

    /** A snapshot and the state machine it rebuilt. */
    record Loaded(Snapshot snapshot, StateMachine machine) {
    }

    @Override
    public void close() {
        events.close();
    }
}
