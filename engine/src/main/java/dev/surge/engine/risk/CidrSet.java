package dev.surge.engine.risk;

import dev.surge.engine.util.Hashing;

/**
 * A set of address blocks (IPv4 and IPv6 alike, as 128-bit prefixes, see {@link IpAddresses})
 * that answers "is this address inside any of them" without allocating: one hash probe per
 * distinct prefix length present (a blocklist typically holds a handful: /32, /24, /16, /128,
 * /64, /48), whatever the number of blocks. Blocks are stored exactly (no hash-only keys), so a
 * match is never a false positive. Open addressing with linear probing; removal shifts the
 * probe chain back instead of leaving tombstones. Confined to the writer thread.
 */
public final class CidrSet {
    private long[] his = new long[16];
    private long[] los = new long[16];
    /** Prefix length + 1 of each slot; 0 marks an empty slot. */
    private byte[] lengths = new byte[16];
    private int size;
    /** How many blocks have each prefix length (0-128), and the lengths in use, longest first. */
    private final int[] perLength = new int[129];
    private int[] inUse = new int[0];

    public int size() {
        return size;
    }

    /** Whether the address (hi, lo) lies in any block. */
    public boolean contains(long hi, long lo) {
        int[] use = inUse;
        for (int i = 0; i < use.length; i++) {
            int p = use[i];
            if (find(IpAddresses.maskHi(hi, p), IpAddresses.maskLo(lo, p), p) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether exactly this block is in the set (its host bits must be clear). */
    public boolean containsBlock(long hi, long lo, int prefix) {
        return find(hi, lo, prefix) >= 0;
    }

    /** Adds a block (host bits clear); false when it was already there. */
    public boolean add(long hi, long lo, int prefix) {
        if (find(hi, lo, prefix) >= 0) {
            return false;
        }
        if ((size + 1) * 2 > his.length) {
            resize(his.length * 2);
        }
        insert(hi, lo, prefix);
        size++;
        if (perLength[prefix]++ == 0) {
            refreshLengths();
        }
        return true;
    }

    /** Removes a block; false when it was not there. */
    public boolean remove(long hi, long lo, int prefix) {
        int slot = find(hi, lo, prefix);
        if (slot < 0) {
            return false;
        }
        lengths[slot] = 0;
        size--;
        int mask = his.length - 1;
        // backward-shift deletion: pull later members of the probe chain into the hole
        for (int hole = slot, i = (slot + 1) & mask; lengths[i] != 0; i = (i + 1) & mask) {
            int home = home(his[i], los[i], (lengths[i] & 0xFF) - 1, mask);
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                his[hole] = his[i];
                los[hole] = los[i];
                lengths[hole] = lengths[i];
                lengths[i] = 0;
                hole = i;
            }
        }
        if (--perLength[prefix] == 0) {
            refreshLengths();
        }
        return true;
    }

    public void clear() {
        java.util.Arrays.fill(lengths, (byte) 0);
        java.util.Arrays.fill(perLength, 0);
        inUse = new int[0];
        size = 0;
    }

    private int find(long hi, long lo, int prefix) {
        int mask = his.length - 1;
        byte tag = (byte) (prefix + 1);
        for (int i = home(hi, lo, prefix, mask); lengths[i] != 0; i = (i + 1) & mask) {
            if (lengths[i] == tag && his[i] == hi && los[i] == lo) {
                return i;
            }
        }
        return -1;
    }

    private static int home(long hi, long lo, int prefix, int mask) {
        return (int) Hashing.combine(hi, lo, prefix) & mask;
    }

    private void insert(long hi, long lo, int prefix) {
        int mask = his.length - 1;
        int i = home(hi, lo, prefix, mask);
        while (lengths[i] != 0) {
            i = (i + 1) & mask;
        }
        his[i] = hi;
        los[i] = lo;
        lengths[i] = (byte) (prefix + 1);
    }

    private void resize(int capacity) {
        long[] h = his;
        long[] l = los;
        byte[] n = lengths;
        his = new long[capacity];
        los = new long[capacity];
        lengths = new byte[capacity];
        for (int i = 0; i < n.length; i++) {
            if (n[i] != 0) {
                insert(h[i], l[i], (n[i] & 0xFF) - 1);
            }
        }
    }

    private void refreshLengths() {
        int count = 0;
        for (int p = 128; p >= 0; p--) {
            if (perLength[p] > 0) {
                count++;
            }
        }
        int[] use = new int[count];
        for (int p = 128, i = 0; p >= 0; p--) {
            if (perLength[p] > 0) {
                use[i++] = p;
            }
        }
        inUse = use;
    }
}
