package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import java.util.Arrays;

/**
 * Per-subject numbers keyed by (dimension, scope, subject): grants so far per user, device or IP
 * in a campaign or SKU, and each user's newest grant. Open addressing with linear probing over
 * one long[] of (key, value) pairs.
 *
 * <p>Why not a general hash map: at a flash sale's scale every table line a claim touches is a
 * cache miss (~100 ns), and a claim reads and bumps several numbers of the same user. A key here
 * keeps the low 32 bits of the subject's hash and the home slot comes from those bits, so all of
 * one subject's entries land side by side and a claim reads its user's campaign count, SKU count
 * and newest grant from one or two adjacent lines instead of one line per number.
 *
 * <p>A key collision can only make two subjects share a number: like {@link Hashing}, it errs on
 * the side of refusing. Confined to the writer thread.
 */
final class SubjectTable {
    private static final long EMPTY = 0;
    private static final long SCOPE_BITS = 0xFFFF_FFFF_0000_0000L;
    private static final int MIN_CAPACITY = 1024;
    /** At most 5 of 8 slots used; subjects' runs of 2-3 entries keep probe chains short. */
    private static final int LOAD_NUMERATOR = 5;
    private static final int LOAD_DENOMINATOR = 8;

    /** key, value, key, value, ... */
    private long[] slots = new long[MIN_CAPACITY * 2];
    private int mask = MIN_CAPACITY - 1;
    private int size;
    private int resizeAt = MIN_CAPACITY * LOAD_NUMERATOR / LOAD_DENOMINATOR;

    /** The key of a number: the subject's low bits (its home slot) under a hash of what and where. */
    static long key(long dimension, int scope, long subject) {
        long key = (Hashing.combine(dimension, scope) & SCOPE_BITS) ^ subject;
        return key == EMPTY ? 1 : key;
    }

    int size() {
        return size;
    }

    /** The value under the key, 0 when there is none. */
    long get(long key) {
        int i = find(key);
        return i < 0 ? 0 : slots[i + 1];
    }

    void put(long key, long value) {
        int i = find(key);
        if (i >= 0) {
            slots[i + 1] = value;
            return;
        }
        if (size >= resizeAt) {
            resize((mask + 1) * 2);
            i = find(key);
        }
        slots[-i - 1] = key;
        slots[-i] = value;
        size++;
    }

    /** Adds one to the value under the key (0 when absent). */
    void increment(long key) {
        int i = find(key);
        put(key, (i < 0 ? 0 : slots[i + 1]) + 1);
    }

    /** Sizes the table for this many entries in all, so that reaching them never rehashes. */
    void reserve(long entries) {
        long needed = entries * LOAD_DENOMINATOR / LOAD_NUMERATOR + 1;
        if (needed > mask + 1) {
            resize((int) Math.min(1L << 29, Long.highestOneBit(needed - 1) << 1));
        }
    }

    /** Drops every entry and gives back the memory (tools that measure what the table held). */
    void clear() {
        slots = new long[MIN_CAPACITY * 2];
        mask = MIN_CAPACITY - 1;
        size = 0;
        resizeAt = MIN_CAPACITY * LOAD_NUMERATOR / LOAD_DENOMINATOR;
    }

    void forEach(Visitor visitor) {
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] != EMPTY) {
                visitor.visit(slots[i], slots[i + 1]);
            }
        }
    }

    /** Array index of the key's pair when present; otherwise -(index of the free pair) - 1. */
    private int find(long key) {
        long[] s = slots;
        int m = mask;
        for (int i = (int) key & m; ; i = (i + 1) & m) {
            long k = s[i << 1];
            if (k == key) {
                return i << 1;
            }
            if (k == EMPTY) {
                return -(i << 1) - 1;
            }
        }
    }

    private void resize(int capacity) {
        long[] old = slots;
        slots = new long[capacity * 2];
        mask = capacity - 1;
        resizeAt = (int) ((long) capacity * LOAD_NUMERATOR / LOAD_DENOMINATOR);
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                int free = -find(old[i]) - 1;
                slots[free] = old[i];
                slots[free + 1] = old[i + 1];
            }
        }
    }

    interface Visitor {
        void visit(long key, long value);
    }
}
