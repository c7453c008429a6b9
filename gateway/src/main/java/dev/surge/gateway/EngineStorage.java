package dev.surge.gateway;

import dev.surge.engine.port.JournalPort;
import dev.surge.engine.state.StateMachine;

/**
 * Where the engine's state comes from at start and where its events go: the journal module's
 * Chronicle Queue in production, memory in tests.
 */
public interface EngineStorage extends AutoCloseable {
    /** Rebuilds the state (latest snapshot, then the journal tail). Blocks; runs before the ring starts. */
    StateMachine recover();

    /** The journal the ring appends to; valid after {@link #recover()}. Closed by the ring. */
    JournalPort journal();

    /** Called once the ring has started, with the live machine's owner (for snapshot agents). */
    default void onStarted(dev.surge.engine.ring.EngineRing ring) {
    }

    @Override
    default void close() {
    }
}
