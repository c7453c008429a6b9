package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;

/**
 * (subject, Idempotency-Key) to the first decision taken under it, for a window of time.
 *
 * <p>A record is found by its full 128-bit identity ({@link dev.surge.engine.util.Identities#key}),
 * never by a slot or a shorter hash, so one user's key can never find another user's decision.
 * It holds a fingerprint of the request that made it, the result, a reference (grant number, or
 * a reason) and the minute it was decided. It is forgotten once {@code window} has passed in the
 * commands' time (the decision's time against the record's minute, so a live run and a replay
 * forget the same records): a retry after that is decided afresh, as Stripe does after 24 hours.
 *
 * <p>Layout: open addressing over 4-long slots (identity high, identity low, fingerprint,
 * outcome), 32 bytes a slot, a quarter to half full, so a lookup and the insert that follows it
 * touch one slot's cache line. The outcome word is {@code used:1 | result:7 | minute:24 |
 * reference:32}; the minute is kept modulo 2^24 (32 years), and ages are computed modulo the
 * same. An expired record's slot is reused by the next insert that probes it.
 *
 * <p><b>Growth never stalls the writer.</b> A key is remembered per claim, not per user, so this
 * table grows with the sale however the server was sized, and rehashing a table of millions of
 * records at once stopped the writer for over 100 ms. So growth is spread over the inserts
 * ({@link #put}), as Redis grows its dictionaries:
 * <ol>
 *   <li><b>Count</b>, from three eighths full: each insert counts the live records of the next
 *       {@link #STEP} slots, so the new size follows the records of the last window, not every
 *       key ever seen (expired records are not carried over);</li>
 *   <li><b>Allocate</b>: the new table is {@link #PAGE_SLOTS}-slot pages, one page per insert, so
 *       that no single allocation zeroes hundreds of megabytes on the writer;</li>
 *   <li><b>Migrate</b>: new records go into the new table; the old one is frozen and still
 *       searched after the new, and each insert moves the live records of its next
 *       {@link #STEP} slots across. Records never change once written, so a record moved is
 *       the same in both tables, and a key found in neither is in neither.</li>
 * </ol>
 * Each phase ends well before the table is half full; should one not (a table set up by
 * {@link #restore}, say), the rest is done at once. Confined to the writer thread.
 */
final class IdempotencyTable {
    static final int MISSING = -1;
    static final long MINUTE_MS = 60_000;
    private static final int STRIDE = 4;
    private static final int HIGH = 0;
    private static final int LOW = 1;
    private static final int FINGERPRINT = 2;
    private static final int OUTCOME = 3;
    private static final long USED = Long.MIN_VALUE;
    private static final int MINUTE_BITS = 24;
    private static final long MINUTE_MASK = (1L << MINUTE_BITS) - 1;
    private static final int MIN_CAPACITY = 1024;
    /** Slots: within the handles' 30 bits. */
    private static final int MAX_CAPACITY = 1 << 28;
    /**
     * Slots per page (4 MiB, {@link TablePages}: the last slot of a full page does not exist): a
     * table of more slots is made of pages of this many.
     */
    static final int PAGE_SHIFT = 17;
    static final int PAGE_SLOTS = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_SLOTS - 1;
    /** Slots counted or migrated per insert while the table grows. */
    static final int STEP = 64;
    /** A handle ({@link #find}) into the table being migrated from. */
    private static final int OLD = 1 << 30;

    private enum Growth { NONE, COUNT, ALLOCATE, MIGRATE }

    private final long windowMinutes;
    /** The table new records go into. */
    private long[][] pages = allocate(MIN_CAPACITY, true);
    private int capacity = MIN_CAPACITY;
    /** Slots in use in {@link #pages}, expired or not (a growth step's trigger). */
    private int size;

    private Growth growth = Growth.NONE;
    /** Count: the next slot to count; migrate: the next old slot to move. */
    private int cursor;
    /** Count: live records seen so far, plus the records inserted meanwhile. */
    private int counted;
    /** Allocate: the table being prepared; migrate: the frozen table being emptied. */
    private long[][] other;
    private int otherCapacity;
    private int allocated;
    /** Times a growth was finished at once because its steps fell behind (tests: never, under inserts alone). */
    private int catchUps;

    IdempotencyTable(long windowMs) {
        this.windowMinutes = Math.max(1, (windowMs + MINUTE_MS - 1) / MINUTE_MS);
    }

