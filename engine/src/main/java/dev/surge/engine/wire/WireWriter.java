package dev.surge.engine.wire;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Appends little-endian primitives and length-prefixed byte strings to a buffer; the one
 * layout used by commands, events and replies. A flyweight: {@link #wrap} it, write, read
 * {@link #position()}. Strings are a 2-byte length then UTF-8 bytes.
 */
public final class WireWriter {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private MutableDirectBuffer buffer;
    private int position;

    public WireWriter wrap(MutableDirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.position = offset;
        return this;
    }

    public int position() {
        return position;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    public WireWriter putByte(int value) {
        buffer.putByte(position, (byte) value);
        position += 1;
        return this;
    }

    public WireWriter putShort(int value) {
        buffer.putShort(position, (short) value, LE);
        position += 2;
        return this;
    }

    public WireWriter putInt(int value) {
        buffer.putInt(position, value, LE);
        position += 4;
        return this;
    }

    public WireWriter putLong(long value) {
        buffer.putLong(position, value, LE);
        position += 8;
        return this;
    }

    /** Writes an int now and returns where, so that a count can be patched once known. */
    public int reserveInt() {
        int at = position;
        putInt(0);
        return at;
    }

    public void patchInt(int at, int value) {
        buffer.putInt(at, value, LE);
    }

    public WireWriter putBytes(DirectBuffer src, int offset, int length) {
        buffer.putShort(position, (short) length, LE);
        buffer.putBytes(position + 2, src, offset, length);
        position += 2 + length;
        return this;
    }

    /** Bytes as they are, no length prefix: a run of fields already in the wire's layout. */
    public WireWriter putRaw(DirectBuffer src, int offset, int length) {
        buffer.putBytes(position, src, offset, length);
        position += length;
        return this;
    }

    /** A whole array as a length-prefixed string: the same bytes {@link #putString} writes for its UTF-8 text. */
    public WireWriter putBytes(byte[] src) {
        return putBytes(src, 0, src.length);
    }

    public WireWriter putBytes(byte[] src, int offset, int length) {
        buffer.putShort(position, (short) length, LE);
        buffer.putBytes(position + 2, src, offset, length);
        position += 2 + length;
        return this;
    }

    /** A null or empty string is written as length 0. Encodes UTF-8 without allocating. */
    public WireWriter putString(CharSequence s) {
        int lengthAt = position;
        position += 2;
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                int c = s.charAt(i);
                if (c < 0x80) {
                    buffer.putByte(position++, (byte) c);
                } else if (c < 0x800) {
                    buffer.putByte(position++, (byte) (0xC0 | (c >> 6)));
                    buffer.putByte(position++, (byte) (0x80 | (c & 0x3F)));
                } else if (Character.isHighSurrogate((char) c) && i + 1 < s.length()) {
                    int cp = Character.toCodePoint((char) c, s.charAt(++i));
                    buffer.putByte(position++, (byte) (0xF0 | (cp >> 18)));
                    buffer.putByte(position++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                    buffer.putByte(position++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                    buffer.putByte(position++, (byte) (0x80 | (cp & 0x3F)));
                } else {
                    buffer.putByte(position++, (byte) (0xE0 | (c >> 12)));
                    buffer.putByte(position++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                    buffer.putByte(position++, (byte) (0x80 | (c & 0x3F)));
                }
            }
        }
        buffer.putShort(lengthAt, (short) (position - lengthAt - 2), LE);
        return this;
    }
}
