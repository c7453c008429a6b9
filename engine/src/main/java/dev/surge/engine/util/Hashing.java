package dev.surge.engine.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Deterministic 64-bit hashing of ids without allocation.
 *
 * <p>State is keyed by these hashes instead of interned strings to keep per-user memory small.
 * A collision can only make two subjects share a counter, which errs on the side of refusing
 * (never of over-issuing); at 64 bits that is about 3 in a million across 10 million users.
 * The function is fixed forever: journals and snapshots depend on it.
 */
public final class Hashing {
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long M = 0xC6A4A7935BD1E995L;
    private static final VarHandle LITTLE_ENDIAN_LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Hashing() {
    }

    /** Murmur3's 64-bit finaliser: a bijection with full avalanche. */
    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    public static long hash(DirectBuffer buffer, int offset, int length) {
        long h = SEED ^ (length * M);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = (h ^ mix(buffer.getLong(offset + i, java.nio.ByteOrder.LITTLE_ENDIAN))) * M;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (buffer.getByte(offset + i) & 0xFFL) << shift;
        }
        return mix(h ^ mix(tail));
    }

    /**
     * As {@link #hash(byte[], int, int)} of the first {@code length} bytes the pages hold one
     * after the other, each page {@code pageBytes} long (a multiple of 8): so that a run of bytes
     * hashes the same whether it lives in one array or in pages (snapshots record the hash).
     */
    public static long hash(byte[][] pages, int pageBytes, int length) {
        if (pageBytes % 8 != 0) {
            throw new IllegalArgumentException("pages of " + pageBytes + " bytes: a multiple of 8");
        }
        long h = SEED ^ (length * M);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = (h ^ mix((long) LITTLE_ENDIAN_LONGS.get(pages[i / pageBytes], i % pageBytes))) * M;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (pages[i / pageBytes][i % pageBytes] & 0xFFL) << shift;
        }
        return mix(h ^ mix(tail));
    }

    /** As {@link #hash(DirectBuffer, int, int)} of the same bytes. */
    public static long hash(byte[] bytes, int offset, int length) {
        long h = SEED ^ (length * M);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            // one little-endian load (the compiler does not merge eight byte loads into one)
            h = (h ^ mix((long) LITTLE_ENDIAN_LONGS.get(bytes, offset + i))) * M;
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (bytes[offset + i] & 0xFFL) << shift;
        }
        return mix(h ^ mix(tail));
    }

    /** Combines a scope (campaign, SKU, dimension) with a subject hash into one map key. */
    public static long combine(long a, long b) {
        return mix(a * M + b);
    }

    public static long combine(long a, long b, long c) {
        return mix(combine(a, b) * M + c);
    }
}
