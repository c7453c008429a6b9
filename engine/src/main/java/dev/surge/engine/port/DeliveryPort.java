package dev.surge.engine.port;

import dev.surge.engine.command.CommandSlot;

/**
 * Sees every slot after its event is journaled, on the ring's delivery thread, to start
 * supplier deliveries for granted recharges. Must hand slow work to other threads: it runs
 * beside the reply stage and holds back the ring if it blocks.
 */
@FunctionalInterface
public interface DeliveryPort {
    DeliveryPort NONE = slot -> {
    };

    void onJournaled(CommandSlot slot);
}
