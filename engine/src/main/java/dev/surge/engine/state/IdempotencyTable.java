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
 * <p>Layout: open addressing over one long[] of 4-long slots (identity high, identity low,
 * fingerprint, outcome), 32 bytes a slot, a quarter to half full, so a lookup and the insert that
 * follows it touch one slot's cache line. The outcome word is {@code used:1 | result:7 |
 * minute:24 | reference:32}; the minute is kept modulo 2^24 (32 years), and ages are computed
 * modulo the same. An expired record's slot is reused by the next insert that probes it, and
 * when the table would grow it first drops every expired record: so memory follows the
 * records of the last window, not every key ever seen. Confined to the writer thread.
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
    /** Slots: the array's length stays under the JVM's largest. */
    private static final int MAX_CAPACITY = 1 << 28;

    private final long windowMinutes;
    private long[] slots = new long[MIN_CAPACITY * STRIDE];
    private int capacity = MIN_CAPACITY;
    /** Slots in use, expired or not. */
    private int size;

    IdempotencyTable(long windowMs) {
        this.windowMinutes = Math.max(1, (windowMs + MINUTE_MS - 1) / MINUTE_MS);
    }

    /** Slots in use (records of the window, and expired ones not yet dropped). */
    int size() {
        return size;
    }

    /** Heap held by the table, in bytes (the array header left out). */
    long bytes() {
        return (long) slots.length * Long.BYTES;
    }

    /** Slot of the record with this identity that is live at {@code time}, or MISSING. */
    int find(long high, long low, long time) {
        long now = minute(time);
        int mask = capacity - 1;
        for (int i = home(low, mask); ; i = (i + 1) & mask) {
            int at = i * STRIDE;
            long outcome = slots[at + OUTCOME];
            if ((outcome & USED) == 0) {
                return MISSING;
            }
            if (slots[at + LOW] == low && slots[at + HIGH] == high && live(outcome, now)) {
                return i;
            }
        }
    }

    /** Reads the home record of an identity with this low half, so that its line is in cache ({@link StateMachine#prefetch}). */
    long touch(long low) {
        return slots[home(low, capacity - 1) * STRIDE + OUTCOME];
    }

    long fingerprint(int slot) {
        return slots[slot * STRIDE + FINGERPRINT];
    }

    int result(int slot) {
        return (int) ((slots[slot * STRIDE + OUTCOME] >>> 56) & 0x7F);
    }

    int reference(int slot) {
        return (int) slots[slot * STRIDE + OUTCOME];
    }

    /** Records a first decision taken at {@code time}; a live record of the identity keeps its first decision. */
    void put(long high, long low, long fingerprint, int result, int reference, long time) {
        if (find(high, low, time) != MISSING) {
            return;
        }
        long now = minute(time);
        if ((size + 1) * 2L > capacity) {
            rebuild(now);
        }
        insert(high, low, fingerprint, USED | ((long) (result & 0x7F) << 56) | ((now & MINUTE_MASK) << 32)
            | (reference & 0xFFFF_FFFFL), now);
    }

    /** Into the first free or expired slot of the identity's run. */
    private void insert(long high, long low, long fingerprint, long outcome, long now) {
        int mask = capacity - 1;
        int i = home(low, mask);
        long o;
        while (((o = slots[i * STRIDE + OUTCOME]) & USED) != 0 && live(o, now)) {
            i = (i + 1) & mask;
        }
        int at = i * STRIDE;
        if ((o & USED) == 0) {
            size++;
        }
        slots[at + HIGH] = high;
        slots[at + LOW] = low;
        slots[at + FINGERPRINT] = fingerprint;
        slots[at + OUTCOME] = outcome;
    }

    /**
     * Drops expired records, then doubles the table while the live ones would fill more than a
     * quarter of it: so at least a quarter of the slots are inserted into before the next rebuild.
     */
    private void rebuild(long now) {
        int live = 0;
        for (int i = 0; i < capacity; i++) {
            long o = slots[i * STRIDE + OUTCOME];
            if ((o & USED) != 0 && live(o, now)) {
                live++;
            }
        }
        int newCapacity = capacity;
        while ((live + 1) * 4L > newCapacity && newCapacity < MAX_CAPACITY) {
            newCapacity *= 2;
        }
        if ((live + 1) * 2L > newCapacity) {
            throw new IllegalStateException("idempotency table full at " + live + " records");
        }
        rehash(newCapacity, now);
    }

    /** Sizes the table so that this many records fit without a rebuild. */
    void reserve(int records) {
        long needed = 2L * records + 2;
        if (needed > capacity) {
            rehash((int) Math.min(MAX_CAPACITY, Long.highestOneBit(needed - 1) << 1), Long.MIN_VALUE);
        }
    }

    /** Copies the records into a table of {@code newCapacity}: only live ones, unless {@code now} is MIN_VALUE. */
    private void rehash(int newCapacity, long now) {
        long[] old = slots;
        int oldCapacity = capacity;
        capacity = newCapacity;
        slots = new long[capacity * STRIDE];
        size = 0;
        for (int i = 0; i < oldCapacity; i++) {
            int at = i * STRIDE;
            long o = old[at + OUTCOME];
            if ((o & USED) != 0 && (now == Long.MIN_VALUE || live(o, now))) {
                insert(old[at + HIGH], old[at + LOW], old[at + FINGERPRINT], o, Long.MIN_VALUE);
            }
        }
    }

    /** Order-independent digest of the records live at {@code time}: capacity and dropped records do not count. */
    long digest(long time) {
        long now = minute(time);
        long d = 0;
        long n = 0;
        for (int i = 0; i < capacity; i++) {
            int at = i * STRIDE;
            long o = slots[at + OUTCOME];
            if ((o & USED) != 0 && live(o, now)) {
                n++;
                d += Hashing.combine(Hashing.combine(slots[at + HIGH], slots[at + LOW]), slots[at + FINGERPRINT], o);
            }
        }
        return Hashing.combine(n, d);
    }

    /** Every record live at {@code time} (snapshots keep only those). */
    void forEach(long time, Visitor v) {
        long now = minute(time);
        for (int i = 0; i < capacity; i++) {
            int at = i * STRIDE;
            long o = slots[at + OUTCOME];
            if ((o & USED) != 0 && live(o, now)) {
                v.visit(slots[at + HIGH], slots[at + LOW], slots[at + FINGERPRINT], o);
            }
        }
    }

    /** Puts back a record as {@link #forEach} gave it. */
    void restore(long high, long low, long fingerprint, long outcome) {
        if ((size + 1) * 2L > capacity) {
            rehash(capacity * 2, Long.MIN_VALUE);
        }
        insert(high, low, fingerprint, outcome | USED, Long.MIN_VALUE);
    }

    /** Records in use that are live at {@code time}, for memory figures. */
    int liveCount(long time) {
        int[] n = {0};
        forEach(time, (h, l, f, o) -> n[0]++);
        return n[0];
    }

    /** The longest run of occupied slots: what one lookup may have to walk (tests of flooding). */
    int longestRun() {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < capacity * 2; i++) {
            if ((slots[(i & (capacity - 1)) * STRIDE + OUTCOME] & USED) != 0) {
                longest = Math.max(longest, Math.min(++run, capacity));
            } else {
                run = 0;
            }
        }
        return longest;
    }

    private boolean live(long outcome, long now) {
        return now == Long.MIN_VALUE || ((now - (outcome >>> 32)) & MINUTE_MASK) < windowMinutes;
    }

    private static long minute(long time) {
        return Math.floorDiv(time, MINUTE_MS);
    }

    /** The identity is keyed and unpredictable, so its low bits are a fair slot. */
    private static int home(long low, int mask) {
        return (int) low & mask;
    }

    interface Visitor {
        void visit(long high, long low, long fingerprint, long outcome);
    }
}
