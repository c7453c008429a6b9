package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import org.agrona.DirectBuffer;

/**
 * Every loaded code, across all SKUs, by its bytes: rejects duplicates at load time (a code is
 * sold once, whichever SKU it was uploaded to) and finds a code's grant at redemption.
 * Open addressing over one long[]: 16 bytes a code at the 0.5 load factor. Confined to the
 * writer thread.
 */
final class CodeIndex {
    static final long MISSING = -1;
    private long[] table = new long[1024];
    private int size;
    private final EngineState state;

    CodeIndex(EngineState state) {
        this.state = state;
    }

    /** Returns (sku << 32 | code) or {@link #MISSING}. */
    long find(DirectBuffer buffer, int offset, int length) {
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

    void add(int sku, int code) {
        if (++size * 2 > table.length) {
            rehash();
        }
        insert(((long) sku << 32) | code);
    }

    private void insert(long entry) {
        CodePool pool = state.skus[(int) (entry >>> 32)].pool;
        int code = (int) entry;
        long h = Hashing.hash(pool.arena(), pool.start(code), pool.length(code));
        int mask = table.length - 1;
        int i = (int) h & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = entry + 1;
    }

    private void rehash() {
        long[] old = table;
        table = new long[old.length * 2];
        for (long e : old) {
            if (e != 0) {
                insert(e - 1);
            }
        }
    }

    int size() {
        return size;
    }

    long bytesRetained() {
        return 8L * table.length;
    }
}
