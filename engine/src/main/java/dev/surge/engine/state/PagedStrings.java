package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * Short byte strings kept for as long as the state: recharge accounts of grants and reserved
 * orders, payments' transaction ids. Each is a length byte then its bytes, appended one after the
 * other and found by the offset of its length byte. The bytes sit in pages of
 * {@value #PAGE_BYTES} bytes that never move: a sale that outgrows its pages gets one more page,
 * where a single array doubled by copying stopped the writer thread for 22-60 ms at 5.6M and
 * 11.2M recharge grants (docs/architecture.md, "Nothing a claim stores is copied to grow"). A
 * string may run across the end of a page into the next, so the offsets are those of one
 * contiguous run of bytes, and a snapshot holds that run as it is.
 *
 * <p>Confined to the writer thread.
 */
final class PagedStrings {
    private static final int PAGE_SHIFT = 16;
    static final int PAGE_BYTES = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_BYTES - 1;

    private byte[][] pages = new byte[4][];
    private int used;

    /** Appends a string of {@code length} bytes (0-255) from {@code src}; returns its offset. */
    int add(DirectBuffer src, int offset, int length) {
        if (length < 0 || length > 0xFF) {
            throw new IllegalArgumentException("a string of " + length + " bytes: at most 255");
        }
        int at = used;
        ensure(at + 1 + length);
        page(at)[at & PAGE_MASK] = (byte) length;
        int to = at + 1;
        int done = 0;
        while (done < length) { // a page at a time: a string may cross into the next page
            int n = Math.min(length - done, PAGE_BYTES - (to & PAGE_MASK));
            src.getBytes(offset + done, page(to), to & PAGE_MASK, n);
            to += n;
            done += n;
        }
        used = to;
        return at;
    }

    /** The length of the string at {@code at}. */
    int length(int at) {
        return byteAt(at) & 0xFF;
    }

    /** Copies the string at {@code at} into {@code into}; returns its length. */
    int read(int at, byte[] into) {
        int length = length(at);
        int from = at + 1;
        int done = 0;
        while (done < length) {
            int n = Math.min(length - done, PAGE_BYTES - (from & PAGE_MASK));
            System.arraycopy(page(from), from & PAGE_MASK, into, done, n);
            from += n;
            done += n;
        }
        return length;
    }

    /** The string at {@code at} as text; allocates (queries, delivery, snapshots: not the claim path). */
    String text(int at, Charset charset) {
        byte[] bytes = new byte[length(at)];
        read(at, bytes);
        return new String(bytes, charset);
    }

    /** Whether the string at {@code at} is the {@code length} bytes of {@code buffer} at {@code offset}. */
    boolean matches(int at, DirectBuffer buffer, int offset, int length) {
        if (length(at) != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (byteAt(at + 1 + i) != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes in use: the offset the next string gets. */
    int used() {
        return used;
    }

    /** Writes the bytes in use, count first: as a snapshot has always held them. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(used);
        for (int from = 0; from < used; from += PAGE_BYTES) {
            out.write(page(from), 0, Math.min(PAGE_BYTES, used - from));
        }
    }

    /** Replaces the contents with what {@link #writeTo} wrote. */
    void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("snapshot: a run of strings of negative size (" + n + ")");
        }
        pages = new byte[4][];
        used = 0;
        ensure(n);
        for (int from = 0; from < n; from += PAGE_BYTES) {
            in.readFully(page(from), 0, Math.min(PAGE_BYTES, n - from));
        }
        used = n;
    }

    /**
     * A hash of the bytes in use, for the state's digest: the same as of one array holding them,
     * so that a snapshot's recorded digest still checks (it was one array before).
     */
    long hash() {
        return Hashing.hash(pages, PAGE_BYTES, used);
    }

    private int byteAt(int at) {
        return page(at)[at & PAGE_MASK];
    }

    private byte[] page(int at) {
        return pages[at >>> PAGE_SHIFT];
    }

    /** Pages for offsets up to {@code end} (exclusive): new ones, never a copy of what is written. */
    private void ensure(int end) {
        if (end < 0) {
            throw new IllegalStateException("strings: more than 2 GiB");
        }
        if (end == 0) {
            return;
        }
        int last = (end - 1) >>> PAGE_SHIFT;
        if (last >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(pages.length * 2, last + 1)); // references only
        }
        for (int p = last; p >= 0 && pages[p] == null; p--) {
            pages[p] = new byte[PAGE_BYTES];
        }
    }
}
