package dev.surge.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The frame around every event in the journal. The journal writes one Chronicle document per
 * ring batch, holding that batch's records back to back (see {@link ChronicleJournal}); each
 * record keeps its own frame and checksum, so damage stays local to a record.
 * <pre>
 * offset  field        size  notes
 * 0       version      1     2: the document may hold more records after this one;
 *                            1 (read only, journals written before batching): the record
 *                            fills its document alone
 * 1       flags        1     bit 0: body is a sealed (encrypted) event, see {@link CodeCipher}
 * 2       bodyLength   4     little-endian, like the engine's wire format
 * 6       body         n     the event bytes, or the sealed event
 * 6 + n   crc32c       4     CRC32C of bytes [0, 6 + n)
 * </pre>
 * The version marks the layout: a build that reads only version 1 stops at the first record
 * of a batched journal with "unknown record version" rather than misreading it.
 *
 * A flyweight in both directions: {@link #encode} writes into a caller's buffer and
 * {@link #wrap} decodes in place; neither allocates. Decoding never throws on bad bytes: it
 * returns a {@link Status}, because a torn or corrupt record is an expected input after a crash,
 * not a bug.
 *
 * <p>Threading: an instance holds a reusable CRC32C, so it is confined to one thread; use one
 * per thread.
 */
public final class JournalRecord {
    /** The version written: a record that may be followed by more in its document. */
    public static final byte VERSION = 2;
    /** The version of journals written before batching: one record fills its document. Read only. */
    public static final byte VERSION_ALONE = 1;
    /** Flag bit 0: the body is encrypted (an event whose type holds card codes). */
    public static final int FLAG_ENCRYPTED = 1;
    /** Flags this version knows; any other bit means a newer writer made the record. */
    static final int KNOWN_FLAGS = FLAG_ENCRYPTED;
    public static final int HEADER_LENGTH = 6;
    public static final int CHECKSUM_LENGTH = 4;
    public static final int OVERHEAD = HEADER_LENGTH + CHECKSUM_LENGTH;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int VERSION_OFFSET = 0;
    private static final int FLAGS_OFFSET = 1;
    private static final int LENGTH_OFFSET = 2;

    /** What {@link #wrap} found. Only {@link #OK} records may be used. */
    public enum Status {
        OK,
        /** Fewer bytes (left in the document) than the header announces: a torn write, a cut file, or a damaged length. */
        TRUNCATED,
        /**
         * A negative length, or (version 1) more bytes than the header announces: the length
         * field is damaged.
         */
        BAD_LENGTH,
        /** The bytes are not the ones that were written. */
        BAD_CHECKSUM,
        /** An unknown version or flag: written by another (newer) format, or the first byte is damaged. */
        BAD_VERSION
    }

    private final CRC32C crc = new CRC32C();
    private byte[] scratch;
    /** A view of the last direct ByteBuffer checksummed (the journal's batch), for CRC32C's own off-heap path. */
    private ByteBuffer directSource;
    private ByteBuffer directView;

    private DirectBuffer buffer;
    private int offset;
    private Status status = Status.TRUNCATED;
    private int flags;
    private int bodyLength;

    // ---- encoding ------------------------------------------------------------------------------

    /**
     * Writes a whole record (header, a copy of the body, checksum) at {@code offset} and returns
     * its length. {@code dst} must have room for {@code bodyLength + OVERHEAD} bytes.
     */
    public int encode(MutableDirectBuffer dst, int offset, int flags, DirectBuffer body, int bodyOffset,
                      int bodyLength) {
        dst.putBytes(offset + HEADER_LENGTH, body, bodyOffset, bodyLength);
        return seal(dst, offset, flags, bodyLength);
    }

    /**
     * Completes a record whose body the caller has already written at
     * {@code offset + HEADER_LENGTH} (so that an encrypted body needs no second copy): writes
     * the header and the checksum, returns the record's length.
     */
    public int seal(MutableDirectBuffer dst, int offset, int flags, int bodyLength) {
        if ((flags & ~KNOWN_FLAGS) != 0 || bodyLength < 0) {
            throw new IllegalArgumentException("flags " + flags + ", bodyLength " + bodyLength);
        }
        dst.putByte(offset + VERSION_OFFSET, VERSION);
        dst.putByte(offset + FLAGS_OFFSET, (byte) flags);
        dst.putInt(offset + LENGTH_OFFSET, bodyLength, LE);
        int checked = HEADER_LENGTH + bodyLength;
        dst.putInt(offset + checked, checksum(dst, offset, checked), LE);
        return checked + CHECKSUM_LENGTH;
    }

    // ---- decoding ------------------------------------------------------------------------------

    /**
     * Decodes the record at {@code offset}, with {@code length} bytes of its document from there
     * on: a version 2 record may be followed by more (the next starts at
     * {@code offset + recordLength()}), a version 1 record must fill them exactly. Never throws
     * for bad bytes; the accessors are meaningful only when the result is {@link Status#OK}.
     */
    public Status wrap(DirectBuffer src, int offset, int length) {
        this.buffer = src;
        this.offset = offset;
        this.flags = 0;
        this.bodyLength = 0;
        this.status = check(src, offset, length);
        return status;
    }

    private Status check(DirectBuffer src, int offset, int length) {
        if (length < 1) {
            return Status.TRUNCATED;
        }
        // The version decides the layout, so it is read before anything else is interpreted.
        byte version = src.getByte(offset + VERSION_OFFSET);
        if (version != VERSION && version != VERSION_ALONE) {
            return Status.BAD_VERSION;
        }
        if (length < HEADER_LENGTH) {
            return Status.TRUNCATED;
        }
        int n = src.getInt(offset + LENGTH_OFFSET, LE);
        if (n < 0) {
            return Status.BAD_LENGTH;
        }
        long needed = (long) n + OVERHEAD;
        if (needed > length) {
            return Status.TRUNCATED;
        }
        if (needed < length && version == VERSION_ALONE) {
            return Status.BAD_LENGTH;
        }
        int checked = HEADER_LENGTH + n;
        if (src.getInt(offset + checked, LE) != checksum(src, offset, checked)) {
            return Status.BAD_CHECKSUM;
        }
        int f = src.getByte(offset + FLAGS_OFFSET) & 0xFF;
        if ((f & ~KNOWN_FLAGS) != 0) {
            return Status.BAD_VERSION; // checksum is fine: a writer of a newer format set this bit
        }
        this.flags = f;
        this.bodyLength = n;
        return Status.OK;
    }

    public Status status() {
        return status;
    }

    public int flags() {
        return flags;
    }

    public boolean encrypted() {
        return (flags & FLAG_ENCRYPTED) != 0;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int bodyOffset() {
        return offset + HEADER_LENGTH;
    }

    public int bodyLength() {
        return bodyLength;
    }

    public int recordLength() {
        return bodyLength + OVERHEAD;
    }

    /** The announced body length of a header, without any check (for error messages). */
    static int announcedBodyLength(DirectBuffer src, int offset, int length) {
        return length >= HEADER_LENGTH ? src.getInt(offset + LENGTH_OFFSET, LE) : -1;
    }

    // ---- checksum ------------------------------------------------------------------------------

    private int checksum(DirectBuffer src, int offset, int length) {
        crc.reset();
        byte[] array = src.byteArray();
        ByteBuffer direct = src.byteBuffer();
        if (array != null) {
            crc.update(array, (int) src.wrapAdjustment() + offset, length);
        } else if (direct != null && direct.isDirect()) {
            // the journal's batch buffer: CRC32C reads the memory itself
            if (direct != directSource) {
                directSource = direct;
                directView = direct.duplicate(); // once per buffer (the batch grows rarely)
            }
            int at = (int) src.wrapAdjustment() + offset;
            directView.limit(at + length).position(at);
            crc.update(directView);
        } else {
            // Other off-heap buffers (a mapped journal file): go through a reusable heap array
            // rather than reflection into CRC32C.
            if (scratch == null) {
                scratch = new byte[4096];
            }
            for (int done = 0; done < length; ) {
                int n = Math.min(scratch.length, length - done);
                src.getBytes(offset + done, scratch, 0, n);
                crc.update(scratch, 0, n);
                done += n;
            }
        }
        return (int) crc.getValue();
    }
}
