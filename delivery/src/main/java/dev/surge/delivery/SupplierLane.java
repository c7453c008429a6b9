package dev.surge.delivery;

import dev.surge.engine.state.SupplierConfig;
import java.util.ArrayDeque;

/**
 * Everything a dispatcher keeps for one supplier (or payment provider): its configuration, the
 * proxy that talks to it, the key that signs for it, its circuit breaker, the requests out and
 * the jobs ({@code J}: a recharge, a refund) waiting for a slot. Confined to its dispatcher's
 * thread.
 */
final class SupplierLane<J> {
    final String name;
    SupplierConfig config;
    SupplierProxy proxy;
    Signature signature;
    final CircuitBreaker breaker;
    int inFlight;
    final ArrayDeque<J> waiting = new ArrayDeque<>();
    boolean wakeScheduled;

    SupplierLane(String name, CircuitBreaker breaker) {
        this.name = name;
        this.breaker = breaker;
    }

    /**
     * A new configuration (PUT /admin/suppliers): from now on requests go through {@code next},
     * signed with the new secret. Returns the proxy it replaces (null the first time), which the
     * caller closes once the requests still out on it are done ({@link #closeDelayMs}).
     */
    SupplierProxy configure(SupplierConfig config, SupplierProxy next) {
        SupplierProxy old = proxy;
        this.config = config;
        this.proxy = next;
        this.signature = new Signature(config.secret());
        return old;
    }

    /** How long a replaced proxy lives on: its requests' timeout, and a second for their answers to land. */
    static long closeDelayMs(SupplierProxy old) {
        return old.config().timeoutMs() + 1000L;
    }
}
