/**
 * Delivery to suppliers and refunds to payment providers, off the engine's writer thread: the
 * delivery agent and the refund agent (behind the engine's delivery port, {@link
 * dev.surge.delivery.DeliveryAdapter}), the signed supplier client on event loops it is given,
 * circuit breakers, backoff, supplier URL checks and their metrics. Depends on the engine only;
 * the gateway wires it up and shows its metrics.
 */
package dev.surge.delivery;
