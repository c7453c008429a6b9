package dev.surge.engine.port;

import dev.surge.engine.command.CommandSlot;

/**
 * Receives every slot after its batch is journaled, on the journal thread, in ring order.
 * {@code slot.journaled} is false only when the journal failed: the caller must then be told
 * the request was not accepted. Must not block; must not keep the slot after returning.
 */
@FunctionalInterface
public interface ReplyPort {
    void onReply(CommandSlot slot);
}
