package dev.surge.engine.state;

import org.agrona.BufferUtil;

/**
 * The pages of the engine's paged tables ({@link IdempotencyTable}): 4 MiB
 * arrays, each one a humongous object for G1 (allocated in place among the old regions, never
 * copied by a young collection), and each exactly whole regions: the server's JVM runs with 4 MiB
 * regions (jvm.properties), and a page's array is its 4 MiB less the array's header. A page of
 * a full 4 MiB of slots plus its header took a region more, half the page wasted with 4 MiB
 * regions. So the last slot of every full page does not exist: probes and scans step over it
 * ({@link #absent}); a table of less than a page is one array of its own size, whole.
 */
final class TablePages {
    /** Bytes of a page, header included. */
    static final int BYTES = 4 << 20;
    /** Longs the array header takes (16 bytes with compressed class pointers). */
    private static final int HEADER_LONGS = (int) ((BufferUtil.ARRAY_BASE_OFFSET + Long.BYTES - 1) / Long.BYTES);

    private TablePages() {
    }

    /** A full page's array: {@link #BYTES} with its header. */
    static long[] page() {
        return new long[BYTES / Long.BYTES - HEADER_LONGS];
    }

    /** Whether slot {@code i} is the missing last slot of a full page of {@code pageMask + 1} slots. */
    static boolean absent(int i, int pageMask) {
        return (i & pageMask) == pageMask;
    }
}
