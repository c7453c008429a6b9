package dev.surge.delivery;

/**
 * How the dispatcher treats suppliers (the gateway's {@code --delivery-*} options and
 * {@code --allow-link-local-suppliers} set it; so do a cluster member's, docs/cluster.md).
 * Immutable.
 *
 * @param attemptsPerSupplier requests to one supplier on 5xx or refused connections before failing over
 * @param backoffMs           the first retry waits uniformly up to this (full jitter), doubling each time
 * @param backoffMaxMs        the cap of that doubling, also for repeated status queries
 * @param breakerFailures     consecutive failures that open a supplier's circuit
 * @param breakerOpenMs       how long an open circuit waits before one probe
 * @param queue               recharges held by the dispatcher at once (and queued from the ring to it)
 * @param allowLinkLocal      whether a supplier may be at a link-local or cloud metadata address
 *                            ({@code --allow-link-local-suppliers}; see {@link SupplierUrls})
 */
public record DeliverySettings(int attemptsPerSupplier, long backoffMs, long backoffMaxMs, int breakerFailures,
                               long breakerOpenMs, int queue, boolean allowLinkLocal) {
    /** The defaults docs/delivery.md explains ("Settings, and why"). */
    public static final DeliverySettings DEFAULTS = new DeliverySettings(3, 100, 5_000, 5, 2_000, 65_536, false);

    /**
     * Checks the ranges the gateway's options allow; throws {@link IllegalArgumentException}
     * naming the option (its gateway flag) when one is out of range.
     */
    public DeliverySettings validated() {
        within("--delivery-retries", attemptsPerSupplier, 1, 100);
        within("--delivery-backoff-ms", backoffMs, 1, 600_000);
        within("--delivery-backoff-max-ms", backoffMaxMs, 1, 3_600_000);
        if (backoffMaxMs < backoffMs) {
            throw new IllegalArgumentException("--delivery-backoff-max-ms must be at least --delivery-backoff-ms");
        }
        within("--breaker-failures", breakerFailures, 1, 10_000);
        within("--breaker-open-ms", breakerOpenMs, 1, 3_600_000);
        within("--delivery-queue", queue, 16, 1 << 22);
        return this;
    }

    private static void within(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(flag + " must be " + min + "-" + max + ", was " + value);
        }
    }
}
