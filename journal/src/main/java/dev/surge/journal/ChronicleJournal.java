package dev.surge.journal;

import dev.surge.engine.port.JournalPort;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's journal: one Chronicle Queue document per event under {@code <dataDir>/journal},
 * each a {@link JournalRecord} (code-bearing events sealed by {@link CodeCipher}).
 *
 * <p>Durability ({@link Durability}): PROCESS needs nothing beyond the write (memory-mapped
 * pages belong to the kernel once written); SYNC builds the queue with {@code SyncMode.SYNC} and
 * calls {@link ExcerptAppender#sync()} once per batch in {@link #endOfBatch()}, which msyncs
 * everything appended so far (see ChronicleSmokeTest for how that was established). When a
 * batch lands in a new cycle file, the journal directory is fsynced too, so that the new file's
 * name survives a power cut as well as its contents.
 *
 * <p>Its directory and files are the owner's only ({@code rwx------}, {@code rw-------}; see
 * {@link JournalFiles}): they hold user ids, device ids and recharge accounts.
 *
 * <p>It refuses (throws, which halts the engine) an event whose sequence does not continue the
 * journal: a state machine that was not recovered from this journal must never write into it.
 *
 * <p>Threading: the constructor runs on any thread; {@link #append} and {@link #endOfBatch} are
 * confined to the ring's journal thread (the Chronicle appender is created there on first use);
 * {@link #close} runs after that thread has stopped.
 */
public final class ChronicleJournal implements JournalPort {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);

    private final Path dir;
    private final Durability durability;
    private final SingleChronicleQueue queue;
    private final EventEncoder encoder;
    private ExcerptAppender appender;
    private long lastSequence;
    private long lastIndex;
    private int syncedCycle = Integer.MIN_VALUE;
    private int privateCycle = Integer.MIN_VALUE;
    private boolean closed;

    /**
     * Opens (creating if needed) the journal of {@code dataDir}. Reads its last record to learn
     * where the sequence continues; throws if that record is damaged (run {@link Recovery}
     * first, which reports it and can cut a damaged tail off).
     */
    public ChronicleJournal(Path dataDir, Durability durability, CodeCipher cipher) {
        this.dir = JournalFiles.journalDir(dataDir);
        this.durability = durability;
        this.encoder = new EventEncoder(cipher);
        // JournalFiles.open creates the directory (and a missing data directory) rwx------.
        // PROCESS keeps Chronicle's default sync mode: we never call sync(), and whatever
        // Chronicle does on its own when a cycle rolls only shortens the power-loss window.
        this.queue = JournalFiles.open(dir, durability == Durability.SYNC ? SyncMode.SYNC : null);
        try {
            readTail();
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
        if (durability == Durability.SYNC) {
            JournalFiles.syncDirectory(dataDir);
        }
        LOG.info("journal {} opened ({}), last event sequence {}", dir, durability, lastSequence);
    }

    private void readTail() {
        long index = queue.lastIndex();
        if (index < 0) {
            lastSequence = 0;
            lastIndex = -1;
            return;
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(index)) {
                throw new IllegalStateException("journal " + dir + ": cannot move to its last index "
                    + BadRecord.describeIndex(index));
            }
            ExpandableArrayBuffer copy = new ExpandableArrayBuffer(256);
            int length;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    throw new IllegalStateException("journal " + dir + ": its last document "
                        + BadRecord.describeIndex(index) + " cannot be read");
                }
                length = copyOut(dc.wire().bytes(), copy);
            }
            EventDecoder decoder = new EventDecoder(null); // the sequence is in clear even when sealed
            RecordProblem problem = decoder.decode(copy, 0, length);
            if (problem != null) {
                throw new IllegalStateException("journal " + dir + ": its last record at index "
                    + BadRecord.describeIndex(index) + " is damaged (" + problem.description() + " "
                    + decoder.detail() + "); run recovery, which reports it and can cut a damaged tail off");
            }
            lastSequence = decoder.sequence();
            lastIndex = index;
        }
    }

    /** Copies a document's remaining bytes into {@code into} from index 0; returns how many. */
    static int copyOut(Bytes<?> bytes, ExpandableArrayBuffer into) {
        long remaining = bytes.readRemaining();
        if (remaining > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("document of " + remaining + " bytes");
        }
        int n = (int) remaining;
        into.checkLimit(n);
        bytes.read(into.byteArray(), 0, n);
        return n;
    }

    @Override
    public void append(long sequence, DirectBuffer event, int offset, int length) {
        if (sequence != lastSequence + 1) {
            throw new IllegalStateException("journal " + dir + " continues at event " + (lastSequence + 1)
                + " but was given event " + sequence + ": the state machine was not recovered from this journal");
        }
        int n = encoder.encode(sequence, event, offset, length);
        ExcerptAppender a = appender();
        try (DocumentContext dc = a.writingDocument()) {
            try {
                dc.wire().bytes().write(encoder.buffer().byteArray(), 0, n);
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose(); // never leave half a record behind
                throw e;
            }
        }
        lastSequence = sequence;
        lastIndex = a.lastIndexAppended();
    }

    @Override
    public void endOfBatch() {
        if (appender == null) {
            return;
        }
        int cycle = appender.cycle();
        if (cycle != privateCycle) {
            // Once per cycle file, before this batch's replies: Chronicle created it with the umask's
            // permissions. Its store listener does the same, but later, on a background thread
            // (see JournalFiles).
            try {
                PrivateFiles.file(appender.currentFile().toPath());
            } catch (RuntimeException e) {
                LOG.warn("cannot make journal file {} owner-only (its directory is): {}", appender.currentFile(),
                    e.toString());
            }
            privateCycle = cycle;
        }
        if (durability != Durability.SYNC) {
            return;
        }
        appender.sync();
        if (cycle != syncedCycle) {
            JournalFiles.syncDirectory(dir); // a new cycle file's directory entry
            syncedCycle = cycle;
        }
    }

    /**
     * Writes everything appended so far to the disk now (its files and directory fsynced),
     * whatever the durability: a cluster member, whose journal is written at process durability,
     * does this before each snapshot of its state (docs/cluster.md). Journal thread.
     */
    public void force() {
        JournalFiles.syncTree(dir);
    }

    private ExcerptAppender appender() {
        if (appender == null) {
            appender = queue.createAppender();
        }
        return appender;
    }

    /** Sequence of the last event in the journal (0 when empty). Journal thread, or after close. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Chronicle index of the last event in the journal, -1 when empty. Journal thread, or after close. */
    public long lastIndex() {
        return lastIndex;
    }

    public Durability durability() {
        return durability;
    }

    /** Only SYNC waits for the disk: PROCESS durability is the write into mapped memory itself. */
    @Override
    public boolean waitsForDisk() {
        return durability == Durability.SYNC;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (appender != null) {
                // The journal thread has stopped (the ring closes us after its shutdown); hand the
                // appender to this thread before closing it.
                appender.singleThreadedCheckReset();
                appender.close();
            }
        } finally {
            queue.close();
        }
        LOG.info("journal {} closed at event sequence {}", dir, lastSequence);
    }
}
