package dev.surge.journal;

import java.nio.file.Path;

/**
 * A snapshot file's header: which state it holds.
 *
 * @param path          the file
 * @param sequence      the last event applied to the state
 * @param timestamp     that event's timestamp (epoch ms)
 * @param journalIndex  Chronicle index of that event (a hint for the reader; -1 when unknown)
 * @param digest        {@code StateMachine.digest()} of the state, checked on load
 */
public record SnapshotInfo(Path path, long sequence, long timestamp, long journalIndex, long digest) {
}
