/**
 * The simulated recharge supplier, a test double: {@code scripts/supplier-sim}, the supplier demo
 * mode embeds (through {@code dev.surge.delivery.SimulatedSupplier.Factory}), the delivery tests and
 * benchmark. Never on the gateway's production class path.
 */
package dev.surge.simulator;
