package dev.surge.journal;

import dev.surge.engine.port.JournalPort;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's journal under {@code <dataDir>/journal}: one Chronicle Queue document per ring
 * batch, holding the batch's events back to back, each its own {@link JournalRecord} (frame and
 * checksum; code-bearing events sealed by {@link CodeCipher}). Chronicle's cost per document
 * (the write lock, the header, the index) dominated an append of one event, so it is paid once
 * a batch: {@link #append} encodes into a batch buffer of the journal's own, {@link #endOfBatch}
 * writes it as one document ({@value #MAX_DOCUMENT} bytes at most: a bigger batch takes several,
 * each written as soon as it is full). Nothing of a batch (of one document) is visible to
 * readers before that, and a crash leaves a document whole or not at all (Chronicle completes a
 * document's header only when it is closed). An event's Chronicle index is its document's,
 * shared by its batch.
 *
 * <p>Durability ({@link Durability}): PROCESS needs nothing beyond the write (memory-mapped
 * pages belong to the kernel once written); SYNC builds the queue with {@code SyncMode.SYNC} and
 * calls {@link ExcerptAppender#sync()} once per batch in {@link #endOfBatch()}, which msyncs
 * everything appended so far (see ChronicleSmokeTest for how that was established). When a
 * batch lands in a new cycle file, the journal directory is fsynced too, so that the new file's
 * name survives a power cut as well as its contents. With SYNC the mapped chunks it writes are
 * advised not to read ahead ({@link NoReadAhead}), or a sync could write 2 MiB for a batch of a
 * few events; PROCESS keeps the read-ahead, whose large folios make its page faults fewer. A
 * reopened SYNC journal first drops what recovery's read-ahead put in the page cache past its end.
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

    /** Bytes a document holds at most, unless one record alone is bigger (far below Chronicle's limit). */
    static final int MAX_DOCUMENT = 1 << 20;

    private final Path dir;
    private final Durability durability;
    private final SingleChronicleQueue queue;
    private final EventEncoder encoder;
    private final int maxDocument;
    /**
     * The records of the batch not yet written, back to back; grows rarely, up to a document and a
     * record. Off the heap: Chronicle copies a heap array into its mapped file with a loop of its
     * own, but memory to memory with the JVM's copy ({@link #batchStore}).
     */
    private final ExpandableDirectByteBuffer batch = new ExpandableDirectByteBuffer(64 * 1024);
    /** The batch's memory as Chronicle reads it; pointed at it again when it grows. */
    private final PointerBytesStore batchStore = new PointerBytesStore();
    /** So that a sync writes the pages a batch touched, not whole large folios. */
    private final NoReadAhead noReadAhead = new NoReadAhead();
    /** Whether the journal held events when opened, and the page cache past them is yet to be dropped (SYNC). */
    private boolean resumed;
    private int batchLength;
    private ExcerptAppender appender;
    private long lastSequence;
    private long lastIndex;
    private int syncedCycle = Integer.MIN_VALUE;
    private int privateCycle = Integer.MIN_VALUE;
    private boolean closed;

    /**
     * Opens (creating if needed) the journal of {@code dataDir}. Reads its last event to learn
     * where the sequence continues; throws if that record is damaged (run {@link Recovery}
     * first, which reports it and can cut a damaged tail off).
     */
    public ChronicleJournal(Path dataDir, Durability durability, CodeCipher cipher) {
        this(dataDir, durability, cipher, MAX_DOCUMENT);
    }

    /** With documents of at most {@code maxDocument} bytes (tests split batches with a small one). */
    ChronicleJournal(Path dataDir, Durability durability, CodeCipher cipher, int maxDocument) {
        this.maxDocument = maxDocument;
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
            resumed = lastSequence > 0;
        }
        LOG.info("journal {} opened ({}), last event sequence {}", dir, durability, lastSequence);
    }

    private void readTail() {
        JournalTail tail = JournalTail.read(queue);
        if (tail.problem() != null) {
            throw new IllegalStateException("journal " + dir + ": " + tail.problem()
                + "; run recovery, which reports it and can cut a damaged tail off");
        }
        lastSequence = tail.sequence();
        lastIndex = tail.index();
    }

    /**
     * Encodes the event into the batch; {@link #endOfBatch} writes the batch. A batch that would
     * pass {@link #MAX_DOCUMENT} bytes is written up to this event first, so a document stays
     * bounded (and so does the batch buffer: at most that plus one record).
     */
    @Override
    public void append(long sequence, DirectBuffer event, int offset, int length) {
        if (sequence != lastSequence + 1) {
            throw new IllegalStateException("journal " + dir + " continues at event " + (lastSequence + 1)
                + " but was given event " + sequence + ": the state machine was not recovered from this journal");
        }
        int n = encoder.encode(sequence, event, offset, length, batch, batchLength);
        if (batchLength > 0 && batchLength + n > maxDocument) {
            int at = batchLength;
            writeBatch();
            batch.putBytes(0, batch, at, n); // rare: move the new record to the start of the next document
        }
        batchLength += n;
        lastSequence = sequence;
    }

    /** Writes the batch's records as one Chronicle document, or nothing when the batch is empty. */
    private void writeBatch() {
        if (batchLength == 0) {
            return;
        }
        ExcerptAppender a = appender();
        try (DocumentContext dc = a.writingDocument()) {
            try {
                if (durability == Durability.SYNC) {
                    noReadAhead.cover(dc.wire().bytes()); // before the batch's faults: the chunk may be new
                    if (resumed) {
                        noReadAhead.dropPastWritePosition(dc.wire().bytes());
                        resumed = false;
                    }
                }
                batchStore.set(batch.addressOffset(), batch.capacity());
                dc.wire().bytes().write((BytesStore<?, ?>) batchStore, 0L, (long) batchLength);
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose(); // never leave half a batch behind; it stays pending
                throw e;
            }
        }
        lastIndex = a.lastIndexAppended();
        batchLength = 0;
    }

    @Override
    public void endOfBatch() {
        writeBatch();
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
     * Writes everything appended so far to the disk now (a pending batch first, then its files
     * and directory fsynced), whatever the durability: a cluster member, whose journal is
     * written at process durability, does this before each snapshot of its state
     * (docs/cluster.md). Journal thread.
     */
    public void force() {
        writeBatch();
        JournalFiles.syncTree(dir);
    }

    private ExcerptAppender appender() {
        if (appender == null) {
            appender = queue.createAppender();
        }
        return appender;
    }

    /**
     * Sequence of the last event appended (0 when empty): in the journal once {@link #endOfBatch}
     * wrote its batch. Journal thread, or after close.
     */
    public long lastSequence() {
        return lastSequence;
    }

    /**
     * Chronicle index of the last document written, which holds the last event of the last batch
     * ended ({@link #endOfBatch}), -1 when empty. Journal thread, or after close.
     */
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
                // appender to this thread before using and closing it.
                appender.singleThreadedCheckReset();
            }
            if (batchLength > 0) {
                // Appended but never ended (an append failed mid-batch and halted the ring): those
                // events were decided, and were journaled at once before batching; keep it so.
                LOG.warn("journal {}: writing a batch that was not ended, up to event {}", dir, lastSequence);
                endOfBatch();
            }
        } finally {
            try {
                if (appender != null) {
                    appender.close();
                }
            } finally {
                batchStore.releaseLast(); // frees nothing (a pointer owns no memory); ends its reference count
                queue.close();
            }
        }
        LOG.info("journal {} closed at event sequence {}", dir, lastSequence);
    }
}
