package dev.surge.delivery;

import com.lmax.disruptor.EventTranslatorTwoArg;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.ring.EngineRing;
import org.agrona.concurrent.EpochClock;

/**
 * A dispatcher's commands into a gateway's engine ring: each is written straight into its ring
 * slot, where it rides as the slot's context to the ring's delivery stage. The translator runs on
 * the publishing thread, the dispatcher's, so one {@link CommandWriter} serves.
 */
final class RingOutlet implements DispatchOutlet {
    private static final EventTranslatorTwoArg<CommandSlot, Command, RingOutlet> TRANSLATOR =
        (slot, sequence, command, outlet) -> {
            command.write(outlet.writer, slot, outlet.clock.time());
            slot.context = command;
            slot.publishedNanos = System.nanoTime();
        };

    private final EngineRing ring;
    private final EpochClock clock;
    private final CommandWriter writer = new CommandWriter();

    RingOutlet(EngineRing ring, EpochClock clock) {
        this.ring = ring;
        this.clock = clock;
    }

    @Override
    public boolean tryPublish(Command command) {
        return ring.tryPublish(TRANSLATOR, command, this);
    }
}
