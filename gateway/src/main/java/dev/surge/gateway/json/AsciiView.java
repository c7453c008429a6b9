package dev.surge.gateway.json;

import java.nio.charset.StandardCharsets;

/**
 * ASCII text read in place: a {@link CharSequence} over bytes someone else owns, rewrapped for
 * each use and never copied (a String is made only if {@link #toString} is asked). Valid while
 * those bytes are.
 *
 * <p>Threading: confined to the thread that wraps it.
 */
public final class AsciiView implements CharSequence {
    private byte[] bytes = new byte[0];
    private int at;
    private int length;

    public AsciiView wrap(byte[] bytes, int at, int length) {
        this.bytes = bytes;
        this.at = at;
        this.length = length;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (bytes[at + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        return new String(bytes, at, length, StandardCharsets.ISO_8859_1);
    }
}
