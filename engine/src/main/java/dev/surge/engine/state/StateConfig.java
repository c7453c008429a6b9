package dev.surge.engine.state;

import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a {@link StateMachine} is built with. Immutable.
 *
 * @param key0                the secret key of the identity hashes (see {@link Identities}),
 *                            first half; fixed per data directory, so that snapshots and replays
 *                            rebuild the same tables
 * @param key1                its second half
 * @param idempotencyWindowMs how long an Idempotency-Key is remembered, measured in the commands'
 *                            own time so that replay forgets the same keys (docs/security.md)
 */
public record StateConfig(long key0, long key1, long idempotencyWindowMs) {
    /** Stripe's window: a retry within a day gets the first answer. */
    public static final long DEFAULT_IDEMPOTENCY_WINDOW_MS = Duration.ofHours(24).toMillis();
    /** The window is counted in whole minutes (see {@link IdempotencyTable}). */
    public static final long MIN_IDEMPOTENCY_WINDOW_MS = 60_000;
    public static final long MAX_IDEMPOTENCY_WINDOW_MS = Duration.ofDays(365).toMillis();

    public StateConfig {
        if (idempotencyWindowMs < MIN_IDEMPOTENCY_WINDOW_MS || idempotencyWindowMs > MAX_IDEMPOTENCY_WINDOW_MS) {
            throw new IllegalArgumentException("idempotency window: must be 1 minute to 365 days");
        }
    }

    /** A config under a 16-byte secret key, with the default window. */
    public static StateConfig withKey(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the identity key is 16 bytes");
        }
        UnsafeBuffer b = new UnsafeBuffer(key);
        return new StateConfig(b.getLong(0, ByteOrder.LITTLE_ENDIAN), b.getLong(8, ByteOrder.LITTLE_ENDIAN),
            DEFAULT_IDEMPOTENCY_WINDOW_MS);
    }

    /** A fresh random key: for state that nothing will replay under a key it knows. */
    public static StateConfig randomKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return withKey(key);
    }

    public StateConfig idempotencyWindow(Duration window) {
        return new StateConfig(key0, key1, window.toMillis());
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "StateConfig[key=(secret), idempotencyWindowMs=" + idempotencyWindowMs + "]";
    }
}
