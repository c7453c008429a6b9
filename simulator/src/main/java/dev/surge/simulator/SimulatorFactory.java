package dev.surge.simulator;

import dev.surge.delivery.SimulatedSupplier;

/** The {@link SupplierSimulator} that demo mode embeds, found through {@link java.util.ServiceLoader}. */
public final class SimulatorFactory implements SimulatedSupplier.Factory {
    @Override
    public SimulatedSupplier start(String secret, long seed, String host) {
        SupplierSimulator sim = new SupplierSimulator(secret, seed);
        sim.start(host, 0);
        return sim;
    }
}
