package dev.surge.delivery;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.ring.EngineRing;
import org.agrona.concurrent.EpochClock;

/**
 * Where a dispatcher's commands (a delivery's or a refund's step, a page of owed work) go into
 * the engine: a gateway's ring ({@link #of}), or a cluster (docs/cluster.md). Whatever takes them
 * must hand each one's decided slot to the {@link DeliveryAdapter} with the command itself as the
 * slot's {@code context}, in decision order with the events around it: that is how the
 * dispatcher hears its answers in order (docs/delivery.md, "Bounded, and nothing lost").
 *
 * <p>Threading: called on the dispatcher's thread only.
 */
public interface DispatchOutlet {
    /** One of a dispatcher's commands; opaque to the outlet, which only has it write itself. */
    interface Command {
        /** Writes the command into {@code slot}, stamped {@code now} (a cluster stamps its own time). */
        void write(CommandWriter writer, CommandSlot slot, long now);
    }

    /** Puts {@code command} into the engine; false when there is no room now (the caller retries, in order). */
    boolean tryPublish(Command command);

    /** The ring of a single gateway: the command rides in the slot it is written into, stamped by {@code clock}. */
    static DispatchOutlet of(EngineRing ring, EpochClock clock) {
        return new RingOutlet(ring, clock);
    }
}
