package dev.surge.journal;

/**
 * The first record of a journal that cannot be used, precisely enough to act on.
 *
 * @param index              Chronicle index of the bad record
 * @param sequence           the record's event sequence when it could be read, else -1
 * @param problem            what is wrong with it
 * @param detail             a sentence for humans (expected vs. found)
 * @param lastGoodIndex      Chronicle index of the last good record before it, -1 if none
 * @param lastGoodSequence   event sequence of that record, 0 if none
 * @param recordsAfter       documents after the bad one (all of them when it is a tail; at
 *                           least this many otherwise)
 * @param firstValidAfter    Chronicle index of the first record after it whose checksum is
 *                           good, or -1: then the damage is a tail and may be cut off
 */
public record BadRecord(long index, long sequence, RecordProblem problem, String detail, long lastGoodIndex,
                        long lastGoodSequence, long recordsAfter, long firstValidAfter) {

    /** Nothing valid follows: the damage is the journal's tail (a torn write, a damaged end). */
    public boolean isTail() {
        return firstValidAfter < 0 && problem != RecordProblem.UNREADABLE;
    }

    /** Records a tail truncation would discard: the bad one and everything after it. */
    public long recordsToDiscard() {
        return 1 + recordsAfter;
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
