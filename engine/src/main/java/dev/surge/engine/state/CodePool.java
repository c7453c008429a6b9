package dev.surge.engine.state;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One CODE SKU's card codes, in load order, packed in a byte arena. Codes are issued strictly in
 * order, so "issued" is one cursor and a code can never be handed out twice. Each code costs its
 * bytes plus 8 (end offset, owning grant). An upload's validity is kept per run of codes loaded
 * with the same one ({@link #validFrom}), not per code: uploads are few. Confined to the writer
 * thread.
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
    /** Runs of codes by validity: from code {@code runFirst[i]} on, valid until {@code runUntil[i]}. */
    private int[] runFirst = new int[0];
    private long[] runUntil = new long[0];
    private int runs;
    /** Records each time the arrays grow on the writer (an upload, claims waiting meanwhile). */
    private final TableGrowth growth;

    CodePool(TableGrowth growth) {
        this.growth = growth;
    }

    long available() {
        return size - issued - withdrawn;
    }

    int add(DirectBuffer buffer, int offset, int length) {
        if (size == ends.length || arenaUsed + length > arena.length) {
            long start = System.nanoTime();
            grow(length);
            growth.grew(start);
        }
        buffer.getBytes(offset, arena, arenaUsed, length);
        arenaUsed += length;
        ends[size] = arenaUsed;
        grantOf[size] = -1;
        return size++;
    }

    /** Room for one more code of {@code length} bytes. */
    private void grow(int length) {
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
            grantOf = Arrays.copyOf(grantOf, size * 2);
        }
        if (arenaUsed + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
        }
    }

    /** Codes loaded from now on (from index {@link #size}) are valid until {@code until}; Long.MAX_VALUE: no limit. */
    void validFrom(long until) {
        if (runs == 0 ? until == Long.MAX_VALUE : runUntil[runs - 1] == until) {
            return; // the run goes on
        }
        if (runs > 0 && runFirst[runs - 1] == size) {
            runUntil[runs - 1] = until; // the last run holds no code yet
            return;
        }
        if (runs == runFirst.length) {
            runFirst = Arrays.copyOf(runFirst, runs * 2 + 2);
            runUntil = Arrays.copyOf(runUntil, runs * 2 + 2);
        }
        runFirst[runs] = size;
        runUntil[runs++] = until;
    }

    /** The validity of code {@code index}'s upload (epoch ms), Long.MAX_VALUE for none. */
    long validUntil(int index) {
        int lo = 0;
        int hi = runs - 1;
        long until = Long.MAX_VALUE;
        while (lo <= hi) { // the last run starting at or before index
            int mid = (lo + hi) >>> 1;
            if (runFirst[mid] <= index) {
                until = runUntil[mid];
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return until;
    }

    int runs() {
        return runs;
    }

    int runFirst(int i) {
        return runFirst[i];
    }

    long runUntil(int i) {
        return runUntil[i];
    }

    /** Restores a run read from a snapshot, in order. */
    void restoreRun(int first, long until) {
        if (runs == runFirst.length) {
            runFirst = Arrays.copyOf(runFirst, runs * 2 + 2);
            runUntil = Arrays.copyOf(runUntil, runs * 2 + 2);
        }
        runFirst[runs] = first;
        runUntil[runs++] = until;
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
