package dev.surge.journal;

/**
 * The first record of a journal that cannot be used, precisely enough to act on.
 *
 * @param index              Chronicle index of the document holding the bad record
 * @param sequence           the record's event sequence when it could be read, else -1
 * @param problem            what is wrong with it
 * @param detail             a sentence for humans (expected vs. found)
 * @param lastGoodIndex      Chronicle index of the document holding the last good record
 *                           before it (its own when good records precede it there), -1 if none
 * @param lastGoodSequence   event sequence of that record, 0 if none
 * @param offsetInDocument   where the bad record starts in its document: the bytes before it
 *                           are good records, which a tail cut keeps
 * @param documentsAfter     documents after the bad record's (all of them when it is a tail; at
 *                           least this many otherwise)
 * @param firstValidAfter    Chronicle index of the document holding the first record after it
 *                           whose frame and checksum are good (possibly its own), or -1: then
 *                           the damage is a tail and may be cut off
 */
public record BadRecord(long index, long sequence, RecordProblem problem, String detail, long lastGoodIndex,
                        long lastGoodSequence, int offsetInDocument, long documentsAfter, long firstValidAfter) {

    /** Nothing valid follows: the damage is the journal's tail (a torn write, a damaged end). */
    public boolean isTail() {
        return firstValidAfter < 0 && problem != RecordProblem.UNREADABLE;
    }

    /**
     * Documents a tail cut changes: the bad record's (cut from the bad record on, the good records
     * before it kept) and every one after it (dropped).
     */
    public long documentsToCut() {
        return 1 + documentsAfter;
    }

    /** What a tail cut discards, as messages say it. */
    public String describeCut() {
        return "the bad record at index " + describeIndex(index) + " and everything after it ("
            + (offsetInDocument > 0 ? "the rest of its document" : "its document") + " and " + documentsAfter
            + " document(s) after it)";
    }

    /** "index 0x4f1a00000012 (event 1234)", as messages name a record. */
    public static String describeIndex(long index) {
        return "0x" + Long.toHexString(index) + " (" + index + ")";
    }

    @Override
    public String toString() {
        return "bad record at Chronicle index " + describeIndex(index)
            + (sequence > 0 ? ", event sequence " + sequence : "")
            + ": " + problem.description() + (detail.isEmpty() ? "" : " - " + detail)
            + "; last good event sequence " + lastGoodSequence
            + (lastGoodIndex >= 0 ? " at index " + describeIndex(lastGoodIndex) : "");
    }
}
