package dev.surge.delivery;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Exponential backoff with full jitter: the n-th wait (n from 1) is uniform in
 * {@code [0, min(max, base * 2^(n-1))]}. The jitter spreads a burst of failed deliveries (a
 * flash sale hitting a supplier's bad minute) so that their retries do not come back in step.
 * Not thread-safe (the random source): confined to the dispatcher thread.
 */
final class Backoff {
    private final long baseMs;
    private final long maxMs;
    private final SplittableRandom random;

    Backoff(long baseMs, long maxMs, SplittableRandom random) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** A dispatcher's backoff: its settings' base and cap, from a seed no other process shares. */
    static Backoff of(DeliverySettings settings) {
        return new Backoff(settings.backoffMs(), settings.backoffMaxMs(),
            new SplittableRandom(new SecureRandom().nextLong()));
    }

    /** Milliseconds to wait before the n-th retry. */
    long delayMs(int n) {
        return random.nextLong(ceilingMs(n) + 1);
    }

    long ceilingMs(int n) {
        int doublings = Math.max(0, Math.min(n - 1, 40));
        long ceiling = baseMs << doublings;
        return ceiling <= 0 || ceiling > maxMs ? maxMs : ceiling;
    }
}
