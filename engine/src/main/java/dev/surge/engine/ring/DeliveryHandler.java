package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.DeliveryPort;

/**
 * Third stage, beside replies: hands every slot past the journal to the delivery port, in ring
 * order (events and the answers of event-less commands alike, see {@link DeliveryPort}). Own thread.
 */
final class DeliveryHandler implements EventHandler<CommandSlot> {
    private final DeliveryPort port;

    DeliveryHandler(DeliveryPort port) {
        this.port = port;
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        port.onJournaled(slot);
    }
}
