package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same as {@link ClusterFailoverIT}, with members as they run in production: each its own JVM
 * ({@code ClusterNodeMain}, what {@code scripts/cluster-node} starts), and the leader killed with
 * SIGKILL under load: nothing of it closes, flushes or says goodbye.
 */
class ClusterCrashIT {
    private static final int USERS = 150;
    private static final int LIMIT = 2;

    @Test
    void answeredClaimsSurviveASigkilledLeader(@TempDir Path dir) throws Exception {
        try (MemberProcesses nodes = new MemberProcesses(dir, 3);
             ClusterEngineClient client = new ClusterEngineClient(ClusterEngineClient.Settings.of(
                 ClusterMembers.parse(nodes.members), "127.0.0.1", dir.resolve("client")))) {
            nodes.startAll();
            ClusterCalls admin = new ClusterCalls(client);
            admin.codeCampaign(ClaimLoad.CAMPAIGN, LIMIT, 1_000);
            ClaimLoad load = new ClaimLoad(List.of(new ClusterCalls(client)), USERS, 3).start(); // its own writer

            load.awaitAnswered(load.total() / 4);
            int leader = nodes.awaitLeader(Duration.ZERO, -1);
            long killed = System.nanoTime();
            nodes.sigkill(leader);
            ClusterCalls.Reply first = admin.claim("after-crash", "k-after", ClaimLoad.CAMPAIGN, "card");
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("crash: member %d SIGKILLed with %d claims answered; the first claim after it was "
                + "answered in %d ms (%s)%n", leader, load.answeredSoFar(), failoverMs, first.view().result);
            assertEquals(ResultCode.GRANTED, first.view().result);
            assertTrue(failoverMs < 20_000, "failover took " + failoverMs + " ms");

            load.finishAndCheck(admin, USERS, LIMIT);
        }
    }
}
