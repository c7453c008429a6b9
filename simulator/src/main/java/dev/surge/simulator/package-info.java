/**
 * Test doubles of Surge's counterparts, never on the gateway's production class path: the
 * simulated recharge supplier ({@link dev.surge.simulator.SupplierSimulator}, {@code scripts/supplier-sim},
 * docs/delivery.md) and the simulated payment provider ({@link dev.surge.simulator.PaymentSimulator},
 * {@code scripts/payment-sim}, docs/payment-simulator.md). Demo mode finds both through
 * {@link dev.surge.simulator.SimulatorFactory} ({@code java.util.ServiceLoader}); the delivery and
 * payment tests and the delivery benchmark start them in process.
 */
package dev.surge.simulator;
