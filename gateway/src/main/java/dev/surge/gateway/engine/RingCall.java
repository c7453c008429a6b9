package dev.surge.gateway.engine;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;

/**
 * One command on its way through the engine ring, and where its answer goes. It is the slot's
 * {@code context}: {@link #writeCommand} runs on the publishing thread inside the ring's
 * translator; {@link #onReply} runs on the ring's journal thread after the batch's flush, and must
 * copy what it needs from the slot, hand the rest to its own event loop, and never block or throw.
 */
public interface RingCall {
    void writeCommand(EngineProxy.Publisher publisher, CommandSlot slot);

    void onReply(CommandSlot slot, ReplyView view);
}