    /** Heap held by the table, in bytes (array headers left out), both tables while growing. */
    long bytes() {
        long other = growth == Growth.MIGRATE ? otherCapacity : growth == Growth.ALLOCATE ? (long) allocated * PAGE_SLOTS : 0;
        return ((long) capacity + other) * STRIDE * Long.BYTES;
    }

    /**
     * A handle to the record with this identity that is live at {@code time}, or MISSING. Read
     * it with {@link #fingerprint}, {@link #result} and {@link #reference} before the next put.
     */
    int find(long high, long low, long time) {
        long now = minute(time);
        int at = find(pages, capacity, high, low, now);
        if (at == MISSING && growth == Growth.MIGRATE) {
            at = find(other, otherCapacity, high, low, now);
            return at == MISSING ? MISSING : at | OLD;
        }
        return at;
    }

    private int find(long[][] table, int capacity, long high, long low, long now) {
        int mask = capacity - 1;
        for (int i = home(low, mask); ; i = next(i, mask)) {
            long[] page = table[i >>> PAGE_SHIFT];
            int at = (i & PAGE_MASK) * STRIDE;
            long outcome = page[at + OUTCOME];
            if ((outcome & USED) == 0) {
                return MISSING;
            }
            if (page[at + LOW] == low && page[at + HIGH] == high && live(outcome, now)) {
                return i;
            }
        }
    }

    /**
     * Whether no slot holds a record, expired or not, and no older table is being emptied:
     * nothing to find, so nothing to read ahead ({@link StateMachine#prefetch}).
     */
    boolean empty() {
        return size == 0 && growth != Growth.MIGRATE;
    }

    /** Reads the home record of an identity with this low half, so that its line is in cache ({@link StateMachine#prefetch}). */
    long touch(long low) {
        int i = home(low, capacity - 1);
        return pages[i >>> PAGE_SHIFT][(i & PAGE_MASK) * STRIDE + OUTCOME];
    }

    long fingerprint(int handle) {
        return word(handle, FINGERPRINT);
    }

    int result(int handle) {
        return result(word(handle, OUTCOME));
    }

    int reference(int handle) {
        return reference(word(handle, OUTCOME));
    }

    /** The outcome word of a record: {@code used:1 | result:7 | minute:24 | reference:32}. */
    static long outcome(int result, int reference, long time) {
        return USED | ((long) (result & 0x7F) << 56) | ((minute(time) & MINUTE_MASK) << 32) | (reference & 0xFFFF_FFFFL);
    }

    /** The outcome word of the record at a handle ({@link #outcome}). */
    long outcome(int handle) {
        return word(handle, OUTCOME);
    }

    static int result(long outcome) {
        return (int) ((outcome >>> 56) & 0x7F);
    }

    static int reference(long outcome) {
        return (int) outcome;
    }

    /** Whether a record with this outcome word is live at {@code time} (0: no record). */
    boolean liveAt(long outcome, long time) {
        return (outcome & USED) != 0 && live(outcome, minute(time));
    }

    private long word(int handle, int field) {
        long[][] table = (handle & OLD) != 0 ? other : pages;
        int i = handle & ~OLD;
        return table[i >>> PAGE_SHIFT][(i & PAGE_MASK) * STRIDE + field];
    }

    /** Records a first decision taken at {@code time}; a live record of the identity keeps its first decision. */
    void put(long high, long low, long fingerprint, int result, int reference, long time) {
        if (find(high, low, time) != MISSING) {
            return;
        }
        long now = minute(time);
        grow(now);
        if (growth == Growth.COUNT) {
            counted++;
        }
        insert(pages, capacity, high, low, fingerprint, outcome(result, reference, time), now);
    }

    /** One step of growth, if the table grows: never more than {@link #STEP} slots, or one page. */
    private void grow(long now) {
        switch (growth) {
            case NONE -> {
                if (size * 8L >= capacity * 3L) {
                    growth = Growth.COUNT;
                    cursor = 0;
                    counted = 0;
                }
            }
            case COUNT -> count(now);
            case ALLOCATE -> {
                other[allocated] = TablePages.page();
                if (++allocated == other.length) {
                    startMigration();
                }
            }
            case MIGRATE -> migrate(now);
            default -> throw new IllegalStateException(growth.name());
        }
        if ((size + 1) * 2L > capacity) {
            catchUps++;
            finishGrowth(now); // only if the steps fell behind
        }
    }

