package dev.surge.simulator;

import dev.surge.delivery.SimulatedPaymentProvider;
import dev.surge.delivery.SimulatedSupplier;
import java.util.Map;

/**
 * The simulators demo mode embeds, found through {@link java.util.ServiceLoader}: the
 * {@link SupplierSimulator} and the {@link PaymentSimulator}.
 */
public final class SimulatorFactory implements SimulatedSupplier.Factory, SimulatedPaymentProvider.Factory {
    @Override
    public SimulatedSupplier start(String secret, long seed, String host) {
        SupplierSimulator sim = new SupplierSimulator(secret, seed);
        sim.start(host, 0);
        return sim;
    }

    @Override
    public SimulatedPaymentProvider start(Map<String, String> secrets, long seed, String host) {
        PaymentSimulator sim = new PaymentSimulator(secrets, null, seed);
        sim.start(host, 0);
        return sim;
    }
}
