package dev.surge.journal.cli;

import dev.surge.engine.event.EventView;

/**
 * The journal as the subcommands read it: every record in order, decoded into an event
 * (CODES_LOADED decrypted when the code key is known). Implementations report a record they
 * cannot decode through {@link Visitor#onBadRecord} and stop there.
 */
interface EventSource extends AutoCloseable {

    /**
     * Reads to the end, delivering events from {@code fromSequence} on (earlier ones may be
     * skipped or delivered; visitors check). {@code indexHint}, when not -1, is the Chronicle
     * index of event {@code fromSequence - 1} (a snapshot's), which lets the source start there.
     */
    void scan(long fromSequence, long indexHint, Visitor visitor);

    /** Events the journal holds, for a percentage; -1 when unknown. May take a moment on a big journal. */
    long estimatedEvents();

    /** Whether CODES_LOADED events arrive with readable codes. */
    boolean codesReadable();

    @Override
    void close();

    /** Receives the journal's contents. Return false from any method to stop reading. */
    interface Visitor {
        /** A decoded event; {@code index} is its Chronicle index. The view is reused. */
        boolean onEvent(long index, EventView event);

        /**
         * A CODES_LOADED event whose codes are encrypted and no key was given. {@code count} is
         * the number of codes when the record tells it, else -1.
         */
        boolean onSealedCodes(long index, long sequence, long timestamp, String campaign, String sku, int count);

        /** A record that is not a valid event (checksum, version, layout); reading stops after it. */
        void onBadRecord(long index, long sequence, String problem);
    }
}
