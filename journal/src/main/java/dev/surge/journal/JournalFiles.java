package dev.surge.journal;

import java.io.File;
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
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where things live under a data directory, and the one way this module opens a Chronicle
 * Queue (so writer, readers and the tail rewrite agree on every setting). Every directory and
 * file under a data directory is its owner's only ({@link PrivateFiles}).
 * <pre>
 * &lt;dataDir&gt;/journal/                   the Chronicle Queue (cycle files *.cq4, metadata.cq4t)
 * &lt;dataDir&gt;/journal.corrupt-&lt;time&gt;/     an original journal kept after its tail was cut off
 * &lt;dataDir&gt;/snapshots/snapshot-&lt;seq&gt;.bin
 * </pre>
 * Threading: stateless; safe from any thread.
 */
public final class JournalFiles {
    private static final Logger LOG = LoggerFactory.getLogger(JournalFiles.class);
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

    /**
     * Opens (creating if needed) the queue in {@code dir} for appending or tailing, privately
     * (see {@link #privately}).
     */
    static SingleChronicleQueue open(Path dir, SyncMode syncMode) {
        SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir).rollCycle(ROLL_CYCLE);
        if (syncMode != null) {
            b.syncMode(syncMode);
        }
        return privately(dir, b);
    }

    /**
     * Builds a writable queue whose files only their owner can read. Chronicle creates its files
     * itself, with the umask's permissions (typically {@code rw-r--r--}), and offers no way to
     * say otherwise; so the directory is made {@code rwx------} first (nobody else can reach a
     * file in it, whatever its own permissions), the files already there ({@code metadata.cq4t},
     * earlier cycles) are made {@code rw-------} once built, and each cycle file Chronicle
     * acquires later (a new hour) is made so by {@link PrivateStoreFiles}. The journal's writer
     * also tightens each cycle file it writes, before the batch's replies (see
     * {@link ChronicleJournal#endOfBatch()}), since the listener runs on Chronicle's background thread.
     */
    private static SingleChronicleQueue privately(Path dir, SingleChronicleQueueBuilder b) {
        PrivateFiles.directory(dir);
        SingleChronicleQueue queue = b.storeFileListener(PrivateStoreFiles.INSTANCE).build();
        try {
            PrivateFiles.filesIn(dir);
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
        return queue;
    }

    /** Tightens each cycle file a queue acquires; runs on Chronicle's background resource thread. */
    private enum PrivateStoreFiles implements StoreFileListener {
        INSTANCE;

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void onAcquired(int cycle, File file) {
            try {
                PrivateFiles.file(file.toPath());
            } catch (RuntimeException e) {
                // the directory is private already; say so, but a journal must not stop for this
                LOG.warn("cannot make journal file {} owner-only: {}", file, e.toString());
            }
        }

        @Override
        public void onReleased(int cycle, File file) {
        }
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
        return privately(dir, SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).timeProvider(clock)
            .syncMode(SyncMode.SYNC));
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
