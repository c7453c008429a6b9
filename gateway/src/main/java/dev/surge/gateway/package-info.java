/**
 * The HTTP edge: the Netty HTTP server (public, admin, metrics, dashboard) and {@code main}, which
 * wires the engine's ring, the journal and the delivery agent ({@code dev.surge.delivery}).
 * Implements the engine's reply port.
 */
package dev.surge.gateway;
