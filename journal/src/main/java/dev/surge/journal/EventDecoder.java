package dev.surge.journal;

import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.wire.WireReader;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Turns the bytes of one journal record back into an event: checks the frame, opens a sealed
 * body when it has the key, and parses the event. Reports problems as a {@link RecordProblem}
 * and never throws for bad bytes.
 *
 * <p>Without a key a sealed record still yields its sequence, timestamp and type (they are in
 * clear), so continuity can be checked by tools that may not see codes; {@link #sealed()} is
 * then true and {@link #view()} is not valid.
 *
 * <p>Threading: confined to one reading thread (reused buffers and view).
 */
final class EventDecoder {
    private final CodeCipher cipher;
    private final JournalRecord record = new JournalRecord();
    private final EventView view = new EventView();
    private final ExpandableArrayBuffer opened = new ExpandableArrayBuffer(1024);

    private long sequence;
    private long timestamp;
    private EventType type;
    private boolean sealed;
    private String detail = "";
    private DirectBuffer clearBuffer;
    private int clearOffset;
    private int clearLength;

    /** {@code cipher} may be null: sealed records are then reported as {@link #sealed()}. */
    EventDecoder(CodeCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * Decodes the record at {@code offset}, {@code length} bytes of its document from there on
     * (see {@link JournalRecord#wrap}); null when it is usable, and then {@link #recordLength()}
     * says where the next record starts.
     */
    RecordProblem decode(DirectBuffer src, int offset, int length) {
        sequence = -1;
        timestamp = 0;
        type = null;
        sealed = false;
        detail = "";
        JournalRecord.Status status = record.wrap(src, offset, length);
        if (status != JournalRecord.Status.OK) {
            detail = frameDetail(status, src, offset, length);
            return RecordProblem.of(status);
        }
        int body = record.bodyOffset();
        int bodyLength = record.bodyLength();
        if (!record.encrypted()) {
            if (bodyLength < EventView.HEADER_LENGTH) {
                detail = "body of " + bodyLength + " bytes is shorter than an event header";
                return RecordProblem.BAD_EVENT;
            }
            header(src, body);
            if (!view.wrap(src, body, bodyLength)) {
                detail = "type " + src.getByte(body) + ", " + bodyLength + " bytes";
                return RecordProblem.BAD_EVENT;
            }
            return null;
        }
        int clear = CodeCipher.clearLengthOf(src, body, bodyLength);
        if (clear < 0) {
            detail = "sealed body of " + bodyLength + " bytes has no valid clear part";
            return RecordProblem.BAD_EVENT;
        }
        clearBuffer = src;
        clearOffset = body + 4;
        clearLength = clear;
        header(src, clearOffset);
        if (type == null || !type.holdsSecrets()) {
            detail = "sealed record of type " + src.getByte(clearOffset) + ", which holds no secrets";
            return RecordProblem.BAD_EVENT;
        }
        if (cipher == null && type == EventType.SUPPLIER_CONFIGURED) {
            return withoutSecret(src);
        }
        if (cipher == null) {
            sealed = true;
            return null;
        }
        int n = cipher.openEvent(src, body, bodyLength, opened);
        if (n < 0) {
            detail = type + " event " + sequence;
            return n == -1 ? RecordProblem.CANNOT_DECRYPT : RecordProblem.BAD_EVENT;
        }
        if (!view.wrap(opened, 0, n)) {
            detail = "decrypted " + type + " event " + sequence + " does not parse";
            return RecordProblem.BAD_EVENT;
        }
        return null;
    }

    /**
     * Without the key a supplier's configuration is still an event: everything but its secret is
     * in clear, so the secret reads as empty and tools go on (replay rebuilds the supplier
     * without a secret, which no tool needs).
     */
    private RecordProblem withoutSecret(DirectBuffer src) {
        opened.putBytes(0, src, clearOffset, clearLength);
        opened.putShort(clearLength, (short) 0, ByteOrder.LITTLE_ENDIAN);
        if (!view.wrap(opened, 0, clearLength + 2)) {
            detail = "the clear part of SUPPLIER_CONFIGURED event " + sequence + " does not parse";
            return RecordProblem.BAD_EVENT;
        }
        return null;
    }

    private void header(DirectBuffer src, int at) {
        type = EventType.of(src.getByte(at));
        sequence = src.getLong(at + 1, ByteOrder.LITTLE_ENDIAN);
        timestamp = src.getLong(at + 9, ByteOrder.LITTLE_ENDIAN);
    }

    private static String frameDetail(JournalRecord.Status status, DirectBuffer src, int offset, int length) {
        int announced = JournalRecord.announcedBodyLength(src, offset, length);
        return switch (status) {
            case TRUNCATED, BAD_LENGTH -> length + " byte(s) left in the document, header announces a body of "
                + announced + " bytes (" + (announced + JournalRecord.OVERHEAD) + " in all)";
            case BAD_VERSION -> "version " + (length > 0 ? src.getByte(offset) : -1) + ", flags "
                + (length > 1 ? src.getByte(offset + 1) : -1) + " (this build reads version "
                + JournalRecord.VERSION_ALONE + " and " + JournalRecord.VERSION + ")";
            default -> "";
        };
    }

    /** The event's sequence (also for sealed records), or -1 when the record is unusable. */
    long sequence() {
        return sequence;
    }

    /** The whole record's length (frame included); valid after a {@link #decode} that found its frame good. */
    int recordLength() {
        return record.recordLength();
    }

    long timestamp() {
        return timestamp;
    }

    EventType type() {
        return type;
    }

    /** A sealed record read without a key: only {@link #sealedEvent()} is available. */
    boolean sealed() {
        return sealed;
    }

    /** The decoded event; valid after a successful, non-sealed {@link #decode}. */
    EventView view() {
        return view;
    }

    String detail() {
        return detail;
    }

    /** The clear part of a sealed record (allocates: tools only). */
    SealedEvent sealedEvent() {
        String campaign = "";
        String sku = "";
        int count = -1;
        int duplicates = -1;
        if (type == EventType.CODES_LOADED) {
            try {
                WireReader r = new WireReader().wrap(clearBuffer, clearOffset + EventView.HEADER_LENGTH,
                    clearLength - EventView.HEADER_LENGTH);
                campaign = r.string();
                sku = r.string();
                duplicates = r.getInt();
                count = r.getInt();
            } catch (IndexOutOfBoundsException e) {
                campaign = sku = "";
                count = duplicates = -1;
            }
        }
        return new SealedEvent(type, sequence, timestamp, campaign, sku, count, duplicates);
    }
}
