package dev.surge.delivery;

import dev.surge.engine.state.SupplierConfig;
import java.util.ArrayDeque;

/**
 * Everything the dispatcher keeps for one supplier: its configuration, the proxy that talks to
 * it, the key that signs for it, its circuit breaker, the requests out and the jobs waiting for
 * a slot. Confined to the dispatcher thread.
 */
final class SupplierLane {
    final String name;
    SupplierConfig config;
    SupplierProxy proxy;
    Signature signature;
    final CircuitBreaker breaker;
    int inFlight;
    final ArrayDeque<DeliveryJob> waiting = new ArrayDeque<>();
    boolean wakeScheduled;

    SupplierLane(String name, CircuitBreaker breaker) {
        this.name = name;
        this.breaker = breaker;
    }
}
