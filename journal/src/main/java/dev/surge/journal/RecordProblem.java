package dev.surge.journal;

/** Why a journal record cannot be used. Each says what an operator is looking at. */
public enum RecordProblem {
    /** The record ends before its announced length: a torn write or a cut file. */
    TRUNCATED("record is truncated (torn write?)"),
    /** The length field disagrees with the document holding the record. */
    BAD_LENGTH("record length field is damaged"),
    /** The bytes differ from what was written. */
    BAD_CHECKSUM("checksum mismatch (bytes damaged on disk)"),
    /** Unknown record version or flags. */
    BAD_VERSION("unknown record version or flags"),
    /** The checksum is fine but the body is not a well-formed event. */
    BAD_EVENT("body is not a well-formed event"),
    /** The event's sequence skips ahead of the one expected: events are missing. */
    SEQUENCE_GAP("sequence gap (events missing before it)"),
    /** The event's sequence is not after the previous one: a repeated or reordered event. */
    SEQUENCE_REPEAT("sequence repeats or goes backwards"),
    /** A code-bearing event fails authentication although its checksum matches. */
    CANNOT_DECRYPT("encrypted body fails authentication (another SURGE_CODE_KEY, or tampered)"),
    /** Chronicle Queue itself could not read the document (its own framing is damaged). */
    UNREADABLE("Chronicle Queue cannot read the document");

    private final String description;

    RecordProblem(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    static RecordProblem of(JournalRecord.Status status) {
        return switch (status) {
            case TRUNCATED -> TRUNCATED;
            case BAD_LENGTH -> BAD_LENGTH;
            case BAD_CHECKSUM -> BAD_CHECKSUM;
            case BAD_VERSION -> BAD_VERSION;
            case OK -> throw new IllegalArgumentException("OK is not a problem");
        };
    }
}
