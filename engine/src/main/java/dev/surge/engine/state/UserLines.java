package dev.surge.engine.state;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

/**
 * One 64-byte cache line per user, found by the user's full 128-bit identity: the store under
 * {@link UserBook}, which says what the words mean. A claim reads and writes its user's line and
 * (for a user already seen) one line of the index, nothing else of the user's.
 *
 * <p>Lines are off the heap, in pages aligned to 64 bytes, so that a line is one cache line
 * whatever the collector does (a {@code long[]}'s elements start 16 bytes into an object that
 * a compacting collector may move), and appended in the order users first appear: a new user's
 * line is written where the last one was, in cache. A word is read at its address, unchecked: a
 * line number comes only from {@link #find} or {@link #add}, and a bounds check per word was a
 * tenth of a claim's decision in a profile. The index is open addressing over one
 * {@code long[]} of {@code (identity's low 32 bits, line + 1)}: those 32 bits pick the slot and
 * sort out nearly every other user sharing a run, and the line's full identity decides. At most
 * two thirds full, a lookup for a user not seen yet reads about three slots, within one line.
 *
 * <p>Growth: the index doubles at once when two thirds full (reserve it for the expected users,
 * as {@link SubjectTable} is); lines are added a page at a time and never move. Confined to the
 * writer thread.
 */
final class UserLines {
    static final int MISSING = -1;
    /** Words of a line: the user's identity, low half first; {@link UserBook} owns the other six. */
    static final int LOW = 0;
    static final int HIGH = 1;
    static final int WORDS = 8;
    private static final int LINE_SHIFT = 6;
    /** Lines per page: 2 MiB pages. */
    private static final int PAGE_SHIFT = 15;
    private static final int PAGE_MASK = (1 << PAGE_SHIFT) - 1;
    private static final int PAGE_BYTES = 1 << (PAGE_SHIFT + LINE_SHIFT);
    private static final int MIN_CAPACITY = 1024;
    /** Index slots at most (8 GiB of index): at two thirds full, about 715M users, past any sale. */
    private static final int MAX_CAPACITY = (1 << 30) - 8;

    /** The pages, held so that their memory stays theirs; words are read at {@link #addresses}. */
    private ByteBuffer[] pages = new ByteBuffer[4];
    private long[] addresses = new long[4];
    private int size;
    /** (low 32 bits of the identity, line + 1) per slot; 0 is a free slot. */
    private long[] index = new long[MIN_CAPACITY];
    private int resizeAt = MIN_CAPACITY * 2 / 3;
    private final TableGrowth growth;

    /** Lines whose index records in {@code growth} each time it doubles on the writer. */
    UserLines(TableGrowth growth) {
        this.growth = growth;
    }

    /** Users with a line. */
    int size() {
        return size;
    }

    /** The line of the user with this identity, or MISSING. */
    int find(long high, long low) {
        long[] s = index;
        int n = s.length;
        int tag = (int) low;
        for (int i = home(tag, n); ; i = i + 1 == n ? 0 : i + 1) {
            long slot = s[i];
            if (slot == 0) {
                return MISSING;
            }
            if ((int) (slot >>> 32) == tag) {
                int line = (int) slot - 1;
                if (get(line, LOW) == low && get(line, HIGH) == high) {
                    return line;
                }
            }
        }
    }

    /** A new line for a user that has none ({@link #find} said MISSING), every other word 0. */
    int add(long high, long low) {
        if (size >= resizeAt) {
            if (index.length == MAX_CAPACITY) {
                throw new IllegalStateException("user index full at " + size + " users");
            }
            long start = System.nanoTime();
            resize((int) Math.min(MAX_CAPACITY, index.length * 2L));
            growth.grew(start);
        }
        int line = size;
        allocate(line >>> PAGE_SHIFT);
        size++;
        set(line, LOW, low);
        set(line, HIGH, high);
        insert(line, (int) low);
        return line;
    }

    /** Page {@code page}, zeroed, if it is not there yet. */
    private void allocate(int page) {
        if (page >= pages.length) {
            int length = Math.max(pages.length * 2, page + 1);
            pages = Arrays.copyOf(pages, length);
            addresses = Arrays.copyOf(addresses, length);
        }
        if (pages[page] == null) {
            pages[page] = BufferUtil.allocateDirectAligned(PAGE_BYTES, 64);
            addresses[page] = BufferUtil.address(pages[page]);
        }
    }

    long get(int line, int word) {
        return UnsafeApi.getLong(address(line, word));
    }

    void set(int line, int word, long value) {
        UnsafeApi.putLong(address(line, word), value);
    }

    private long address(int line, int word) {
        assert line >= 0 && line < size && word >= 0 && word < WORDS : line + "/" + size + ", word " + word;
        return addresses[line >>> PAGE_SHIFT] + ((long) (line & PAGE_MASK) << LINE_SHIFT) + ((long) word << 3);
    }

    /**
     * Reads the index slot a lookup of this user starts at, so that the line is in cache when the
     * decision looks ({@link StateMachine#prefetch}).
     */
    long touch(long low) {
        long[] s = index;
        return s[home((int) low, s.length)];
    }

    /**
     * Sizes the index for this many users and allocates their lines' pages now, so that reaching
     * them neither rehashes the index nor zeroes and faults in a fresh page on the writer (a page
     * every 32,768 new users was a sixth of the writer's time in a profile of the ring).
     */
    void reserve(long users) {
        long needed = (users + 1024) * 3 / 2;
        if (needed > index.length) {
            resize((int) Math.min(MAX_CAPACITY, needed));
        }
        int pagesNeeded = (int) ((Math.max(0, Math.min(users, MAX_CAPACITY)) + PAGE_MASK) >>> PAGE_SHIFT);
        for (int page = 0; page < pagesNeeded; page++) {
            allocate(page);
        }
    }

    /** Bytes held: pages of lines and the index. */
    long bytes() {
        long held = 0;
        for (ByteBuffer page : pages) {
            held += page == null ? 0 : PAGE_BYTES;
        }
        return held + (long) index.length * Long.BYTES;
    }

    /** Drops every line; the pages' memory goes back when they are collected (tools that measure what the lines held). */
    void clear() {
        pages = new ByteBuffer[4];
        addresses = new long[4];
        size = 0;
        index = new long[MIN_CAPACITY];
        resizeAt = MIN_CAPACITY * 2 / 3;
    }

    private void insert(int line, int tag) {
        long[] s = index;
        int n = s.length;
        int i = home(tag, n);
        while (s[i] != 0) {
            i = i + 1 == n ? 0 : i + 1;
        }
        s[i] = ((long) tag << 32) | (line + 1L);
    }

    private void resize(int capacity) {
        long[] old = index;
        index = new long[capacity];
        resizeAt = (int) ((long) capacity * 2 / 3);
        for (long slot : old) {
            if (slot != 0) {
                insert((int) slot - 1, (int) (slot >>> 32));
            }
        }
    }

    /** The identity's low 32 bits scaled onto [0, capacity) (any capacity: reserved exactly). */
    private static int home(int tag, int capacity) {
        return (int) (((tag & 0xFFFF_FFFFL) * capacity) >>> 32);
    }
}
