package dev.surge.engine.util;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * SipHash (Aumasson and Bernstein) under a secret 128-bit key, with 64- and 128-bit outputs,
 * for every value an attacker chooses (user ids, Idempotency-Keys, device ids, addresses).
 * SipHash-1-3 (one compression round, three finalisation rounds), the variant Rust's and
 * Python's hash tables use against flooding: half the rounds of the reference SipHash-2-4 on a
 * short id, which is what the claim path hashes. {@link #reference} gives SipHash-2-4 with the
 * same code, which the tests check against the reference vectors.
 *
 * <p>Why keyed: with a public hash anyone can compute, offline, inputs that share a table slot
 * (so one client can stall the writer with probe chains) or, worse, a whole 64-bit identity
 * (so one user's key replays another user's grant). Without the key the outputs are
 * unpredictable, so neither can be aimed. A 64-bit output only ever chooses a slot or keys a
 * counter; anything that decides who owns what compares the 128-bit output (docs/security.md).
 *
 * <p>Keys for different purposes are {@linkplain #derive derived}, so that the same string as a
 * user id and as an Idempotency-Key hashes to unrelated values. The 128-bit variant leaves its
 * high half in {@link #high()} (no allocation per call), so an instance is confined to one thread.
 */
public final class SipHash {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int KEY_BYTES = 16;

    private final long k0;
    private final long k1;
    private final int compressionRounds;
    private final int finalRounds;
    private long high;

    /** SipHash-1-3 under (k0, k1). */
    public SipHash(long k0, long k1) {
        this(k0, k1, 1, 3);
    }

    private SipHash(long k0, long k1, int compressionRounds, int finalRounds) {
        this.k0 = k0;
        this.k1 = k1;
        this.compressionRounds = compressionRounds;
        this.finalRounds = finalRounds;
    }

    /** SipHash-2-4, the reference variant (its published test vectors check this code). */
    public static SipHash reference(byte[] key) {
        SipHash k = of(key);
        return new SipHash(k.k0, k.k1, 2, 4);
    }

    /** A key from 16 bytes (little-endian k0 then k1, as in the reference implementation). */
    public static SipHash of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a SipHash key is " + KEY_BYTES + " bytes");
        }
        UnsafeBuffer b = new UnsafeBuffer(key);
        return new SipHash(b.getLong(0, LE), b.getLong(8, LE));
    }

    /** A fresh random key: for state that nothing will ever replay under a known key. */
    public static SipHash random() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return of(key);
    }

    /** An independent key for one purpose: two 64-bit hashes of the label under this key. */
    public SipHash derive(String label) {
        UnsafeBuffer b = new UnsafeBuffer((label + "/0").getBytes(StandardCharsets.UTF_8));
        long d0 = hash(b, 0, b.capacity());
        b = new UnsafeBuffer((label + "/1").getBytes(StandardCharsets.UTF_8));
        return new SipHash(d0, hash(b, 0, b.capacity()));
    }

    /** Names the key without revealing it, so that a snapshot can tell which key built it. */
    public long fingerprint() {
        UnsafeBuffer b = new UnsafeBuffer("surge/key-fingerprint".getBytes(StandardCharsets.UTF_8));
        return hash(b, 0, b.capacity());
    }

    /** A 64-bit output. */
    public long hash(DirectBuffer buffer, int offset, int length) {
        return run(buffer, offset, length, false);
    }

    /**
     * The 64-bit output for the 8 bytes of {@code value}, little-endian: the same as
     * {@link #hash} of them, without a buffer (the grant-id cipher's round function).
     */
    public long hash(long value) {
        return compressionRounds == 1 ? hash13(value) : sip(this, null, value, 8, false, 2, 4);
    }

    /**
     * SipHash-1-3 of one long, written out: two blocks (the value, then the length 8 on top) of
     * one round each and three finalisation rounds, what {@link #sip} does for these arguments.
     * The general code is too large for the JIT to inline, so it ran as a call with its rounds
     * in loops; this one is small enough to inline into the grant-id cipher's rounds.
     */
    private long hash13(long value) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        for (int block = 0; block < 2; block++) {
            long m = block == 0 ? value : 8L << 56;
            v3 ^= m;
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 3; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** A 128-bit output: returns the low 64 bits; {@link #high()} has the rest. */
    public long hash128(DirectBuffer buffer, int offset, int length) {
        return run(buffer, offset, length, true);
    }

    /** The high 64 bits of the last {@link #hash128}. */
    public long high() {
        return high;
    }

    private long run(DirectBuffer buffer, int offset, int length, boolean wide) {
        // two call sites with constant rounds, so that the JIT unrolls the rounds of each
        return compressionRounds == 1
            ? sip(this, buffer, offset, length, wide, 1, 3)
            : sip(this, buffer, offset, length, wide, 2, 4);
    }

    /**
     * SipHash of {@code length} bytes at {@code offset} of {@code buffer}, or, when {@code buffer}
     * is null, of the 8 little-endian bytes of {@code offset} (a long's own bits, no buffer: the
     * JIT folds the branch at each call site).
     */
    private static long sip(SipHash key, DirectBuffer buffer, long offset, int length, boolean wide, int c, int d) {
        long v0 = key.k0 ^ 0x736f6d6570736575L;
        long v1 = key.k1 ^ 0x646f72616e646f6dL ^ (wide ? 0xee : 0);
        long v2 = key.k0 ^ 0x6c7967656e657261L;
        long v3 = key.k1 ^ 0x7465646279746573L;
        int start = buffer == null ? 0 : (int) offset;
        int end = start + (length & ~7);
        for (int at = start; ; at += 8) {
            // the last block: the length's low byte on top, the 0-7 leftover bytes below
            long m = at < end ? (buffer == null ? offset : buffer.getLong(at, LE))
                : ((long) length) << 56 | tail(buffer, at, length & 7);
            v3 ^= m;
            for (int r = 0; r < c; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
            if (at >= end) {
                break;
            }
        }
        v2 ^= wide ? 0xee : 0xff;
        for (int r = 0; r < d; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        long low = v0 ^ v1 ^ v2 ^ v3;
        if (wide) {
            v1 ^= 0xdd;
            for (int r = 0; r < d; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            key.high = v0 ^ v1 ^ v2 ^ v3;
        }
        return low;
    }

    /** The {@code n} (0-7) bytes at {@code at}, little-endian, in at most three reads. */
    private static long tail(DirectBuffer buffer, int at, int n) {
        long t = 0;
        int shift = 0;
        if ((n & 4) != 0) {
            t = buffer.getInt(at, LE) & 0xFFFF_FFFFL;
            at += 4;
            shift = 32;
        }
        if ((n & 2) != 0) {
            t |= (buffer.getShort(at, LE) & 0xFFFFL) << shift;
            at += 2;
            shift += 16;
        }
        if ((n & 1) != 0) {
            t |= (buffer.getByte(at) & 0xFFL) << shift;
        }
        return t;
    }
}
