package dev.surge.engine.risk;

import dev.surge.engine.util.Hashing;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Sliding-window attempt counters, one per tracked key (campaign, rule, subject), in one
 * open-addressing table of parallel primitive arrays: nothing is allocated per claim.
 *
 * <p>A key's window of W milliseconds is kept as {@link #BUCKETS} counts of consecutive time
 * buckets, each {@code ceil(W / (BUCKETS - 1))} ms wide; the count "within the window" is the sum
 * of the newest {@link #BUCKETS} buckets, which always covers at least the last W ms. So the rule
 * is never looser than stated (no W-long interval ever holds more than the maximum), and at
 * most one bucket (W/7) stricter: an attempt is forgotten between W and W + W/7 after it.
 *
 * <p>Memory: {@link #SLOT_BYTES} = 52 bytes a slot (key 8, newest bucket 8, bucket width 4,
 * counts 8 x 4). A key whose newest bucket has left its window is expired: it counts as zero and
 * is dropped at the next rebuild. A rebuild happens when an insert would fill the table past 3/4,
 * or when a new key arrives {@link #SWEEP_INTERVAL_MS} after the last rebuild of a table above
 * its minimum size; it keeps the live keys only and sizes the table (a power of two, at least
 * {@link #MIN_CAPACITY}) to hold them at most half full. So the table holds the keys seen within
 * the longest window, at a load between 1/4 and 3/4 (70 to 210 bytes per tracked key), and
 * shrinks again within a minute or so of an attack's end. All of it is a function of the keys
 * and times recorded (capacity and last rebuild too, which snapshots keep), so replay rebuilds
 * at the same moments.
 * Confined to the writer thread.
 */
public final class VelocityWindows {
    public static final int BUCKETS = 8;
    public static final int SLOT_BYTES = 8 + 8 + 4 + 4 * BUCKETS;
    static final int MIN_CAPACITY = 1024;
    static final long SWEEP_INTERVAL_MS = 60_000;

    private long[] keys;
    private long[] heads;
    /** Bucket width in ms; 0 marks an empty slot. */
    private int[] widths;
    private int[] counts;
    private int size;
    private long lastRebuild = Long.MIN_VALUE / 2;

    public VelocityWindows() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        heads = new long[capacity];
        widths = new int[capacity];
        counts = new int[capacity * BUCKETS];
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
        return keys.length;
    }

    /** Heap held by the table's arrays, in bytes (array headers left out). */
    public long bytes() {
        return (long) keys.length * SLOT_BYTES;
    }

    /** Attempts recorded for {@code key} within the window at {@code time} (read-only). */
    public int count(long key, int width, long time) {
        int slot = find(key);
        if (slot < 0 || widths[slot] != width) {
            return 0; // never seen, or seen under another window: that count restarted
        }
        long current = Math.floorDiv(time, width);
        long age = Math.max(0, current - heads[slot]);
        if (age >= BUCKETS) {
            return 0;
        }
        int base = slot * BUCKETS;
        long head = heads[slot];
        int total = 0;
        for (int j = 0; j < BUCKETS - age; j++) {
            total += counts[base + (int) Math.floorMod(head - j, (long) BUCKETS)];
        }
        return total;
    }

    /** Counts one attempt for {@code key} at {@code time}. */
    public void record(long key, int width, long time) {
        long current = Math.floorDiv(time, width);
        int slot = find(key);
        if (slot < 0) {
            if ((size + 1) * 4L > keys.length * 3L
                || (keys.length > MIN_CAPACITY && time - lastRebuild >= SWEEP_INTERVAL_MS)) {
                rebuild(time);
            }
            slot = insert(key);
            size++;
            restart(slot, width, current);
        } else if (widths[slot] != width || current - heads[slot] >= BUCKETS) {
            restart(slot, width, current);
        } else {
            int base = slot * BUCKETS;
            for (long b = heads[slot] + 1; b <= current; b++) {
                counts[base + (int) Math.floorMod(b, (long) BUCKETS)] = 0;
            }
            heads[slot] = Math.max(heads[slot], current);
        }
        int at = slot * BUCKETS + (int) Math.floorMod(heads[slot], (long) BUCKETS);
        if (counts[at] < Integer.MAX_VALUE) {
            counts[at]++;
        }
    }

    private void restart(int slot, int width, long current) {
        java.util.Arrays.fill(counts, slot * BUCKETS, slot * BUCKETS + BUCKETS, 0);
        widths[slot] = width;
        heads[slot] = current;
    }

    private boolean expired(int slot, long time) {
        return Math.floorDiv(time, widths[slot]) - heads[slot] >= BUCKETS;
    }

    /** Drops expired keys and resizes to at most half full (never below MIN_CAPACITY). */
    private void rebuild(long time) {
        lastRebuild = time;
        int live = 0;
        for (int i = 0; i < keys.length; i++) {
            if (widths[i] != 0 && !expired(i, time)) {
                live++;
            }
        }
        int capacity = MIN_CAPACITY;
        while (capacity < (live + 1) * 2) {
            capacity <<= 1;
        }
        long[] k = keys;
        long[] h = heads;
        int[] w = widths;
        int[] c = counts;
        allocate(capacity);
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (w[i] != 0 && Math.floorDiv(time, w[i]) - h[i] < BUCKETS) {
                int slot = insert(k[i]);
                size++;
                heads[slot] = h[i];
                widths[slot] = w[i];
                System.arraycopy(c, i * BUCKETS, counts, slot * BUCKETS, BUCKETS);
            }
        }
    }

    private int find(long key) {
        int mask = keys.length - 1;
        for (int i = (int) Hashing.mix(key) & mask; widths[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    private int insert(long key) {
        int mask = keys.length - 1;
        int i = (int) Hashing.mix(key) & mask;
        while (widths[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        return i;
    }

    /** Order-independent digest of the contents and the capacity. */
    long digest() {
        long d = Hashing.combine(keys.length, size, lastRebuild);
        for (int i = 0; i < keys.length; i++) {
            if (widths[i] != 0) {
                long bucketSum = 0;
                for (int b = 0; b < BUCKETS; b++) {
                    bucketSum = Hashing.combine(bucketSum, counts[i * BUCKETS + b]);
                }
                d += Hashing.combine(keys[i], Hashing.combine(heads[i], widths[i]), bucketSum);
            }
        }
        return d;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(keys.length);
        out.writeInt(size);
        out.writeLong(lastRebuild);
        for (int i = 0; i < keys.length; i++) {
            if (widths[i] != 0) {
                out.writeLong(keys[i]);
                out.writeLong(heads[i]);
                out.writeInt(widths[i]);
                for (int b = 0; b < BUCKETS; b++) {
                    out.writeInt(counts[i * BUCKETS + b]);
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
            int slot = insert(in.readLong());
            size++;
            heads[slot] = in.readLong();
            widths[slot] = in.readInt();
            if (widths[slot] <= 0) {
                throw new IOException("snapshot's velocity table holds a bucket width of " + widths[slot]);
            }
            for (int b = 0; b < BUCKETS; b++) {
                counts[slot * BUCKETS + b] = in.readInt();
            }
        }
    }
}
