package dev.surge.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Where things live under a data directory, and the one way this module opens a Chronicle
 * Queue (so writer, readers and the tail rewrite agree on every setting).
 * <pre>
 * &lt;dataDir&gt;/journal/                   the Chronicle Queue (cycle files *.cq4, metadata.cq4t)
 * &lt;dataDir&gt;/journal.corrupt-&lt;time&gt;/     an original journal kept after its tail was cut off
 * &lt;dataDir&gt;/snapshots/snapshot-&lt;seq&gt;.bin
 * </pre>
 * Threading: stateless; safe from any thread.
 */
public final class JournalFiles {
    public static final String JOURNAL_DIR = "journal";
    public static final String SNAPSHOT_DIR = "snapshots";
    public static final String CORRUPT_PREFIX = "journal.corrupt-";
    static final String REWRITE_PREFIX = "journal.rewrite-";

    /**
     * One cycle file per hour, up to 2^32 - 1 events each (1.19 million a second sustained for
     * the whole hour, far above what one writer thread decides). Hourly rather than daily keeps
     * each memory-mapped file to one hour of traffic even in a flash sale, so old hours can be
     * archived once a snapshot covers them; FAST_ (not LARGE_) because its 256-entry index
     * spacing keeps index lookups for snapshot hints cheap and files are created only for hours
     * with traffic.
     */
    public static final RollCycle ROLL_CYCLE = RollCycles.FAST_HOURLY;

    private JournalFiles() {
    }

    public static Path journalDir(Path dataDir) {
        return dataDir.resolve(JOURNAL_DIR);
    }

    public static Path snapshotDir(Path dataDir) {
        return dataDir.resolve(SNAPSHOT_DIR);
    }

    /** Opens (creating if needed) the queue in {@code dir} for appending or tailing. */
    static SingleChronicleQueue open(Path dir, SyncMode syncMode) {
        SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir).rollCycle(ROLL_CYCLE);
        if (syncMode != null) {
            b.syncMode(syncMode);
        }
        return b.build();
    }

    /** Whether {@code dir} holds a queue (Chronicle's metadata file), as opposed to nothing or an empty directory. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("metadata.cq4t"));
    }

    /** Opens an existing queue read-only (operator tools; never creates or changes files). */
    public static SingleChronicleQueue openReadOnly(Path dir) {
        if (!exists(dir)) {
            throw new IllegalArgumentException("no journal at " + dir);
        }
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(ROLL_CYCLE).readOnly(true).build();
    }

    /**
     * Opens a new queue with the source's roll cycle whose clock the caller sets, so that a copy
     * writes each record into the cycle it came from and keeps its Chronicle index.
     */
    static SingleChronicleQueue openForCopy(Path dir, RollCycle rollCycle, TimeProvider clock) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).timeProvider(clock)
            .syncMode(SyncMode.SYNC).build();
    }

    /** fsyncs a directory, so that a rename or a new file in it survives a power cut. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of directory " + dir + " failed", e);
        }
    }

    /** fsyncs every regular file in {@code dir}, then the directory. */
    static void syncTree(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of " + dir + " failed", e);
        }
        syncDirectory(dir);
    }
}
