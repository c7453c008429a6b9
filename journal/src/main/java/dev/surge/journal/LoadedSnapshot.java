package dev.surge.journal;

import dev.surge.engine.state.StateMachine;

/** A snapshot read back and verified, and the state machine it rebuilt. */
public record LoadedSnapshot(SnapshotInfo info, StateMachine machine) {
}
