/**
 * Everything on the network: the Netty HTTP server (public, admin, metrics, dashboard), the
 * outbound supplier client, and {@code main}. Implements the engine's reply and delivery ports.
 */
package dev.surge.gateway;
