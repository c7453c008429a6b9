package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.state.CampaignCounters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader dies while two clients claim: every claim that was answered is in the state of the
 * member that leads next, with the same grant and code; no code is issued twice, no user gets
 * more than the campaign's limit; the dead member comes back and catches up.
 */
class ClusterFailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int USERS = 250;
    private static final int LIMIT = 2;

    @Test
    void answeredClaimsSurviveTheLeadersDeath(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            cluster.awaitLeader(WAIT);
            ClusterCalls admin = new ClusterCalls(cluster.client("admin"));
            admin.codeCampaign(ClaimLoad.CAMPAIGN, LIMIT, 3_000);
            ClaimLoad load = new ClaimLoad(List.of(new ClusterCalls(cluster.client("claimer0")),
                new ClusterCalls(cluster.client("claimer1"))), USERS, 2).start();

            load.awaitAnswered(load.total() / 4); // then kill the leader mid-load
            int leader = cluster.awaitLeader(WAIT);
            long killed = System.nanoTime();
            cluster.kill(leader);
            int answeredAtKill = load.answeredSoFar();
            ClusterCalls.Reply first = admin.claim("after-failover", "k-after", ClaimLoad.CAMPAIGN, "card");
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            int next = cluster.awaitLeader(WAIT);
            System.out.printf("failover: member %d closed with %d claims answered; member %d leads; "
                + "the first claim after the kill was answered in %d ms (%s)%n", leader, answeredAtKill, next,
                failoverMs, first.view().result);
            assertEquals(ResultCode.GRANTED, first.view().result);
            assertTrue(failoverMs < 20_000, "failover took " + failoverMs + " ms");

            load.finishAndCheck(admin, USERS, LIMIT);
            CampaignCounters counters = admin.campaigns().get(0); // a rich answer, through the new leader
            assertEquals(ClaimLoad.CAMPAIGN, counters.id());
            assertEquals(USERS * LIMIT + 1, counters.granted(), "every grant, the one after the failover too");

            NodeState survivors = cluster.awaitSameState(1, WAIT);
            cluster.start(leader); // the dead member comes back and catches up from the others
            NodeState all3 = cluster.awaitSameState(survivors.lastSequence(), WAIT);
            assertEquals(survivors.digest(), all3.digest());
        }
    }
}
