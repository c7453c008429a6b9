package dev.surge.journal;

import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns an engine event into the bytes of one journal record: framed and checksummed by
 * {@link JournalRecord}, and sealed by {@link CodeCipher} first when its type holds secrets (card
 * codes, a supplier's signing secret). The common path (every event that holds none) copies
 * the event once into a reused buffer and allocates nothing.
 *
 * <p>Threading: confined to the journal thread (reused buffers).
 */
final class EventEncoder {
    private final CodeCipher cipher;
    private final JournalRecord record = new JournalRecord();
    private final EventView view = new EventView();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);

    EventEncoder(CodeCipher cipher) {
        this.cipher = java.util.Objects.requireNonNull(cipher, "cipher");
    }

    /** Encodes one event into {@link #buffer()} from index 0; returns the record's length. */
    int encode(long sequence, DirectBuffer event, int offset, int length) {
        return encode(sequence, event, offset, length, out, 0);
    }

    /**
     * Encodes one event into {@code dst} at {@code at} (an expandable buffer grows as needed):
     * the journal encodes straight into its batch, with no second copy. Returns the record's length.
     */
    int encode(long sequence, DirectBuffer event, int offset, int length, MutableDirectBuffer dst, int at) {
        if (length < EventView.HEADER_LENGTH) {
            throw new IllegalArgumentException("event " + sequence + " is " + length + " bytes, shorter than a header");
        }
        EventType type = EventType.of(event.getByte(offset));
        long headerSequence = event.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN);
        if (type == null || headerSequence != sequence) {
            // A bug upstream: journaling it would make the journal disagree with itself.
            throw new IllegalArgumentException("event " + sequence + " has type " + event.getByte(offset)
                + " and header sequence " + headerSequence);
        }
        if (!type.holdsSecrets()) {
            return record.encode(dst, at, 0, event, offset, length);
        }
        if (!view.wrap(event, offset, length)) {
            throw new IllegalArgumentException("event " + sequence + " (" + type + ") is malformed");
        }
        int body = cipher.sealEvent(event, offset, length, CodeCipher.clearLength(view), dst,
            at + JournalRecord.HEADER_LENGTH);
        return record.seal(dst, at, JournalRecord.FLAG_ENCRYPTED, body);
    }

    /** The last encoded record (valid until the next {@link #encode}). */
    ExpandableArrayBuffer buffer() {
        return out;
    }
}
