package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.DeliveryPort;

/** Third stage, beside replies: hands journaled slots to the delivery port. Own thread. */
final class DeliveryHandler implements EventHandler<CommandSlot> {
    private final DeliveryPort port;

    DeliveryHandler(DeliveryPort port) {
        this.port = port;
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        if (slot.journaled && slot.eventLength > 0) {
            port.onJournaled(slot);
        }
    }
}
