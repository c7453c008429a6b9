package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;

/**
 * Per-subject numbers keyed by (dimension, scope, subject): grants so far per device or IP in a
 * campaign, and the per-user counters that do not fit their user's line ({@link UserBook}: a
 * user's second campaign or SKU). Open addressing with linear probing over one long[] of (key,
 * value) pairs.
 *
 * <p>Why not a general hash map: at a flash sale's scale every table line a claim touches is a
 * cache miss (100 ns or more). A key here keeps the low 32 bits of the subject's hash and the
 * home slot comes from those bits, so all of one subject's entries land side by side, on one or
 * two adjacent lines instead of one line per number.
 *
 * <p>A key collision can only make two subjects share a number: like {@link Hashing}, it errs on
 * the side of refusing. Confined to the writer thread.
 */
final class SubjectTable {
    private static final long EMPTY = 0;
    private static final long SCOPE_BITS = 0xFFFF_FFFF_0000_0000L;
    private static final int MIN_CAPACITY = 1024;
    /** Pairs of longs in a 64-byte cache line. */
    private static final int PAIRS_PER_LINE = 4;
    /** Pairs: twice this stays under the JVM's largest array. */
    private static final int MAX_CAPACITY = (1 << 30) - 8;
    /**
     * At most 3 of 4 slots used: a subject's entries are found in its own run anyway, so a
     * fuller table costs little time and keeps the counters near 64 bytes a user.
     */
    private static final int LOAD_NUMERATOR = 3;
    private static final int LOAD_DENOMINATOR = 4;

    /** key, value, key, value, ... */
    private long[] slots = new long[MIN_CAPACITY * 2];
    private int capacity = MIN_CAPACITY;
    private int size;
    private int resizeAt = MIN_CAPACITY * LOAD_NUMERATOR / LOAD_DENOMINATOR;
    private final TableGrowth growth;

    /** A table that records in {@code growth} each time it doubles on the writer. */
    SubjectTable(TableGrowth growth) {
        this.growth = growth;
    }

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
        } else {
            insert(i, key, value);
        }
    }

    /** Adds one to the value under the key (0 when absent). One probe. */
    void increment(long key) {
        int i = find(key);
        if (i >= 0) {
            slots[i + 1]++;
        } else {
            insert(i, key, 1);
        }
    }

    /**
     * Adds an absent key at the free pair {@link #find} answered ({@code -index - 1}), or, when
     * the table must grow first, at its place in the grown table.
     */
    private void insert(int free, long key, long value) {
        if (size >= resizeAt) {
            if (capacity == MAX_CAPACITY) {
                throw new IllegalStateException("subject table full at " + size + " entries");
            }
            long start = System.nanoTime();
            resize((int) Math.min(MAX_CAPACITY, capacity * 2L));
            growth.grew(start);
            free = find(key);
        }
        slots[-free - 1] = key;
        slots[-free] = value;
        size++;
    }

    /** Sizes the table for this many entries in all, so that reaching them never rehashes. */
    void reserve(long entries) {
        // a little room over the estimate, for the few shared subjects (a busy device, an office IP)
        long needed = (entries + entries / 256 + 1024) * LOAD_DENOMINATOR / LOAD_NUMERATOR;
        if (needed > capacity) {
            resize((int) Math.min(MAX_CAPACITY, needed));
        }
    }

    /** Drops every entry and gives back the memory (tools that measure what the table held). */
    void clear() {
        slots = new long[MIN_CAPACITY * 2];
        capacity = MIN_CAPACITY;
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

    /**
     * Reads the first pair of the subject's home: every key of that subject starts its probe
     * there, so the line is in cache when the decision looks for them ({@link StateMachine#prefetch}).
     */
    long touch(long subject) {
        return slots[home(subject, capacity) << 1];
    }

    /** Array index of the key's pair when present; otherwise -(index of the free pair) - 1. */
    private int find(long key) {
        long[] s = slots;
        int n = capacity;
        for (int i = home(key, n); ; i = i + 1 == n ? 0 : i + 1) {
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
        this.capacity = capacity;
        resizeAt = (int) ((long) capacity * LOAD_NUMERATOR / LOAD_DENOMINATOR);
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                int free = -find(old[i]) - 1;
                slots[free] = old[i];
                slots[free + 1] = old[i + 1];
            }
        }
    }

    /**
     * The subject's low 32 bits scaled onto [0, capacity) (multiply and shift rather than a
     * mask, so that any capacity works and a reserved table is sized exactly, not to the next
     * power of two).
     */
    private static int home(long key, int capacity) {
        return (int) (((key & 0xFFFF_FFFFL) * capacity) >>> 32);
    }

    interface Visitor {
        void visit(long key, long value);
    }
}
