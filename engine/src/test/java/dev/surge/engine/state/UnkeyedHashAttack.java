package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * What an attacker computes offline against the unkeyed {@link Hashing} that identities used to
 * be: printable strings whose hash is any value they like. {@link Hashing#mix} and the
 * multiplications are invertible, so for a 16-byte string the first 8 bytes are chosen at random
 * and the last 8 solved for; about one solution in 3,000 is printable ASCII.
 */
final class UnkeyedHashAttack {
    private static final long M = 0xC6A4A7935BD1E995L;
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long M_INVERSE = inverse(M);
    private static final long C1_INVERSE = inverse(0xFF51AFD7ED558CCDL);
    private static final long C2_INVERSE = inverse(0xC4CEB9FE1A85EC53L);
    /** What the engine used to key a claim's idempotency record under: combine(CLAIMS, user, key). */
    static final long OLD_CLAIMS_SCOPE = 11;

    private final SplittableRandom random;

    UnkeyedHashAttack(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The old engine's hash of a string. */
    static long hash(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Hashing.hash(b, 0, b.length);
    }

    /** The old idempotency key of (user, Idempotency-Key). */
    static long oldClaimKey(String user, String key) {
        return Hashing.combine(OLD_CLAIMS_SCOPE, hash(user), hash(key));
    }

    /** An Idempotency-Key that gives {@code user} the old idempotency key {@code target}. */
    String keyFor(String user, long target) {
        // combine(a, b, c) = mix(combine(a, b) * M + c): solve for c, the key's hash
        return preimage(unmix(target) - Hashing.combine(OLD_CLAIMS_SCOPE, hash(user)) * M);
    }

    /** A 16-character printable string whose old hash is {@code target}. */
    String preimage(long target) {
        long h0 = SEED ^ (16 * M);
        long h2 = unmix(target) ^ Hashing.mix(0);
        byte[] b = new byte[16];
        while (true) {
            long r = random.nextLong();
            long w1 = 0;
            for (int i = 0; i < 8; i++) {
                w1 |= (long) (0x21 + (int) ((r >>> (8 * i)) & 0xFF) % 94) << (8 * i);
            }
            long h1 = (h0 ^ Hashing.mix(w1)) * M;
            long w2 = unmix((h2 * M_INVERSE) ^ h1);
            if (printable(w2)) {
                for (int i = 0; i < 8; i++) {
                    b[i] = (byte) (w1 >>> (8 * i));
                    b[8 + i] = (byte) (w2 >>> (8 * i));
                }
                return new String(b, StandardCharsets.US_ASCII);
            }
        }
    }

    private static boolean printable(long word) {
        for (int i = 0; i < 8; i++) {
            int c = (int) (word >>> (8 * i)) & 0xFF;
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** The inverse of {@link Hashing#mix} (Murmur3's finaliser). */
    static long unmix(long h) {
        h ^= h >>> 33;
        h *= C2_INVERSE;
        h ^= h >>> 33;
        h *= C1_INVERSE;
        h ^= h >>> 33;
        return h;
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 6; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }
}
