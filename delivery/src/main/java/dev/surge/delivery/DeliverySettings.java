package dev.surge.delivery;

/**
 * How the dispatcher treats suppliers (the gateway's {@code --delivery-*} options and
 * {@code --allow-link-local-suppliers} set it). Immutable.
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
}
