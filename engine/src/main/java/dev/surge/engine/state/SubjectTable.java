package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;

/**
 * Per-subject numbers keyed by (dimension, scope, subject): grants so far per user, device or IP
 * in a campaign or SKU, and each user's newest grant. Open addressing with linear probing over
 * (key, value) pairs of longs.
 *
 * <p>Why not a general hash map: at a flash sale's scale every table line a claim touches is a
 * cache miss (100 ns or more), and a claim reads and bumps several numbers of the same user. A key here
 * keeps the low 32 bits of the subject's hash and the home slot comes from those bits, so all of
 * one subject's entries land side by side and a claim reads its user's campaign count, SKU count
 * and newest grant from one or two adjacent lines instead of one line per number.
 *
 * <p>A key collision can only make two subjects share a number: like {@link Hashing}, it errs on
 * the side of refusing.
 *
 * <p><b>Growth never stalls the writer</b> (as {@link IdempotencyTable}'s): a sale bigger than
 * {@code --expected-users} used to double this table at once, 50 ms at 3 million entries on two
 * cores. From a little under three quarters full (the pages to allocate, and a margin, under),
 * each insert does one step:
 * <ol>
 *   <li><b>Allocate</b>: the table of twice the slots is {@link #PAGE_PAIRS}-pair pages (4 MiB),
 *       one page per insert, so that no single allocation zeroes hundreds of megabytes;</li>
 *   <li><b>Migrate</b>: inserts go into the new table; the old one is frozen and searched after
 *       the new; a number found only in the old one is copied across before it changes, and each
 *       insert copies the entries of the next {@link #STEP} old slots not copied yet.</li>
 * </ol>
 * Should a step fall behind (a table set up by a snapshot's restore, say), the rest is done at
 * once. Confined to the writer thread.
 */
final class SubjectTable {
    private static final long EMPTY = 0;
    private static final long SCOPE_BITS = 0xFFFF_FFFF_0000_0000L;
    private static final int MIN_CAPACITY = 1024;
    /** Pairs: within the int indexes of pairs (2^30) and below the JVM's largest table of pages. */
    private static final int MAX_CAPACITY = 1 << 30;
    /** Pairs per page (4 MiB, {@link TablePages}: the last pair of a full page does not exist). */
    static final int PAGE_SHIFT = 18;
    static final int PAGE_PAIRS = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_PAIRS - 1;
    /** Old slots migrated per insert while the table grows. */
    static final int STEP = 64;
    /**
     * At most 3 of 4 slots used: a subject's entries are found in its own run anyway, so a fuller
     * table costs little time and keeps the counters near 64 bytes a user.
     */
    private static final long FULL_NUMERATOR = 3;
    private static final long FULL_DENOMINATOR = 4;

    private enum Growth { NONE, ALLOCATE, MIGRATE }

    /** The table new entries go into: pages of (key, value) pairs. */
    private long[][] pages = allocate(MIN_CAPACITY, true);
    private int capacity = MIN_CAPACITY;
    /** Entries in {@link #pages}. */
    private int size;

    private Growth growth = Growth.NONE;
    /** Allocate: the table being prepared; migrate: the frozen one being copied from. */
    private long[][] other;
    private int otherCapacity;
    private int allocated;
    /** Migrate: the next old slot to copy. */
    private int cursor;
    /** Migrate: old entries at or past the cursor that are not in the new table yet. */
    private int pending;
    /** Times a growth was finished at once because its steps fell behind (tests: never, under inserts alone). */
    private int catchUps;

    /** The key of a number: the subject's low bits (its home slot) under a hash of what and where. */
    static long key(long dimension, int scope, long subject) {
        long key = (Hashing.combine(dimension, scope) & SCOPE_BITS) ^ subject;
        return key == EMPTY ? 1 : key;
    }

    /** Distinct keys held. */
    int size() {
        return size + pending;
    }

    /** The value under the key, 0 when there is none. */
    long get(long key) {
        int i = find(pages, capacity, key);
        if (i >= 0) {
            return pages[i >>> PAGE_SHIFT][((i & PAGE_MASK) << 1) + 1];
        }
        if (growth == Growth.MIGRATE) {
            int j = find(other, otherCapacity, key);
            return j < 0 ? 0 : other[j >>> PAGE_SHIFT][((j & PAGE_MASK) << 1) + 1];
        }
        return 0;
    }

    void put(long key, long value) {
        int i = slotOf(key);
        pages[i >>> PAGE_SHIFT][((i & PAGE_MASK) << 1) + 1] = value;
    }

