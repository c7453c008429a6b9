package dev.surge.engine.state;

import java.util.Arrays;

/**
 * (subject, Idempotency-Key) to the first decision taken under it: a fingerprint of the request
 * that made it, the result, and a reference (grant number, or a reason). Open addressing over
 * parallel arrays, 24 bytes a slot. Confined to the writer thread.
 */
final class IdempotencyTable {
    static final int MISSING = -1;
    private long[] keys = new long[1024];
    private long[] fingerprints = new long[1024];
    private long[] outcomes = new long[1024];
    private boolean[] used = new boolean[1024];
    private int size;

    int size() {
        return size;
    }

    /** Slot of the key, or MISSING. */
    int find(long key) {
        int mask = keys.length - 1;
        for (int i = (int) key & mask; ; i = (i + 1) & mask) {
            if (!used[i]) {
                return MISSING;
            }
            if (keys[i] == key) {
                return i;
            }
        }
    }

    long fingerprint(int slot) {
        return fingerprints[slot];
    }

    int result(int slot) {
        return (int) (outcomes[slot] >>> 32);
    }

    int reference(int slot) {
        return (int) outcomes[slot];
    }

    /** Records a first decision; a key already present keeps its first decision. */
    void put(long key, long fingerprint, int result, int reference) {
        if (find(key) != MISSING) {
            return;
        }
        if (++size * 2 > keys.length) {
            rehash();
        }
        insert(key, fingerprint, ((long) result << 32) | (reference & 0xFFFFFFFFL));
    }

    private void insert(long key, long fingerprint, long outcome) {
        int mask = keys.length - 1;
        int i = (int) key & mask;
        while (used[i]) {
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        fingerprints[i] = fingerprint;
        outcomes[i] = outcome;
    }

    private void rehash() {
        long[] k = keys;
        long[] f = fingerprints;
        long[] o = outcomes;
        boolean[] u = used;
        int n = k.length * 2;
        keys = new long[n];
        fingerprints = new long[n];
        outcomes = new long[n];
        used = new boolean[n];
        for (int i = 0; i < k.length; i++) {
            if (u[i]) {
                insert(k[i], f[i], o[i]);
            }
        }
    }

    /** Order-independent digest of the contents. */
    long digest() {
        long d = size;
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                d += dev.surge.engine.util.Hashing.combine(keys[i], fingerprints[i], outcomes[i]);
            }
        }
        return d;
    }

    void forEach(Visitor v) {
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                v.visit(keys[i], fingerprints[i], outcomes[i]);
            }
        }
    }

    void restore(long key, long fingerprint, long outcome) {
        if (++size * 2 > keys.length) {
            rehash();
        }
        insert(key, fingerprint, outcome);
    }

    void clear() {
        Arrays.fill(used, false);
        size = 0;
    }

    interface Visitor {
        void visit(long key, long fingerprint, long outcome);
    }
}