    private void count(long now) {
        int end = Math.min(capacity, cursor + STEP);
        for (int i = cursor; i < end; i++) {
            if (TablePages.absent(i, PAGE_MASK)) {
                continue;
            }
            long o = pages[i >>> PAGE_SHIFT][(i & PAGE_MASK) * STRIDE + OUTCOME];
            if ((o & USED) != 0 && live(o, now)) {
                counted++;
            }
        }
        cursor = end;
        if (cursor == capacity) {
            int next = capacity;
            while ((counted + 1) * 4L > next && next < MAX_CAPACITY) {
                next *= 2;
            }
            if ((counted + 1) * 2L > next) {
                throw new IllegalStateException("idempotency table full at " + counted + " records");
            }
            otherCapacity = next;
            other = allocate(next, next <= PAGE_SLOTS);
            allocated = next <= PAGE_SLOTS ? other.length : 0;
            growth = Growth.ALLOCATE;
            if (allocated == other.length) {
                startMigration();
            }
        }
    }

    /** The prepared table takes the inserts; the current one is frozen, to be moved across. */
    private void startMigration() {
        long[][] frozen = pages;
        int frozenCapacity = capacity;
        pages = other;
        capacity = otherCapacity;
        size = 0;
        other = frozen;
        otherCapacity = frozenCapacity;
        cursor = 0;
        growth = Growth.MIGRATE;
    }

    private void migrate(long now) {
        int end = Math.min(otherCapacity, cursor + STEP);
        for (int i = cursor; i < end; i++) {
            if (TablePages.absent(i, PAGE_MASK)) {
                continue;
            }
            long[] page = other[i >>> PAGE_SHIFT];
            int at = (i & PAGE_MASK) * STRIDE;
            long o = page[at + OUTCOME];
            if ((o & USED) != 0 && live(o, now)) {
                insert(pages, capacity, page[at + HIGH], page[at + LOW], page[at + FINGERPRINT], o, now);
            }
        }
        cursor = end;
        if (cursor == otherCapacity) {
            other = null;
            otherCapacity = 0;
            growth = Growth.NONE;
        }
    }

    /** Whatever growth is under way, done now. */
    private void finishGrowth(long now) {
        if (growth == Growth.NONE) {
            growth = Growth.COUNT;
            cursor = 0;
            counted = 0;
        }
        while (growth != Growth.NONE) {
            switch (growth) {
                case COUNT -> count(now);
                case ALLOCATE -> {
                    while (allocated < other.length) {
                        other[allocated++] = TablePages.page();
                    }
                    startMigration();
                }
                case MIGRATE -> migrate(now);
                default -> throw new IllegalStateException(growth.name());
            }
        }
    }

    /** Into the first free or expired slot of the identity's run. */
    private void insert(long[][] table, int capacity, long high, long low, long fingerprint, long outcome, long now) {
        int mask = capacity - 1;
        int i = home(low, mask);
        long[] page;
        int at;
        long o;
        while (true) {
            page = table[i >>> PAGE_SHIFT];
            at = (i & PAGE_MASK) * STRIDE;
            o = page[at + OUTCOME];
            if ((o & USED) == 0 || !live(o, now)) {
                break;
            }
            i = next(i, mask);
        }
        if ((o & USED) == 0) {
            size++;
        }
        page[at + HIGH] = high;
        page[at + LOW] = low;
        page[at + FINGERPRINT] = fingerprint;
        page[at + OUTCOME] = outcome;
    }

    /** Sizes the table so that this many records fit before it starts to grow (at start: done at once). */
    void reserve(int records) {
        long needed = (records + 1L) * 8 / 3 + 1;
        if (needed > capacity) {
            rehash((int) Math.min(MAX_CAPACITY, Long.highestOneBit(needed - 1) << 1));
        }
    }

    /** Every record, expired or not, into a table of {@code newCapacity}, at once. */
    private void rehash(int newCapacity) {
        finishGrowth(Long.MIN_VALUE);
        long[][] old = pages;
        int oldCapacity = capacity;
        pages = allocate(newCapacity, true);
        capacity = newCapacity;
        size = 0;
        for (int i = 0; i < oldCapacity; i++) {
            if (TablePages.absent(i, PAGE_MASK)) {
                continue;
            }
            long[] page = old[i >>> PAGE_SHIFT];
            int at = (i & PAGE_MASK) * STRIDE;
            long o = page[at + OUTCOME];
            if ((o & USED) != 0) {
                insert(pages, capacity, page[at + HIGH], page[at + LOW], page[at + FINGERPRINT], o, Long.MIN_VALUE);
            }
        }
    }