    /** Adds one to the value under the key (0 when absent). */
    void increment(long key) {
        int i = slotOf(key);
        pages[i >>> PAGE_SHIFT][((i & PAGE_MASK) << 1) + 1]++;
    }

    /**
     * The pair of the key in the new table, inserted (with the old table's value while migrating,
     * else 0) when absent; the insert takes one growth step.
     */
    private int slotOf(long key) {
        int i = find(pages, capacity, key);
        if (i >= 0) {
            return i;
        }
        step(); // first: it may replace the table, or copy this very key across
        i = find(pages, capacity, key);
        if (i >= 0) {
            return i;
        }
        long value = 0;
        if (growth == Growth.MIGRATE) {
            // not copied yet, so at or past the cursor, which will skip it once it is here
            int j = find(other, otherCapacity, key);
            if (j >= 0) {
                value = other[j >>> PAGE_SHIFT][((j & PAGE_MASK) << 1) + 1];
                pending--;
            }
        }
        i = -i - 1;
        long[] page = pages[i >>> PAGE_SHIFT];
        page[(i & PAGE_MASK) << 1] = key;
        page[((i & PAGE_MASK) << 1) + 1] = value;
        size++;
        return i;
    }

    private long full() {
        return capacity * FULL_NUMERATOR / FULL_DENOMINATOR;
    }

    /** Where growth starts: full, less an insert per page to allocate and a margin. */
    private long growAt() {
        return full() - pageCount((int) Math.min(MAX_CAPACITY, capacity * 2L)) - STEP;
    }

