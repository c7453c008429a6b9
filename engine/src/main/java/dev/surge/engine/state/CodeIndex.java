package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import org.agrona.DirectBuffer;

/**
 * Every loaded code, across all SKUs, by its bytes: rejects duplicates at load time (a code is
 * sold once, whichever SKU it was uploaded to) and finds a code's grant at redemption.
 * Open addressing over one long[]: 16 bytes a code at the 0.5 load factor.
 *
 * <p>Codes are indexed a load at a time ({@link #addAll}), after they went into their pool: so
 * the table is sized once for the whole load, and when it must grow it is rebuilt from the
 * pools, reading each pool's arena in order, rather than from the old table (whose order sends
 * every code's hash to a random place of the arenas). Inserts go a group at a time: the codes of
 * a group are hashed and their slots read back to back, then inserted, so that the misses of a
 * group overlap (docs/architecture.md).
 *
 * <p>Replay needs no index (only decisions look codes up), so it may {@link #defer} it: loads then
 * only count their codes, and the index is built once, at its final size, by {@link #build} or
 * the first {@link #find}, instead of growing through every doubling. Confined to the writer
 * thread.
 */
final class CodeIndex {
    static final long MISSING = -1;
    /** Codes hashed and their slots read ahead of their inserts at once. */
    private static final int GROUP = 16;
    /** Slots: a power of two within the JVM's largest array. */
    private static final int MAX_LENGTH = 1 << 30;
    private long[] table = new long[1024];
    private int size;
    /** Codes are counted, not indexed ({@link #defer}). */
    private boolean deferred;
    private final EngineState state;
    private final long[] hashes = new long[GROUP];
    /** Sum of what the reads ahead read: stored, so that the compiler keeps the reads. */
    private long touched;

    CodeIndex(EngineState state) {
        this.state = state;
    }

    /** Returns (sku << 32 | code) or {@link #MISSING}. */
    long find(DirectBuffer buffer, int offset, int length) {
        if (deferred) {
            build();
        }
        int mask = table.length - 1;
        for (int i = (int) Hashing.hash(buffer, offset, length) & mask; ; i = (i + 1) & mask) {
            long entry = table[i] - 1;
            if (entry < 0) {
                return MISSING;
            }
            if (state.skus[(int) (entry >>> 32)].pool.equals((int) entry, buffer, offset, length)) {
                return entry;
            }
        }
    }

    /**
     * Indexes codes {@code [from, to)} of the SKU's pool, which holds them already; every other
     * code of every pool must be indexed (the index is the pools' codes, added as they are loaded
     * or restored).
     */
    void addAll(int sku, int from, int to) {
        int n = to - from;
        if (deferred) {
            size += n;
            return;
        }
        if ((long) (size + n) * 2 > table.length) {
            long start = System.nanoTime();
            rebuild(size + n); // the pools hold these codes too
            state.growth.grew(start);
            return;
        }
        insertAll(sku, from, to);
        size += n;
    }

    /** From now on codes are only counted, until {@link #build}. */
    void defer() {
        deferred = true;
    }

    /** Indexes the codes added since {@link #defer}, if any. */
    void build() {
        if (deferred) {
            deferred = false;
            rebuild(size);
        }
    }

    /** Every code of every pool, into a table for {@code codes} codes at most half full. */
    private void rebuild(int codes) {
        long length = table.length;
        while ((long) codes * 2 > length) {
            length *= 2;
        }
        if (length > MAX_LENGTH) {
            throw new IllegalStateException("code index full at " + codes + " codes");
        }
        table = new long[(int) length];
        size = 0;
        for (int k = 0; k < state.skuCount(); k++) {
            CodePool pool = state.skus[k].pool;
            if (pool != null) {
                insertAll(k, 0, pool.size);
                size += pool.size;
            }
        }
    }

    private void insertAll(int sku, int from, int to) {
        CodePool pool = state.skus[sku].pool;
        byte[] arena = pool.arena();
        long[] t = table;
        int mask = t.length - 1;
        long read = 0;
        for (int group = from; group < to; group += GROUP) {
            int end = Math.min(to, group + GROUP);
            for (int code = group; code < end; code++) {
                long h = Hashing.hash(arena, pool.start(code), pool.length(code));
                hashes[code - group] = h;
                read += t[(int) h & mask];
            }
            for (int code = group; code < end; code++) {
                int i = (int) hashes[code - group] & mask;
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = (((long) sku << 32) | code) + 1;
            }
        }
        touched += read;
    }

    int size() {
        return size;
    }

    long bytesRetained() {
        return 8L * table.length;
    }
}
