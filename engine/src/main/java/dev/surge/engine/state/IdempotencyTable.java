package dev.surge.engine.state;

import java.util.Arrays;

/**
 * (subject, Idempotency-Key) to the first decision taken under it: a fingerprint of the request
 * that made it, the result, and a reference (grant number, or a reason). Open addressing over one
 * long[] of 3-long slots (key, fingerprint, outcome), 24 bytes a slot: a lookup and the insert
 * that follows it touch one slot's cache line rather than one line in each of four arrays
 * (random keys over millions of slots: each line touched is a cache miss). A slot is in use
 * when its outcome has {@link #USED} set. Confined to the writer thread.
 */
final class IdempotencyTable {
    static final int MISSING = -1;
    private static final int STRIDE = 3;
    /** Marks an occupied slot in the outcome word (results and references never use bit 63). */
    private static final long USED = Long.MIN_VALUE;
    private long[] slots = new long[1024 * STRIDE];
    private int capacity = 1024;
    private int size;

    int size() {
        return size;
    }

    /** Slot of the key, or MISSING. */
    int find(long key) {
        int mask = capacity - 1;
        for (int i = (int) key & mask; ; i = (i + 1) & mask) {
            int at = i * STRIDE;
            if ((slots[at + 2] & USED) == 0) {
                return MISSING;
            }
            if (slots[at] == key) {
                return i;
            }
        }
    }

    long fingerprint(int slot) {
        return slots[slot * STRIDE + 1];
    }

    int result(int slot) {
        return (int) ((slots[slot * STRIDE + 2] & ~USED) >>> 32);
    }

    int reference(int slot) {
        return (int) slots[slot * STRIDE + 2];
    }

    /** Records a first decision; a key already present keeps its first decision. */
    void put(long key, long fingerprint, int result, int reference) {
        if (find(key) != MISSING) {
            return;
        }
        if (++size * 2 > capacity) {
            rehash();
        }
        insert(key, fingerprint, ((long) result << 32) | (reference & 0xFFFFFFFFL));
    }

    private void insert(long key, long fingerprint, long outcome) {
        int mask = capacity - 1;
        int i = (int) key & mask;
        while ((slots[i * STRIDE + 2] & USED) != 0) {
            i = (i + 1) & mask;
        }
        int at = i * STRIDE;
        slots[at] = key;
        slots[at + 1] = fingerprint;
        slots[at + 2] = outcome | USED;
    }

    /** Sizes the table so that this many records fit without a rehash. */
    void reserve(int records) {
        long needed = 2L * records + 1;
        if (needed > capacity) {
            rehash((int) Math.min(1 << 29, Long.highestOneBit(needed - 1) << 1));
        }
    }

    private void rehash() {
        rehash(capacity * 2);
    }

    private void rehash(int newCapacity) {
        long[] old = slots;
        int oldCapacity = capacity;
        capacity = newCapacity;
        slots = new long[capacity * STRIDE];
        for (int i = 0; i < oldCapacity; i++) {
            int at = i * STRIDE;
            if ((old[at + 2] & USED) != 0) {
                insert(old[at], old[at + 1], old[at + 2] & ~USED);
            }
        }
    }

    /** Order-independent digest of the contents. */
    long digest() {
        long d = size;
        for (int i = 0; i < capacity; i++) {
            int at = i * STRIDE;
            if ((slots[at + 2] & USED) != 0) {
                d += dev.surge.engine.util.Hashing.combine(slots[at], slots[at + 1], slots[at + 2] & ~USED);
            }
        }
        return d;
    }

    void forEach(Visitor v) {
        for (int i = 0; i < capacity; i++) {
            int at = i * STRIDE;
            if ((slots[at + 2] & USED) != 0) {
                v.visit(slots[at], slots[at + 1], slots[at + 2] & ~USED);
            }
        }
    }

    void restore(long key, long fingerprint, long outcome) {
        if (++size * 2 > capacity) {
            rehash();
        }
        insert(key, fingerprint, outcome);
    }

    void clear() {
        Arrays.fill(slots, 0);
        size = 0;
    }

    interface Visitor {
        void visit(long key, long fingerprint, long outcome);
    }
}
