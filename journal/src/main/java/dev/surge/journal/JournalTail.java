package dev.surge.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A journal's last event: the last record of its last document (a document holds a batch).
 *
 * @param index     Chronicle index of the last document, -1 when the journal is empty
 * @param sequence  the last event's sequence, 0 when the journal is empty
 * @param problem   why the last event cannot be read (a sentence naming the index), or null
 */
record JournalTail(long index, long sequence, String problem) {

    /** Reads the last document of {@code queue}, checking each of its records' frames. */
    static JournalTail read(SingleChronicleQueue queue) {
        long index = queue.lastIndex();
        if (index < 0) {
            return new JournalTail(-1, 0, null);
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(index)) {
                return new JournalTail(index, -1, "cannot move to its last index " + BadRecord.describeIndex(index));
            }
            DocumentCursor cursor = new DocumentCursor();
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return new JournalTail(index, -1, "its last document " + BadRecord.describeIndex(index)
                        + " cannot be read");
                }
                cursor.load(dc);
            }
            EventDecoder decoder = new EventDecoder(null); // the sequence is in clear even when sealed
            long sequence = -1;
            while (cursor.hasNext()) {
                RecordProblem problem = cursor.next(decoder);
                if (problem != null) {
                    return new JournalTail(index, -1, "a record of its last document, at index "
                        + BadRecord.describeIndex(index) + " (byte " + cursor.recordStart() + "), is damaged ("
                        + problem.description() + " " + decoder.detail() + ")");
                }
                sequence = decoder.sequence();
            }
            return new JournalTail(index, sequence, null);
        }
    }
}
