package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.ReplyPort;

/** Third stage: hands each journaled slot to the reply port. Runs on its own thread. */
final class ReplyHandler implements EventHandler<CommandSlot> {
    private final ReplyPort port;

    ReplyHandler(ReplyPort port) {
        this.port = port;
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        port.onReply(slot);
    }
}
