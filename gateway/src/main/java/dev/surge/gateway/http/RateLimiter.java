package dev.surge.gateway.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client-IP token buckets: {@code rate} requests a second, bursts up to {@code burst}.
 * Idle buckets are dropped by {@link #sweep}, so memory follows the number of recently active
 * addresses. Thread-safe: event loops share the map; each bucket is updated under its own lock
 * (held for a few arithmetic operations).
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private final boolean enabled;
    private final ConcurrentHashMap<AddressKey, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double ratePerSecond, double burst) {
        this.enabled = ratePerSecond > 0;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Takes one token for the address. Returns 0 when allowed, else the seconds (at least 1)
     * until a token will be there, for {@code Retry-After}.
     */
    public long acquire(byte[] address, long nowNanos) {
        if (!enabled) {
            return 0;
        }
        Bucket b = buckets.computeIfAbsent(AddressKey.of(address), k -> new Bucket(burst, nowNanos));
        synchronized (b) {
            double tokens = Math.min(burst, b.tokens + (nowNanos - b.updated) * ratePerNano);
            b.updated = nowNanos;
            if (tokens >= 1) {
                b.tokens = tokens - 1;
                return 0;
            }
            b.tokens = tokens;
            return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e9));
        }
    }

    /** Drops buckets that have refilled completely (their address has been quiet). */
    public void sweep(long nowNanos) {
        buckets.values().removeIf(b -> {
            synchronized (b) {
                return b.tokens + (nowNanos - b.updated) * ratePerNano >= burst;
            }
        });
    }

    public int size() {
        return buckets.size();
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
