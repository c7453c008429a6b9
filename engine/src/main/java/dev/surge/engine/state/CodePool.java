package dev.surge.engine.state;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One CODE SKU's card codes, in load order, packed in a byte arena. Codes are issued strictly in
 * order, so "issued" is one cursor and a code can never be handed out twice. Each code costs its
 * bytes plus 8 (end offset, owning grant). Confined to the writer thread.
 */
final class CodePool {
    private byte[] arena = new byte[1024];
    private int arenaUsed;
    private int[] ends = new int[64];
    private int[] grantOf = new int[64];
    int size;
    int issued;
    /** Codes taken out of sale by an operator; they are the last ones not yet issued. */
    long withdrawn;

    long available() {
        return size - issued - withdrawn;
    }

    int add(DirectBuffer buffer, int offset, int length) {
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
            grantOf = Arrays.copyOf(grantOf, size * 2);
        }
        if (arenaUsed + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
        }
        buffer.getBytes(offset, arena, arenaUsed, length);
        arenaUsed += length;
        ends[size] = arenaUsed;
        grantOf[size] = -1;
        return size++;
    }

    int start(int index) {
        return index == 0 ? 0 : ends[index - 1];
    }

    int length(int index) {
        return ends[index] - start(index);
    }

    void issue(int index, int grant) {
        grantOf[index] = grant;
        issued = index + 1;
    }

    int grantOf(int index) {
        return grantOf[index];
    }

    boolean equals(int index, DirectBuffer buffer, int offset, int length) {
        int s = start(index);
        if (ends[index] - s != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (arena[s + i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    byte[] arena() {
        return arena;
    }

    /** Copies code {@code index} into {@code out}; returns its length. */
    int copy(int index, MutableDirectBuffer out, int outOffset) {
        int s = start(index);
        int n = ends[index] - s;
        out.putBytes(outOffset, arena, s, n);
        return n;
    }

    String text(int index) {
        return new String(arena, start(index), length(index), java.nio.charset.StandardCharsets.UTF_8);
    }

    int arenaUsed() {
        return arenaUsed;
    }

    long bytesRetained() {
        return arena.length + 8L * ends.length;
    }
}
