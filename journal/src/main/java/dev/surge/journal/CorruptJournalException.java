package dev.surge.journal;

/**
 * Recovery stopped at a bad journal record. The message says what is wrong, where (Chronicle
 * index and event sequence) and what the operator can do; {@link #badRecord()} has the details.
 */
public final class CorruptJournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient BadRecord badRecord;
    private final boolean truncatable;

    public CorruptJournalException(String message, BadRecord badRecord, boolean truncatable) {
        super(message);
        this.badRecord = badRecord;
        this.truncatable = truncatable;
    }

    public BadRecord badRecord() {
        return badRecord;
    }

    /** Whether restarting with {@code --truncate-corrupt-tail} would recover (a damaged tail). */
    public boolean truncatable() {
        return truncatable;
    }
}
