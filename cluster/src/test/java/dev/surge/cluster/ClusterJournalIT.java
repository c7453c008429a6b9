package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every member writes the events it decides to its own journal ({@code DIR/journal}): after
 * restarts (from the log, from a snapshot), a journal that lost its end behind a damaged record
 * and a member rebuilt from an empty directory, the three journals hold the same events, one each per event of the state,
 * and {@code scripts/journal verify} passes on each.
 */
class ClusterJournalIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyMembersJournalHoldsTheSameEventsOnceAcrossRestarts(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            int leader = cluster.awaitLeader(WAIT);
            ClusterCalls calls = new ClusterCalls(cluster.client("a"));
            calls.codeCampaign("spring", 2, 800);
            ClusterRecoveryIT.workload(calls, "w", 80);
            cluster.snapshot(WAIT);
            ClusterRecoveryIT.workload(calls, "v", 60);

            // a follower's journal loses its end (unsynced pages, say) and its last record is damaged: the
            // damaged tail is cut off, and the log fills the journal again
            int follower = (leader + 1) % cluster.size();
            cluster.kill(follower);
            Path older = dir.resolve("older-journal");
            MemberJournals.copy(cluster.dir(follower), older);
            cluster.start(follower);
            ClusterRecoveryIT.workload(calls, "u", 60);
            cluster.awaitSameState(1, WAIT);
            cluster.kill(follower);
            MemberJournals.replace(cluster.dir(follower), older);
            MemberJournals.damageTail(cluster.dir(follower));
            cluster.start(follower);

            // another member loses its whole directory: it decides the log again, its journal from event 1
            int other = (leader + 2) % cluster.size();
            cluster.kill(other);
            MemberJournals.deleteTree(cluster.dir(other));
            cluster.start(other);

            // all restart: each re-decides the log after its snapshot, appending nothing twice
            ClusterRecoveryIT.workload(calls, "t", 40);
            cluster.awaitSameState(1, WAIT);
            cluster.killAll();
            cluster.startAll();
            cluster.awaitLeader(WAIT);
            ClusterRecoveryIT.workload(calls, "s", 40);
            NodeState last = cluster.awaitSameState(1, WAIT);
            for (int id = 0; id < cluster.size(); id++) {
                assertEquals(last.lastSequence(), cluster.probe(id).journalSequence(), "member " + id + "'s journal");
            }

            cluster.killAll(); // the journals closed, then read as an operator would
            List<byte[]> first = MemberJournals.events(cluster.dir(0), cluster.cipher);
            assertEquals(last.lastSequence(), first.size(), "one record per event, from event 1");
            for (int id = 1; id < cluster.size(); id++) {
                List<byte[]> events = MemberJournals.events(cluster.dir(id), cluster.cipher);
                assertEquals(first.size(), events.size(), "member " + id);
                for (int i = 0; i < first.size(); i++) {
                    assertArrayEquals(first.get(i), events.get(i), "member " + id + ", event " + (i + 1));
                }
            }
            for (int id = 0; id < cluster.size(); id++) {
                MemberJournals.Verified verified = MemberJournals.verify(cluster.dir(id));
                assertEquals(0, verified.exitCode(), verified.output());
                assertTrue(verified.output().contains("OK: no violations"), verified.output());
            }
        }
    }
}
