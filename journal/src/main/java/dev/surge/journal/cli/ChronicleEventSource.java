package dev.surge.journal.cli;

import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.journal.BadRecord;
import dev.surge.journal.JournalReader;
import dev.surge.journal.RecordProblem;
import dev.surge.journal.SealedEvent;

/**
 * The journal's events through the journal module's {@link JournalReader}: it checks each
 * record's frame, checksum, layout and the sequence, decrypts code uploads when it has the key,
 * and stops at the first bad record, which is passed on with the reader's description.
 *
 * <p>Threading: confined to one thread (the reader is).
 */
final class ChronicleEventSource implements EventSource {
    private final JournalReader reader;
    private final boolean codesReadable;

    ChronicleEventSource(JournalReader reader, boolean codesReadable) {
        this.reader = reader;
        this.codesReadable = codesReadable;
    }

    @Override
    public void scan(long fromSequence, long indexHint, Visitor visitor) {
        reader.seek(Math.max(1, fromSequence), indexHint);
        JournalReader.Outcome outcome = reader.read(new JournalReader.Visitor() {
            @Override
            public boolean onEvent(long index, EventView event) {
                return visitor.onEvent(index, event);
            }

            @Override
            public boolean onSealedEvent(long index, SealedEvent event) {
                if (event.type() != EventType.CODES_LOADED) {
                    throw new CliException("event " + event.sequence() + " (" + event.type() + ") is encrypted and "
                        + "this version cannot show it without the code key");
                }
                return visitor.onSealedCodes(index, event.sequence(), event.timestamp(), event.campaign(), event.sku(),
                    event.count());
            }
        });
        if (outcome == JournalReader.Outcome.CORRUPT) {
            BadRecord bad = reader.badRecord();
            visitor.onBadRecord(bad.index(), bad.sequence(), describe(bad));
        }
    }

    /** The reader's description, plus what it means for an operator. */
    static String describe(BadRecord bad) {
        StringBuilder sb = new StringBuilder();
        sb.append(bad.problem().description());
        if (!bad.detail().isEmpty()) {
            sb.append(" (").append(bad.detail()).append(')');
        }
        if (bad.problem() == RecordProblem.CANNOT_DECRYPT) {
            sb.append("; if SURGE_CODE_KEY is not the key Surge ran with, unset it to read everything but the codes");
        }
        sb.append("; last good event seq ").append(bad.lastGoodSequence());
        if (bad.isTail()) {
            sb.append("; nothing valid follows it: a damaged tail (").append(bad.describeCut())
                .append("), which Surge's recovery can cut off when asked to");
        } else {
            sb.append("; valid records follow it: damage inside the journal, not a torn tail");
        }
        return sb.toString();
    }

    @Override
    public long estimatedEvents() {
        try {
            return reader.estimatedRecords();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public boolean codesReadable() {
        return codesReadable;
    }

    @Override
    public void close() {
        reader.close();
    }
}
