package dev.surge.gateway.engine;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;

/**
 * One command on its way through the engine, and where its answer goes. {@link #writeCommand} runs
 * on the publishing thread inside {@link Engine#publish} (the ring's translator: the call is the
 * slot's {@code context}); {@link #onReply} runs once the answer is durable: on the ring's journal
 * thread after the batch's flush, or on the cluster client's thread once a majority of the members
 * has the command (docs/cluster.md). It must copy what it needs from the slot, hand the rest to its
 * own event loop, and never block or throw.
 */
public interface RingCall {
    void writeCommand(Publisher publisher, CommandSlot slot);

    void onReply(CommandSlot slot, ReplyView view);
}
