package dev.surge.engine.port;

import dev.surge.engine.command.CommandSlot;

/**
 * Sees every slot after its batch is journaled, on the journal thread and in ring order, to
 * start supplier deliveries for granted recharges. A slot with an event is durable when
 * {@code slot.journaled}; slots without one (queries, refused commands) come too, so that a
 * dispatcher hears the answers to its own commands in the same order as the events around them.
 * Must hand slow work to other threads: it runs on the journal thread, after the replies of the
 * same batch, and holds back the ring if it blocks.
 */
@FunctionalInterface
public interface DeliveryPort {
    DeliveryPort NONE = slot -> {
    };

    void onJournaled(CommandSlot slot);
}
