package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that stop and start again (all of them, or one follower; from the log alone or from a
 * snapshot) come back to the state they left, and every member that decides the same log holds
 * the same state.
 */
class ClusterRecoveryIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void allMembersRestartedFromTheirDirectoriesHoldTheSameState(@TempDir Path dir) {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            cluster.awaitLeader(WAIT);
            ClusterCalls calls = new ClusterCalls(cluster.client("a"));
            calls.codeCampaign("spring", 1, 500);
            ClusterCalls.Reply granted = calls.claim("alice", "alice-1", "spring", "card");
            assertEquals(ResultCode.GRANTED, granted.view().result);
            workload(calls, "w", 150);
            NodeState before = cluster.awaitSameState(1, WAIT);

            cluster.killAll();
            cluster.startAll();
            cluster.awaitLeader(WAIT);
            NodeState after = cluster.awaitSameState(before.lastSequence(), WAIT);
            assertEquals(before.lastSequence(), after.lastSequence());
            assertEquals(before.digest(), after.digest());
            assertEquals(-1, after.restoredAt(), "no snapshot was taken: the log alone rebuilt the state");

            // the same client goes on after the restart; a claim sent again gets its first answer
            ClusterCalls.Reply again = calls.claim("alice", "alice-1", "spring", "card");
            assertEquals(granted.view().grantId(), again.view().grantId());
            assertEquals(ResultCode.GRANTED, calls.claim("bob", "bob-1", "spring", "card").view().result);
        }
    }

    @Test
    void membersRestartFromASnapshotAndTheLogAfterIt(@TempDir Path dir) {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            cluster.awaitLeader(WAIT);
            ClusterCalls calls = new ClusterCalls(cluster.client("a"));
            calls.codeCampaign("spring", 2, 800);
            workload(calls, "w", 120);
            NodeState atSnapshot = cluster.awaitSameState(1, WAIT);
            cluster.snapshot(WAIT);
            workload(calls, "v", 80);
            NodeState before = cluster.awaitSameState(atSnapshot.lastSequence() + 1, WAIT);

            cluster.killAll();
            cluster.startAll();
            cluster.awaitLeader(WAIT);
            NodeState after = cluster.awaitSameState(before.lastSequence(), WAIT);
            assertEquals(before.digest(), after.digest());
            for (int id = 0; id < cluster.size(); id++) {
                NodeState s = cluster.probe(id);
                assertEquals(atSnapshot.lastSequence(), s.restoredAt(), "member " + id + " started from the snapshot");
                assertTrue(s.commands() < before.commands(), "member " + id + " replayed only the log after it");
            }
        }
    }

    @Test
    void aFollowerKilledAndStartedAgainCatchesUp(@TempDir Path dir) {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            int leader = cluster.awaitLeader(WAIT);
            ClusterCalls calls = new ClusterCalls(cluster.client("a"));
            calls.codeCampaign("spring", 2, 800);
            workload(calls, "w", 60);
            int follower = (leader + 1) % cluster.size();
            cluster.kill(follower);
            workload(calls, "v", 150); // a majority still answers
            NodeState before = cluster.awaitSameState(1, WAIT);

            cluster.start(follower);
            NodeState after = cluster.awaitSameState(before.lastSequence(), WAIT);
            assertEquals(before.digest(), after.digest());
            assertEquals(before.digest(), cluster.probe(follower).digest());
        }
    }

    @Test
    void aMemberRebuiltFromAnEmptyDirectoryDecidesTheLogToTheSameState(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            cluster.awaitLeader(WAIT);
            calls2(cluster);
            NodeState before = cluster.awaitSameState(1, WAIT);

            int follower = (cluster.awaitLeader(WAIT) + 1) % cluster.size();
            cluster.kill(follower);
            deleteTree(cluster.root.resolve("node" + follower)); // its disk is gone: it gets the whole log again
            cluster.start(follower);
            NodeState after = cluster.awaitSameState(before.lastSequence(), WAIT);
            assertEquals(before.digest(), after.digest());
            assertEquals(before.digest(), cluster.probe(follower).digest());
        }
    }

    /** Two clients at once, claims and redemptions interleaved in whatever order the log takes them. */
    private static void calls2(TestCluster cluster) throws Exception {
        ClusterCalls first = new ClusterCalls(cluster.client("a"));
        first.codeCampaign("spring", 3, 1_000);
        List<Thread> threads = new ArrayList<>();
        for (String name : List.of("b", "c")) {
            ClusterCalls calls = new ClusterCalls(cluster.client(name));
            threads.add(new Thread(() -> workload(calls, name, 120)));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    /**
     * Claims for {@code users} users (a few over their limit), a redemption of every third grant,
     * and a second redemption of one (already redeemed), in windows of 16 claims in flight.
     */
    static void workload(ClusterCalls calls, String prefix, int users) {
        List<CompletableFuture<ClusterCalls.Reply>> claims = new ArrayList<>();
        List<String[]> granted = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            claims.add(calls.claimAsync(prefix + u % 50, prefix + "-k" + u, "spring", "card"));
            if (claims.size() == 16 || u == users - 1) {
                for (int i = 0; i < claims.size(); i++) {
                    ClusterCalls.Reply reply = ClusterCalls.await(claims.get(i));
                    if (reply.view().result == ResultCode.GRANTED) {
                        int n = u - claims.size() + 1 + i;
                        granted.add(new String[] {prefix + n % 50, reply.view().grantId()});
                    }
                }
                claims.clear();
            }
        }
        for (int i = 0; i < granted.size(); i += 3) {
            String[] g = granted.get(i);
            assertEquals(ResultCode.REDEEMED, calls.redeem(g[0], prefix + "-r" + i, g[1]).view().result);
        }
        if (!granted.isEmpty()) {
            String[] g = granted.get(0);
            assertEquals(ResultCode.ALREADY_REDEEMED, calls.redeem(g[0], prefix + "-r-again", g[1]).view().result);
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
