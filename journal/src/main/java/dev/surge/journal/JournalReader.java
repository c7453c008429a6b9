package dev.surge.journal;

import dev.surge.engine.event.EventView;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a journal's events in order and checks it on the way: every record's frame and
 * checksum, every event's layout, and that sequences run 1, 2, 3, ... without a gap or a
 * repeat. It stops at the first record that fails and describes it as a {@link BadRecord}
 * (Chronicle index, last good sequence, reason, and whether anything valid follows it, which
 * decides whether the damage is a tail that may be cut off).
 *
 * <p>A Chronicle document holds one record (journals written before batching) or a batch of
 * them ({@link ChronicleJournal}); both are read alike, through a {@link DocumentCursor}. An
 * event's index is its document's, so a batch's events share one; reading that stops inside a
 * document ({@link Outcome#LIMIT}, {@link Outcome#STOPPED}) resumes at its next record.
 *
 * <p>Incremental: {@link #read} returns at the end of what is there now and can be called again
 * as the journal grows ({@link SnapshotAgent} tails a live journal this way).
 *
 * <p>Threading: confined to one thread at a time (a Chronicle tailer and reused buffers); it may
 * move to another thread through {@link #handOver}. Several readers, on several threads, may read
 * one queue while it is appended to.
 */
public final class JournalReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);

    /** Why {@link #read} returned. */
    public enum Outcome {
        /** Every record there is now has been read. */
        END,
        /** {@code maxRecords} records were read; there may be more. */
        LIMIT,
        /** The visitor asked to stop. */
        STOPPED,
        /** A bad record: see {@link #badRecord()}. Reading cannot continue past it. */
        CORRUPT
    }

    /** Receives events. Return false to stop reading. */
    @FunctionalInterface
    public interface Visitor {
        /** An event and its Chronicle index. The view (and its buffer) is reused: copy what you keep. */
        boolean onEvent(long index, EventView event);

        /**
         * A code-bearing event, read by a reader without the code key: only its clear part. A
         * reader with a key never calls this. The default refuses: a visitor that rebuilds
         * state must not silently miss code loads.
         */
        default boolean onSealedEvent(long index, SealedEvent event) {
            throw new IllegalStateException("event " + event.sequence() + " at index " + BadRecord.describeIndex(index)
                + " holds encrypted codes and this reader has no " + CodeCipher.ENV);
        }
    }

    private final SingleChronicleQueue queue;
    private final boolean ownsQueue;
    private final ExcerptTailer tailer;
    private final EventDecoder decoder;
    private final DocumentCursor document = new DocumentCursor();

    private long fromSequence = 1;
    private long expected = 1;
    private long lastSequence;
    private long lastIndex = -1;
    private long recordsRead;
    private long eventsDelivered;
    private BadRecord bad;
    /** Set for a reader that follows the writer ({@link #followsWriter}); null for one reading history. */
    private NoReadAhead noReadAhead;

    /**
     * A reader over {@code queue} (not closed by this reader), from the first record.
     * {@code cipher} may be null: code-bearing events then arrive as {@link Visitor#onSealedEvent}.
     */
    public JournalReader(SingleChronicleQueue queue, CodeCipher cipher) {
        this(queue, false, cipher);
    }

    private JournalReader(SingleChronicleQueue queue, boolean ownsQueue, CodeCipher cipher) {
        this.queue = queue;
        this.ownsQueue = ownsQueue;
        this.decoder = new EventDecoder(cipher);
        this.tailer = queue.createTailer();
    }

    /**
     * Marks this reader as one that follows a live writer, reading what was just written and
     * polling past it: its mapped chunks are advised not to read ahead ({@link NoReadAhead}), as
     * the writer's are, so that its polls never fill the page cache ahead of the writer with the
     * large folios a sync would then write whole. A reader of history keeps the read-ahead.
     */
    public JournalReader followsWriter() {
        if (noReadAhead == null) {
            noReadAhead = new NoReadAhead();
        }
        return this;
    }

    /** A reader over the journal of {@code dataDir}, opened read-only (tools). */
    public static JournalReader openReadOnly(Path dataDir, CodeCipher cipher) {
        return new JournalReader(JournalFiles.openReadOnly(JournalFiles.journalDir(dataDir)), true, cipher);
    }

    /**
     * Positions the reader so that the first event delivered is {@code fromSequence}. When
     * {@code indexHint} (e.g. from a snapshot) is the Chronicle index of the document holding
     * event {@code fromSequence - 1}, reading starts right after that event (in that document or
     * the next); the hint is verified by reading the document. Otherwise the reader starts at
     * the first record and skips (while checking) the events before {@code fromSequence}.
     * Returns whether the hint was used.
     */
    public boolean seek(long fromSequence, long indexHint) {
        if (fromSequence < 1) {
            throw new IllegalArgumentException("fromSequence " + fromSequence);
        }
        this.fromSequence = fromSequence;
        this.bad = null;
        if (fromSequence > 1 && indexHint >= 0 && seekHint(fromSequence - 1, indexHint)) {
            return true;
        }
        if (fromSequence > 1 && indexHint >= 0) {
            LOG.info("journal index hint {} does not hold event {}; reading from the start",
                BadRecord.describeIndex(indexHint), fromSequence - 1);
        }
        document.clear();
        tailer.toStart();
        expected = 1;
        lastSequence = 0;
        lastIndex = -1;
        return false;
    }

    /** Moves to the document {@code index} and past its event {@code sequence}; false if it is not there. */
    private boolean seekHint(long sequence, long index) {
        document.clear();
        try {
            if (!tailer.moveToIndex(index)) {
                return false;
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() != index) {
                    return false;
                }
                document.load(dc);
            }
        } catch (RuntimeException e) {
            LOG.info("journal index hint {} cannot be used: {}", BadRecord.describeIndex(index), e.toString());
            document.clear();
            return false;
        }
        while (document.hasNext()) {
            if (document.next(decoder) != null || decoder.sequence() > sequence) {
                break; // the full read from the start reports a bad record
            }
            if (decoder.sequence() == sequence) {
                expected = sequence + 1;
                lastSequence = sequence;
                lastIndex = index;
                return true; // the document's records after it come next
            }
        }
        document.clear();
        return false;
    }

    /**
     * Reads until the end of what the journal holds now, {@code maxRecords} records (counting
     * skipped ones), the visitor's stop, or a bad record.
     */
    public Outcome read(Visitor visitor, long maxRecords) {
        if (bad != null) {
            return Outcome.CORRUPT;
        }
        for (long n = 0; n < maxRecords; n++) {
            if (!document.hasNext()) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return Outcome.END;
                    }
                    document.load(dc);
                    if (noReadAhead != null) {
                        noReadAhead.cover(dc.wire().bytes());
                    }
                } catch (RuntimeException e) {
                    // Chronicle's own framing is damaged; nothing after this point can be located.
                    document.clear();
                    bad = new BadRecord(tailer.index(), -1, RecordProblem.UNREADABLE, e.toString(), lastIndex,
                        lastSequence, 0, 0, -1);
                    return Outcome.CORRUPT;
                }
            }
            long index = document.index();
            recordsRead++;
            RecordProblem problem = document.next(decoder);
            long sequence = decoder.sequence();
            if (problem == null && sequence != expected) {
                problem = sequence > expected ? RecordProblem.SEQUENCE_GAP : RecordProblem.SEQUENCE_REPEAT;
            }
            if (problem != null) {
                bad = describe(index, sequence, problem);
                return Outcome.CORRUPT;
            }
            expected = sequence + 1;
            lastSequence = sequence;
            lastIndex = index;
            if (sequence < fromSequence) {
                continue;
            }
            eventsDelivered++;
            boolean more = decoder.sealed() ? visitor.onSealedEvent(index, decoder.sealedEvent())
                : visitor.onEvent(index, decoder.view());
            if (!more) {
                return Outcome.STOPPED;
            }
        }
        return Outcome.LIMIT;
    }

    /** Reads to the end (or the visitor's stop, or a bad record). */
    public Outcome read(Visitor visitor) {
        return read(visitor, Long.MAX_VALUE);
    }

    /**
     * Describes the bad record the document cursor stands on, looking past it for a valid
     * record: in the rest of its document, then in the documents after it. If there is one, this
     * is not a torn tail.
     */
    private BadRecord describe(long index, long sequence, RecordProblem problem) {
        String detail = switch (problem) {
            case SEQUENCE_GAP, SEQUENCE_REPEAT -> "expected event " + expected + ", found " + sequence;
            default -> decoder.detail();
        };
        int offset = document.recordStart();
        JournalRecord frame = new JournalRecord();
        long after = 0;
        long firstValid = document.findValidRecord(frame, offset + 1) >= 0 ? index : -1;
        try {
            while (firstValid < 0) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    after++;
                    document.load(dc);
                }
                if (document.findValidRecord(frame, 0) >= 0) {
                    firstValid = document.index(); // enough to refuse a cut; counting the rest could take long
                }
            }
        } catch (RuntimeException e) {
            // Damage past the bad record that Chronicle cannot even frame: not a clean tail.
            LOG.warn("journal unreadable after the bad record at {}: {}", BadRecord.describeIndex(index), e.toString());
            return new BadRecord(index, sequence, RecordProblem.UNREADABLE,
                problem.description() + "; after it: " + e, lastIndex, lastSequence, offset, after, -1);
        } finally {
            document.clear();
        }
        return new BadRecord(index, sequence, problem, detail, lastIndex, lastSequence, offset, after, firstValid);
    }

    /** The bad record that stopped reading, or null. */
    public BadRecord badRecord() {
        return bad;
    }

    /** Sequence of the last good event read (delivered or skipped); 0 before any. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Chronicle index of the document holding the last good event read; -1 before any. */
    public long lastIndex() {
        return lastIndex;
    }

    /** Records read since construction, skipped ones included. */
    public long recordsRead() {
        return recordsRead;
    }

    /** Events handed to visitors since construction. */
    public long eventsDelivered() {
        return eventsDelivered;
    }

    /**
     * Events in the journal, for a progress percentage: the last event's sequence, or when the
     * last document cannot be read, Chronicle's count of documents (fewer: a document holds a batch).
     */
    public long estimatedRecords() {
        JournalTail tail = JournalTail.read(queue);
        return tail.problem() == null ? tail.sequence() : queue.entryCount();
    }

    /**
     * The calling thread takes the reader over from the one that used it last, which is done with
     * it and handed it over with a happens-before edge (a lock, a thread's start, an executor's
     * task): Chronicle's tailer otherwise refuses a second thread.
     */
    public void handOver() {
        tailer.singleThreadedCheckReset();
    }

    @Override
    public void close() {
        try {
            tailer.close();
        } finally {
            if (ownsQueue) {
                queue.close();
            }
        }
    }
}