    /** Order-independent digest of the records live at {@code time}: layout, growth and dropped records do not count. */
    long digest(long time) {
        long[] d = new long[2];
        forEach(time, (high, low, fingerprint, outcome) -> {
            d[0]++;
            d[1] += Hashing.combine(Hashing.combine(high, low), fingerprint, outcome);
        });
        return Hashing.combine(d[0], d[1]);
    }

    /** Every record live at {@code time} (snapshots keep only those), each once while the table grows. */
    void forEach(long time, Visitor v) {
        long now = minute(time);
        visit(pages, 0, capacity, now, v);
        if (growth == Growth.MIGRATE) {
            visit(other, cursor, otherCapacity, now, v); // those before the cursor were moved
        }
    }

    private void visit(long[][] table, int from, int to, long now, Visitor v) {
        for (int i = from; i < to; i++) {
            if (TablePages.absent(i, PAGE_MASK)) {
                continue;
            }
            long[] page = table[i >>> PAGE_SHIFT];
            int at = (i & PAGE_MASK) * STRIDE;
            long o = page[at + OUTCOME];
            if ((o & USED) != 0 && live(o, now)) {
                v.visit(page[at + HIGH], page[at + LOW], page[at + FINGERPRINT], o);
            }
        }
    }

    /** Puts back a record as {@link #forEach} gave it (restore: the table grows at once when it must). */
    void restore(long high, long low, long fingerprint, long outcome) {
        if ((size + 1) * 2L > capacity) {
            rehash(capacity * 2);
        }
        insert(pages, capacity, high, low, fingerprint, outcome | USED, Long.MIN_VALUE);
    }

    /** Records in use that are live at {@code time}, for memory figures. */
    int liveCount(long time) {
        int[] n = {0};
        forEach(time, (h, l, f, o) -> n[0]++);
        return n[0];
    }

    /** The longest run of occupied slots in the table taking inserts: what one lookup may have to walk (tests of flooding). */
    int longestRun() {
        int longest = 0;
        int run = 0;
        for (int j = 0; j < capacity * 2; j++) {
            int i = j & (capacity - 1);
            if (TablePages.absent(i, PAGE_MASK)) {
                continue; // probes step over it: the run goes on
            }
            if ((pages[i >>> PAGE_SHIFT][(i & PAGE_MASK) * STRIDE + OUTCOME] & USED) != 0) {
                longest = Math.max(longest, Math.min(++run, capacity));
            } else {
                run = 0;
            }
        }
        return longest;
    }

    /** Whether the table is growing: tests of growth. */
    boolean growing() {
        return growth != Growth.NONE;
    }

    /** Growths finished at once (see {@link #grow}): tests of growth. */
    int catchUps() {
        return catchUps;
    }

    /** Slots of the table taking inserts: tests of growth. */
    int capacity() {
        return capacity;
    }

    private boolean live(long outcome, long now) {
        return now == Long.MIN_VALUE || ((now - (outcome >>> 32)) & MINUTE_MASK) < windowMinutes;
    }

    /** A table of this many slots: one array when it fits a page, else pages, allocated now or later ({@code now}). */
    private static long[][] allocate(int capacity, boolean now) {
        if (capacity < PAGE_SLOTS) {
            return new long[][] {new long[capacity * STRIDE]};
        }
        long[][] table = new long[capacity >>> PAGE_SHIFT][];
        if (now) {
            for (int p = 0; p < table.length; p++) {
                table[p] = TablePages.page();
            }
        }
        return table;
    }

    private static long minute(long time) {
        return Math.floorDiv(time, MINUTE_MS);
    }

    /** The identity is keyed and unpredictable, so its low bits are a fair slot (a page's missing last slot: the next). */
    private static int home(long low, int mask) {
        int i = (int) low & mask;
        return TablePages.absent(i, PAGE_MASK) ? (i + 1) & mask : i;
    }

    /** The slot after {@code i}, over a page's missing last slot. */
    private static int next(int i, int mask) {
        int n = (i + 1) & mask;
        return TablePages.absent(n, PAGE_MASK) ? (n + 1) & mask : n;
    }

    interface Visitor {
        void visit(long high, long low, long fingerprint, long outcome);
    }
}
