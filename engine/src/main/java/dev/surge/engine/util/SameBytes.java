package dev.surge.engine.util;

import org.agrona.DirectBuffer;

/** Compares an id held as bytes with the bytes of a command or event, without copying either. */
public final class SameBytes {
    private SameBytes() {
    }

    /** Whether {@code id} equals the {@code length} bytes of {@code buffer} at {@code offset}. */
    public static boolean of(byte[] id, DirectBuffer buffer, int offset, int length) {
        if (id.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (id[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }
}
