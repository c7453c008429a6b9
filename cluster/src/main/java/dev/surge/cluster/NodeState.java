package dev.surge.cluster;

/**
 * What a node's state machine looks like at one moment, read on the service's own thread:
 * what the tests compare across nodes and what an operator checks after a failover.
 *
 * @param memberId      the node's member id
 * @param role          LEADER, FOLLOWER or CANDIDATE
 * @param commands      commands decided since this node's state was built (snapshot or empty), replays included
 * @param lastSequence  the last event applied
 * @param lastTimestamp the time of that event (the cluster's clock, epoch ms)
 * @param digest        {@code StateMachine.digest()}: equal on two nodes that hold the same state
 * @param snapshots     snapshots this node took since it started
 * @param restoredAt    the last event of the snapshot this node started from, -1 when it started empty
 * @param journalSequence the last event in this node's journal ({@code DIR/journal}), -1 when it writes none
 * @param journalFailure  why this member writes no journal and what to do (the {@code JOURNAL FAILED} error of its
 *                        log), null while it writes one or when it keeps none (docs/cluster.md, "Each member's journal")
 * @param keptAnswers   answers kept for commands sent again (the re-send window, docs/cluster.md)
 * @param keptDigest    digest of those answers: equal on two nodes that decided the same log
 * @param resends       commands answered from the re-send window since this node started, not decided again
 */
public record NodeState(int memberId, String role, long commands, long lastSequence, long lastTimestamp, long digest,
                        long snapshots, long restoredAt, long journalSequence, String journalFailure, long keptAnswers,
                        long keptDigest, long resends) {
    /** Whether this member's journal failed: it goes on deciding, but writes no journal ({@link #journalFailure}). */
    public boolean journalFailed() {
        return journalFailure != null;
    }
}
