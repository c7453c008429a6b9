package dev.surge.engine.risk;

import dev.surge.engine.util.Hashing;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Sliding-window attempt counters, one per tracked key (campaign, rule, subject), in one
 * open-addressing table: nothing is allocated per claim.
 *
 * <p>A key's window of W milliseconds is kept as {@link #BUCKETS} counts of consecutive time
 * buckets, each {@code ceil(W / (BUCKETS - 1))} ms wide; the count "within the window" is the sum
 * of the newest {@link #BUCKETS} buckets, which always covers at least the last W ms. So the rule
 * is never looser than stated (no W-long interval ever holds more than the maximum), and at
 * most one bucket (W/7) stricter: an attempt is forgotten between W and W + W/7 after it.
 *
 * <p>Memory: a slot is {@link #SLOT_LONGS} longs, {@link #SLOT_BYTES} = 56 bytes, side by side in
 * one array so that a lookup touches one or two cache lines: key, newest bucket number, bucket
 * width (0 marks an empty slot), then the 8 bucket counts as 32-bit halves of 4 longs. A key
 * whose newest bucket has left its window is expired: it counts as zero and is dropped at the
 * next rebuild. A rebuild happens when an insert would fill the table past 3/4, or when a new key
 * arrives {@link #SWEEP_INTERVAL_MS} after the last rebuild of a table above its minimum size; it
 * keeps the live keys only and sizes the table (a power of two, at least {@link #MIN_CAPACITY}) to
 * hold them at most half full. So the table holds the keys seen within the longest window, at a
 * load between 1/4 and 3/4 (75 to 225 bytes per tracked key), and shrinks again within a minute
 * or so of an attack's end. All of it is a function of the keys and times recorded (capacity and
 * last rebuild too, which snapshots keep), so replay rebuilds at the same moments.
 * Confined to the writer thread.
 */
public final class VelocityWindows {
    public static final int BUCKETS = 8;
    static final int SLOT_LONGS = 3 + BUCKETS / 2;
    public static final int SLOT_BYTES = SLOT_LONGS * 8;
    static final int MIN_CAPACITY = 1024;
    static final long SWEEP_INTERVAL_MS = 60_000;
    private static final int KEY = 0;
    private static final int HEAD = 1;
    private static final int WIDTH = 2;
    private static final int COUNTS = 3;

    private long[] slots;
    private int capacity;
    private int size;
    private long lastRebuild = Long.MIN_VALUE / 2;

    public VelocityWindows() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        this.capacity = capacity;
        this.slots = new long[capacity * SLOT_LONGS];
    }

    /** The bucket width for a window of {@code windowSeconds}: BUCKETS - 1 buckets cover it. */
    public static int bucketWidth(int windowSeconds) {
        long w = windowSeconds * 1000L;
        return (int) ((w + BUCKETS - 2) / (BUCKETS - 1));
    }

    /** Slots in use (live and expired keys). */
    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    /** Heap held by the table, in bytes (the array header left out). */
    public long bytes() {
        return (long) capacity * SLOT_BYTES;
    }

    /**
     * Reads the first slot {@code key} would probe and returns a word of it, so that a caller
     * about to look up several keys can start all their cache misses at once (independent loads
     * overlap; lookups one after the other each wait for theirs). Changes nothing.
     */
    public long touch(long key) {
        return slots[((int) Hashing.mix(key) & (capacity - 1)) * SLOT_LONGS + KEY];
    }

    /** Attempts recorded for {@code key} within the window at {@code time} (read-only). */
    public int count(long key, int width, long time) {
        int at = find(key);
        if (at < 0 || slots[at + WIDTH] != width) {
            return 0; // never seen, or seen under another window: that count restarted
        }
        long head = slots[at + HEAD];
        long age = Math.max(0, Math.floorDiv(time, width) - head);
        if (age >= BUCKETS) {
            return 0;
        }
        long total = 0;
        for (int j = 0; j < BUCKETS - age; j++) {
            total += bucket(at, (int) ((head - j) & (BUCKETS - 1)));
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    private int bucket(int at, int b) {
        return (int) (slots[at + COUNTS + (b >> 1)] >>> ((b & 1) << 5));
    }

    private void setBucket(int at, int b, int value) {
        int i = at + COUNTS + (b >> 1);
        int shift = (b & 1) << 5;
        slots[i] = (slots[i] & ~(0xFFFF_FFFFL << shift)) | ((value & 0xFFFF_FFFFL) << shift);
    }

    /** Counts one attempt for {@code key} at {@code time}. */
    public void record(long key, int width, long time) {
        long current = Math.floorDiv(time, width);
        int at = find(key);
        if (at < 0) {
            if ((size + 1) * 4L > capacity * 3L
                || (capacity > MIN_CAPACITY && time - lastRebuild >= SWEEP_INTERVAL_MS)) {
                rebuild(time);
            }
            at = insert(key);
            size++;
            restart(at, width, current);
        } else if (slots[at + WIDTH] != width || current - slots[at + HEAD] >= BUCKETS) {
            restart(at, width, current);
        } else {
            for (long b = slots[at + HEAD] + 1; b <= current; b++) {
                setBucket(at, (int) (b & (BUCKETS - 1)), 0);
            }
            slots[at + HEAD] = Math.max(slots[at + HEAD], current);
        }
        int b = (int) (slots[at + HEAD] & (BUCKETS - 1));
        int n = bucket(at, b);
        if (n < Integer.MAX_VALUE) {
            setBucket(at, b, n + 1);
        }
    }

    private void restart(int at, int width, long current) {
        java.util.Arrays.fill(slots, at + COUNTS, at + SLOT_LONGS, 0);
        slots[at + WIDTH] = width;
        slots[at + HEAD] = current;
    }

    /** Drops expired keys and resizes to at most half full (never below MIN_CAPACITY). */
    private void rebuild(long time) {
        lastRebuild = time;
        long[] old = slots;
        int live = 0;
        for (int at = 0; at < old.length; at += SLOT_LONGS) {
            if (old[at + WIDTH] != 0 && !expired(old, at, time)) {
                live++;
            }
        }
        int next = MIN_CAPACITY;
        while (next < (live + 1) * 2) {
            next <<= 1;
        }
        allocate(next);
        size = 0;
        for (int at = 0; at < old.length; at += SLOT_LONGS) {
            if (old[at + WIDTH] != 0 && !expired(old, at, time)) {
                int to = insert(old[at + KEY]);
                System.arraycopy(old, at + HEAD, slots, to + HEAD, SLOT_LONGS - HEAD);
                size++;
            }
        }
    }

    private static boolean expired(long[] table, int at, long time) {
        return Math.floorDiv(time, table[at + WIDTH]) - table[at + HEAD] >= BUCKETS;
    }

    /** The slot's first index, or -1. */
    private int find(long key) {
        int mask = capacity - 1;
        for (int i = (int) Hashing.mix(key) & mask; ; i = (i + 1) & mask) {
            int at = i * SLOT_LONGS;
            if (slots[at + WIDTH] == 0) {
                return -1;
            }
            if (slots[at + KEY] == key) {
                return at;
            }
        }
    }

    private int insert(long key) {
        int mask = capacity - 1;
        int i = (int) Hashing.mix(key) & mask;
        while (slots[i * SLOT_LONGS + WIDTH] != 0) {
            i = (i + 1) & mask;
        }
        int at = i * SLOT_LONGS;
        slots[at + KEY] = key;
        return at;
    }

    /** Order-independent digest of the contents, the capacity and the last rebuild. */
    long digest() {
        long d = Hashing.combine(capacity, size, lastRebuild);
        for (int at = 0; at < slots.length; at += SLOT_LONGS) {
            if (slots[at + WIDTH] != 0) {
                long h = slots[at + KEY];
                for (int i = HEAD; i < SLOT_LONGS; i++) {
                    h = Hashing.combine(h, slots[at + i]);
                }
                d += Hashing.mix(h);
            }
        }
        return d;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(size);
        out.writeLong(lastRebuild);
        for (int at = 0; at < slots.length; at += SLOT_LONGS) {
            if (slots[at + WIDTH] != 0) {
                out.writeLong(slots[at + KEY]);
                out.writeLong(slots[at + HEAD]);
                out.writeInt((int) slots[at + WIDTH]);
                for (int b = 0; b < BUCKETS; b++) {
                    out.writeInt(bucket(at, b));
                }
            }
        }
    }

    void read(DataInput in) throws IOException {
        int capacity = in.readInt();
        int n = in.readInt();
        lastRebuild = in.readLong();
        if (Integer.bitCount(capacity) != 1 || capacity < MIN_CAPACITY || n < 0 || n > capacity * 3L / 4) {
            throw new IOException("snapshot's velocity table is malformed (capacity " + capacity + ", size " + n + ")");
        }
        allocate(capacity);
        size = 0;
        for (int i = 0; i < n; i++) {
            int at = insert(in.readLong());
            size++;
            slots[at + HEAD] = in.readLong();
            int width = in.readInt();
            if (width <= 0) {
                throw new IOException("snapshot's velocity table holds a bucket width of " + width);
            }
            slots[at + WIDTH] = width;
            for (int b = 0; b < BUCKETS; b++) {
                setBucket(at, b, in.readInt());
            }
        }
    }
}
