package dev.surge.delivery;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;

/**
 * A command a dispatcher puts through the engine ring ({@link DeliveryRecordProxy}): a delivery's
 * ({@link DeliveryCall}) or a refund's ({@link RefundCall}). It rides in the slot as its context,
 * so that {@link DeliveryAdapter} hands the answer back to the dispatcher that made it.
 */
interface DispatchCall {
    /** Writes the command into the slot: on the dispatcher's thread, inside the ring's translator. */
    void write(CommandWriter writer, CommandSlot slot, long now);
}
