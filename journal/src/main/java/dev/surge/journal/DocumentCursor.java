package dev.surge.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;

/**
 * The records of one Chronicle document, in order: a reused heap copy of the document and the
 * position of its next record. A document holds one record (journals written before batching)
 * or a ring batch's records back to back (see {@link JournalRecord}); every reader of the
 * journal walks it through this class.
 *
 * <p>Threading: confined to one thread (a reused buffer).
 */
final class DocumentCursor {
    private final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(1024);
    private long index = -1;
    private int length;
    private int position;
    private int recordStart;
    private boolean loaded;

    /** Copies the document {@code dc} holds (present) and points at its first record. */
    void load(DocumentContext dc) {
        loaded = false;
        index = dc.index();
        length = copyOut(dc.wire().bytes(), bytes);
        position = 0;
        recordStart = 0;
        loaded = true;
    }

    /** Forgets the document: the next {@link #hasNext} is false. */
    void clear() {
        loaded = false;
        index = -1;
        length = 0;
        position = 0;
        recordStart = 0;
    }

    /**
     * Whether a record is left to decode. A document holds at least one record, so an empty
     * document has one (which decodes as truncated).
     */
    boolean hasNext() {
        return loaded && (position < length || position == 0);
    }

    /**
     * Decodes the next record; null when it is usable, and the cursor then moves past it. After
     * a problem the cursor stays on the bad record ({@link #recordStart}).
     */
    RecordProblem next(EventDecoder decoder) {
        recordStart = position;
        RecordProblem problem = decoder.decode(bytes, position, length - position);
        if (problem == null) {
            position += decoder.recordLength();
        }
        return problem;
    }

    /**
     * The offset of the first record at or after {@code from} whose frame and checksum are good
     * (its event is not checked), or -1. Scans byte by byte, since a damaged record's length
     * cannot be trusted to find the next one: only for describing damage.
     */
    int findValidRecord(JournalRecord frame, int from) {
        for (int at = Math.max(0, from); at < length; at++) {
            if (frame.wrap(bytes, at, length - at) == JournalRecord.Status.OK) {
                return at;
            }
        }
        return -1;
    }

    /** Chronicle index of the document. */
    long index() {
        return index;
    }

    /** Offset in the document of the record {@link #next} decoded last. */
    int recordStart() {
        return recordStart;
    }

    /** The document's bytes (valid up to {@link #length()}). */
    ExpandableArrayBuffer bytes() {
        return bytes;
    }

    int length() {
        return length;
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
}
