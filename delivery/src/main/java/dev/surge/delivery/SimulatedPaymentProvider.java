package dev.surge.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A simulated payment provider running in this process (docs/payment-simulator.md): the refund
 * API Surge calls, signed with {@link Signature}, and a payer that notifies Surge of payments. What
 * demo mode can point its paid SKUs' providers at. The {@code surge-simulator} module provides one
 * through {@link ServiceLoader}, as it provides {@link SimulatedSupplier}; nothing in the gateway
 * depends on that module.
 */
public interface SimulatedPaymentProvider extends AutoCloseable {
    /** The base URL of a provider's refund API, for {@code PUT /admin/suppliers/{id}}. */
    String url(String provider);

    /** Where a buyer pays an order: {@code POST} the body of docs/payment-simulator.md. */
    String payUrl();

    /** The port it listens on. */
    int port();

    /** Stops listening and sending, and releases its threads. */
    @Override
    void close();

    /**
     * Starts simulated payment providers; an implementation is named in
     * {@code META-INF/services/dev.surge.delivery.SimulatedPaymentProvider$Factory}.
     */
    interface Factory {
        /** Providers named by {@code secrets} (name to HMAC secret), on a free port of {@code host}, faults drawn from {@code seed}. */
        SimulatedPaymentProvider start(Map<String, String> secrets, long seed, String host);
    }

    /** The first factory on the class path, or empty when no simulator is there. */
    static Optional<Factory> factory() {
        return ServiceLoader.load(Factory.class).findFirst();
    }
}
