/**
 * Delivery to suppliers, off the engine's writer thread: the delivery agent (it implements the
 * engine's delivery port), the signed supplier client on event loops it is given, circuit
 * breakers, backoff, supplier URL checks and their metrics. Depends on the engine only; the
 * gateway wires it up and shows its metrics.
 */
package dev.surge.delivery;
