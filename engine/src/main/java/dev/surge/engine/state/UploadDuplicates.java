package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * The codes of one upload seen so far, so that a code listed twice in the same upload is loaded
 * once (codes already in the pool are found by {@link CodeIndex}). An open-addressing set of
 * offsets into the command buffer, reused from upload to upload; each code is preceded there by
 * its 2-byte little-endian length, as the command writes it.
 */
final class UploadDuplicates {
    private int[] table = new int[1024];

    /** Empties the set, sized for {@code count} codes. */
    void clear(int count) {
        int size = Integer.highestOneBit(Math.max(16, count * 2)) << 1;
        if (table.length < size) {
            table = new int[size];
        } else {
            Arrays.fill(table, 0);
        }
    }

    /** False when the same code came earlier in this upload. */
    boolean add(DirectBuffer cmd, int at, int length) {
        int mask = table.length - 1;
        for (int i = (int) Hashing.hash(cmd, at, length) & mask; ; i = (i + 1) & mask) {
            int other = table[i] - 1;
            if (other < 0) {
                table[i] = at + 1;
                return true;
            }
            int otherLength = cmd.getShort(other - 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            if (otherLength == length && sameBytes(cmd, other, at, length)) {
                return false;
            }
        }
    }

    static boolean sameBytes(DirectBuffer buffer, int a, int b, int length) {
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(a + i) != buffer.getByte(b + i)) {
                return false;
            }
        }
        return true;
    }
}