    /** One step of growth, taken before an insert. */
    private void step() {
        switch (growth) {
            case NONE -> {
                if (size >= growAt() && capacity < MAX_CAPACITY) {
                    otherCapacity = (int) Math.min(MAX_CAPACITY, capacity * 2L);
                    other = new long[pageCount(otherCapacity)][];
                    allocated = 0;
                    growth = Growth.ALLOCATE;
                    allocateStep();
                } else if (size >= full()) {
                    throw new IllegalStateException("subject table full at " + size + " entries");
                }
            }
            case ALLOCATE -> {
                if (size >= full()) {
                    catchUps++;
                    while (growth == Growth.ALLOCATE) {
                        allocateStep();
                    }
                    finishMigration();
                } else {
                    allocateStep();
                }
            }
            case MIGRATE -> {
                if (size >= full()) {
                    catchUps++;
                    finishMigration();
                } else {
                    migrate(STEP);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private void allocateStep() {
        other[allocated] = page(otherCapacity, allocated);
        if (++allocated == other.length) {
            // the prepared table takes the inserts; the current one is frozen, to be copied across
            long[][] frozen = pages;
            int frozenCapacity = capacity;
            pages = other;
            capacity = otherCapacity;
            other = frozen;
            otherCapacity = frozenCapacity;
            pending = size;
            size = 0;
            cursor = 0;
            growth = Growth.MIGRATE;
        }
    }

    /** Copies the entries of the next {@code slots} old slots that are not in the new table. */
    private void migrate(int slots) {
        int end = (int) Math.min(otherCapacity, (long) cursor + slots);
        for (int j = cursor; j < end; j++) {
            if (TablePages.absent(j, PAGE_MASK)) {
                continue;
            }
            long[] page = other[j >>> PAGE_SHIFT];
            int at = (j & PAGE_MASK) << 1;
            long key = page[at];
            if (key != EMPTY) {
                int i = find(pages, capacity, key);
                if (i < 0) { // else copied before it changed, with its number since
                    i = -i - 1;
                    long[] to = pages[i >>> PAGE_SHIFT];
                    to[(i & PAGE_MASK) << 1] = key;
                    to[((i & PAGE_MASK) << 1) + 1] = page[at + 1];
                    size++;
                    pending--;
                }
            }
        }
        cursor = end;
        if (cursor == otherCapacity) {
            other = null;
            otherCapacity = 0;
            growth = Growth.NONE;
        }
    }

    private void finishMigration() {
        if (growth == Growth.MIGRATE) {
            migrate(otherCapacity - cursor);
        }
    }

    /** Sizes the table for this many entries in all, so that reaching them never rehashes. */
    void reserve(long entries) {
        // a little room over the estimate, for the few shared subjects (a busy device, an office IP)
        long needed = (entries + entries / 256 + 1024) * FULL_DENOMINATOR / FULL_NUMERATOR;
        if (needed > capacity) {
            if (growth == Growth.ALLOCATE) {
                other = null; // not in use yet: the rebuild below makes its own
                growth = Growth.NONE;
            }
            finishMigration();
            rebuild((int) Math.min(MAX_CAPACITY, needed));
        }
    }

    /** All at once: a reserve runs before the sale (start, restore), never on a claim. */
    private void rebuild(int newCapacity) {
        long[][] old = pages;
        int oldCapacity = capacity;
        pages = allocate(newCapacity, true);
        capacity = newCapacity;
        for (int j = 0; j < oldCapacity; j++) {
            if (TablePages.absent(j, PAGE_MASK)) {
                continue;
            }
            long[] page = old[j >>> PAGE_SHIFT];
            int at = (j & PAGE_MASK) << 1;
            if (page[at] != EMPTY) {
                int i = -find(pages, capacity, page[at]) - 1;
                long[] to = pages[i >>> PAGE_SHIFT];
                to[(i & PAGE_MASK) << 1] = page[at];
                to[((i & PAGE_MASK) << 1) + 1] = page[at + 1];
            }
        }
    }

    /** Drops every entry and gives back the memory (tools that measure what the table held). */
    void clear() {
        pages = allocate(MIN_CAPACITY, true);
        capacity = MIN_CAPACITY;
        size = 0;
        growth = Growth.NONE;
        other = null;
        otherCapacity = 0;
        pending = 0;
    }

    /** Every (key, value) once, the new table's first while growing. */
    void forEach(Visitor visitor) {
        forEach(pages, capacity, visitor, false);
        if (growth == Growth.MIGRATE) {
            forEach(other, otherCapacity, visitor, true);
        }
    }

    private void forEach(long[][] table, int slots, Visitor visitor, boolean onlyNotCopied) {
        for (int j = 0; j < slots; j++) {
            if (TablePages.absent(j, PAGE_MASK)) {
                continue;
            }
            long[] page = table[j >>> PAGE_SHIFT];
            int at = (j & PAGE_MASK) << 1;
            long key = page[at];
            if (key != EMPTY && (!onlyNotCopied || find(pages, capacity, key) < 0)) {
                visitor.visit(key, page[at + 1]);
            }
        }
    }

    /**
     * Reads the first pair of the subject's home: every key of that subject starts its probe
     * there, so the line is in cache when the decision looks for them ({@link StateMachine#prefetch}).
     */
    long touch(long subject) {
        int i = home(subject, capacity);
        return pages[i >>> PAGE_SHIFT][(i & PAGE_MASK) << 1];
    }

    /** Whether the table is growing: tests of growth. */
    boolean growing() {
        return growth != Growth.NONE;
    }

    /** Growths finished at once: tests of growth (none under inserts alone). */
    int catchUps() {
        return catchUps;
    }

    /** Pairs of the table new entries go into: tests of growth. */
    int capacity() {
        return capacity;
    }

    /** Pair index of the key when present; otherwise -(pair index of the free slot) - 1. */
    private static int find(long[][] table, int capacity, long key) {
        for (int i = home(key, capacity); ; i = next(i, capacity)) {
            long k = table[i >>> PAGE_SHIFT][(i & PAGE_MASK) << 1];
            if (k == key) {
                return i;
            }
            if (k == EMPTY) {
                return -i - 1;
            }
        }
    }

    private static int pageCount(int capacity) {
        return (capacity + PAGE_MASK) >>> PAGE_SHIFT;
    }

    /** Page {@code p} of a table of {@code capacity} pairs: a full page, or the rest, whole. */
    private static long[] page(int capacity, int p) {
        int pairs = Math.min(PAGE_PAIRS, capacity - (p << PAGE_SHIFT));
        return pairs == PAGE_PAIRS ? TablePages.page() : new long[pairs << 1];
    }

    private static long[][] allocate(int capacity, boolean all) {
        long[][] table = new long[pageCount(capacity)][];
        if (all) {
            for (int p = 0; p < table.length; p++) {
                table[p] = page(capacity, p);
            }
        }
        return table;
    }

    /**
     * The subject's low 32 bits scaled onto [0, capacity) (multiply and shift rather than a
     * mask, so that any capacity works and a reserved table is sized exactly, not to the next
     * power of two).
     */
    private static int home(long key, int capacity) {
        int i = (int) (((key & 0xFFFF_FFFFL) * capacity) >>> 32);
        return TablePages.absent(i, PAGE_MASK) ? next(i, capacity) : i;
    }

    /** The pair after {@code i}, over a page's missing last pair. */
    private static int next(int i, int capacity) {
        int n = i + 1 == capacity ? 0 : i + 1;
        return TablePages.absent(n, PAGE_MASK) ? (n + 1 == capacity ? 0 : n + 1) : n;
    }

    interface Visitor {
        void visit(long key, long value);
    }
}
