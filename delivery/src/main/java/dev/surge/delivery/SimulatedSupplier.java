package dev.surge.delivery;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A simulated supplier running in this process and speaking this package's protocol
 * ({@link Signature}, {@link WireJson}): what the gateway's demo mode delivers its recharges to.
 * The {@code surge-simulator} module provides one through {@link ServiceLoader}; nothing in the
 * gateway depends on that module, so a production class path holds no simulator unless its jar is
 * added ({@code scripts/run} adds it).
 */
public interface SimulatedSupplier extends AutoCloseable {
    /** The base URL of a supplier name, for {@code PUT /admin/suppliers/{id}}. */
    String url(String name);

    /** The port it listens on. */
    int port();

    /** Stops listening and releases its threads. */
    @Override
    void close();

    /**
     * Starts simulated suppliers; an implementation is named in
     * {@code META-INF/services/dev.surge.delivery.SimulatedSupplier$Factory}.
     */
    interface Factory {
        /** One listening on a free port of {@code host}, checking signatures with {@code secret}, its faults drawn from {@code seed}. */
        SimulatedSupplier start(String secret, long seed, String host);
    }

    /** The first factory on the class path, or empty when no simulator is there. */
    static Optional<Factory> factory() {
        return ServiceLoader.load(Factory.class).findFirst();
    }
}
