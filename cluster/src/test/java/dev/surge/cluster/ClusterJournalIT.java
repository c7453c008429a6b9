package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every member writes the events it decides to its own journal ({@code DIR/journal}): after
 * restarts (from the log, from a snapshot), a journal that lost its end behind a damaged record
 * and a member rebuilt from an empty directory, the three journals hold the same events, one each per event of the state,
 * and {@code scripts/journal verify} passes on each. A journal a member can no longer write is in
 * its state with what to do, and doing that repairs it.
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

    @Test
    void aJournalThatFailsIsInTheMembersStateAndACopyOfAnotherMembersRepairsIt(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            int leader = cluster.awaitLeader(WAIT);
            ClusterCalls calls = new ClusterCalls(cluster.client("a"));
            calls.codeCampaign("spring", 2, 400);
            ClusterRecoveryIT.workload(calls, "w", 40);
            int member = (leader + 1) % cluster.size();
            int other = (leader + 2) % cluster.size();

            // its journal directory taken away while it runs: the sync before the next snapshot fails
            Path journal = cluster.dir(member).resolve("journal");
            Files.move(journal, dir.resolve("taken"));
            cluster.snapshot(WAIT);
            NodeState failed = cluster.probe(member);
            assertTrue(failed.journalFailed());
            assertTrue(failed.journalFailure().startsWith("the journal " + journal + " failed syncing before a "
                + "snapshot"), failed.journalFailure());
            assertEquals(-1, failed.journalSequence());
            assertEquals(null, cluster.probe(other).journalFailure());
            ClusterRecoveryIT.workload(calls, "v", 20); // it goes on deciding
            long snapshotAt = failed.lastSequence();
            assertEquals(cluster.awaitSameState(snapshotAt + 1, WAIT).digest(), cluster.probe(member).digest());

            // restarted, it starts from its snapshot with an empty journal: it says so, and what to do
            cluster.kill(member);
            cluster.start(member);
            cluster.awaitSameState(snapshotAt + 1, WAIT);
            String failure = cluster.probe(member).journalFailure();
            assertTrue(failure.startsWith("the journal " + journal + " ends at event 0 but this member's state starts "
                + "at event " + snapshotAt + " (its snapshot)"), failure);
            Path copy = journal.resolveSibling("journal.copy");
            assertTrue(failure.contains("copy its DIR/journal here as " + copy), failure);

            // what it says: another member's journal copied while that member is stopped, then continued
            cluster.kill(other);
            MemberJournals.copy(cluster.dir(other), copy);
            cluster.start(other);
            cluster.awaitSameState(snapshotAt + 1, WAIT);
            cluster.kill(member);
            Files.move(journal, journal.resolveSibling("journal.short"));
            Files.move(copy, journal);
            cluster.start(member);
            ClusterRecoveryIT.workload(calls, "u", 20);
            NodeState last = cluster.awaitSameState(snapshotAt + 1, WAIT);
            for (int id = 0; id < cluster.size(); id++) {
                NodeState state = cluster.probe(id);
                assertEquals(null, state.journalFailure(), "member " + id);
                assertEquals(last.lastSequence(), state.journalSequence(), "member " + id + "'s journal");
            }
            cluster.killAll();
            List<byte[]> first = MemberJournals.events(cluster.dir(leader), cluster.cipher);
            List<byte[]> repaired = MemberJournals.events(cluster.dir(member), cluster.cipher);
            assertEquals(last.lastSequence(), repaired.size(), "one record per event, from event 1");
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), repaired.get(i), "event " + (i + 1));
            }
            MemberJournals.Verified verified = MemberJournals.verify(cluster.dir(member));
            assertEquals(0, verified.exitCode(), verified.output());
        }
    }
}
