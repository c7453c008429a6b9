package dev.surge.gateway;

import java.util.concurrent.ScheduledExecutorService;

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

    /**
     * Called once the ring has started, with the live machine's owner and the executor that runs
     * the server's background tasks (the delivery dispatcher), which a snapshot agent shares.
     */
    default void onStarted(dev.surge.engine.ring.EngineRing ring, ScheduledExecutorService background) {
    }

    @Override
    default void close() {
    }
}
