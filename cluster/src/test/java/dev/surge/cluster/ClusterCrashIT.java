package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same as {@link ClusterFailoverIT}, with members as they run in production: each its own JVM
 * ({@code ClusterNodeMain}, what {@code scripts/cluster-node} starts), and the leader killed with
 * SIGKILL under load: nothing of it closes, flushes or says goodbye.
 */
class ClusterCrashIT {
    private static final Pattern ROLE = Pattern.compile("member (\\d+) is now (LEADER|FOLLOWER|CANDIDATE)");
    private static final int USERS = 150;
    private static final int LIMIT = 2;

    @Test
    void answeredClaimsSurviveASigkilledLeader(@TempDir Path dir) throws Exception {
        String members = TestCluster.freeMembers(3);
        Process[] nodes = new Process[3];
        try (ClusterEngineClient client = new ClusterEngineClient(ClusterEngineClient.Settings.of(
            ClusterMembers.parse(members), "127.0.0.1", dir.resolve("client")))) {
            for (int id = 0; id < 3; id++) {
                nodes[id] = start(dir, members, id);
            }
            ClusterCalls admin = new ClusterCalls(client);
            admin.codeCampaign(ClaimLoad.CAMPAIGN, LIMIT, 1_000);
            ClaimLoad load = new ClaimLoad(List.of(new ClusterCalls(client)), USERS, 3).start(); // its own writer

            load.awaitAnswered(load.total() / 4);
            int leader = leader(dir);
            long killed = System.nanoTime();
            nodes[leader].destroyForcibly(); // SIGKILL
            assertEquals(137, nodes[leader].waitFor(), "killed by SIGKILL");
            ClusterCalls.Reply first = admin.claim("after-crash", "k-after", ClaimLoad.CAMPAIGN, "card");
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            System.out.printf("crash: member %d SIGKILLed with %d claims answered; the first claim after it was "
                + "answered in %d ms (%s)%n", leader, load.answeredSoFar(), failoverMs, first.view().result);
            assertEquals(ResultCode.GRANTED, first.view().result);
            assertTrue(failoverMs < 20_000, "failover took " + failoverMs + " ms");

            load.finishAndCheck(admin, USERS, LIMIT);
        } finally {
            for (Process p : nodes) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
        }
    }

    private static Process start(Path dir, String members, int id) throws IOException {
        ProcessBuilder pb = SurgeProcess.java(List.of("-Xmx256m"), ClusterNodeMain.class.getName(),
            "--id", String.valueOf(id), "--members", members, "--dir", dir.resolve("node" + id).toString(),
            "--aeron-dir", dir.resolve("aeron" + id).toString(),
            "--leader-heartbeat-timeout-ms", String.valueOf(TestCluster.HEARTBEAT_TIMEOUT.toMillis()));
        pb.environment().put("SURGE_CODE_KEY", TestCluster.CODE_KEY);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("node" + id + ".log").toFile());
        return pb.start();
    }

    /** The member whose log says last that it leads. */
    private static int leader(Path dir) {
        for (int id = 0; id < 3; id++) {
            String role = null;
            Matcher m = ROLE.matcher(read(dir.resolve("node" + id + ".log")));
            while (m.find()) {
                role = m.group(2);
            }
            if ("LEADER".equals(role)) {
                return id;
            }
        }
        throw new AssertionError("no member says it leads");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
