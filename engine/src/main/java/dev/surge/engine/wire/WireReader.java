package dev.surge.engine.wire;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Reads what {@link WireWriter} wrote, in the same order. Strings are not materialised:
 * {@link #bytes()} skips one and leaves its place in {@link #lastOffset()}/{@link #lastLength()},
 * so the hot path hashes or copies bytes without creating a {@code String}.
 */
public final class WireReader {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private DirectBuffer buffer;
    private int position;
    private int limit;
    private int lastOffset;
    private int lastLength;

    public WireReader wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        return this;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int position() {
        return position;
    }

    public void position(int position) {
        this.position = position;
    }

    public int remaining() {
        return limit - position;
    }

    public int getByte() {
        return buffer.getByte(position++);
    }

    public int getShort() {
        short v = buffer.getShort(position, LE);
        position += 2;
        return v;
    }

    public int getInt() {
        int v = buffer.getInt(position, LE);
        position += 4;
        return v;
    }

    public long getLong() {
        long v = buffer.getLong(position, LE);
        position += 8;
        return v;
    }

    /** Skips a length-prefixed string; returns its length. */
    public int bytes() {
        lastLength = buffer.getShort(position, LE) & 0xFFFF;
        lastOffset = position + 2;
        position = lastOffset + lastLength;
        return lastLength;
    }

    public int lastOffset() {
        return lastOffset;
    }

    public int lastLength() {
        return lastLength;
    }

    /** Allocates: for admin, tools and tests only, never the claim path. */
    public String string() {
        bytes();
        return buffer.getStringWithoutLengthUtf8(lastOffset, lastLength);
    }

    public static String utf8(DirectBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.getBytes(offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
