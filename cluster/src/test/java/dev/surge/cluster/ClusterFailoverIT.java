package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final int CLAIMS_PER_USER_PER_CLIENT = 2;
    private static final int LIMIT = 2;
    private static final int WINDOW = 32;

    record Claim(String user, String key, ClusterCalls.Reply reply) {
    }

    @Test
    void answeredClaimsSurviveTheLeadersDeath(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            cluster.awaitLeader(WAIT);
            ClusterCalls admin = new ClusterCalls(cluster.client("admin"));
            admin.codeCampaign("flash", LIMIT, 3_000);

            ConcurrentLinkedQueue<Claim> answered = new ConcurrentLinkedQueue<>();
            AtomicInteger count = new AtomicInteger();
            List<Thread> load = new ArrayList<>();
            List<List<CompletableFuture<?>>> perClient = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                ClusterCalls calls = new ClusterCalls(cluster.client("claimer" + c));
                List<CompletableFuture<?>> futures = new ArrayList<>();
                perClient.add(futures);
                int client = c;
                load.add(new Thread(() -> claimAll(calls, client, answered, count, futures), "claimer" + c));
            }
            load.forEach(Thread::start);

            while (count.get() < USERS) { // about a quarter of the claims answered: kill the leader mid-load
                TestCluster.sleep(5);
            }
            int leader = cluster.awaitLeader(WAIT);
            long killed = System.nanoTime();
            cluster.kill(leader);
            int answeredAtKill = count.get();
            ClusterCalls.Reply first = admin.claim("after-failover", "k-after", "flash", "card");
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            int next = cluster.awaitLeader(WAIT);
            System.out.printf("failover: member %d killed with %d claims answered; member %d leads; "
                + "the first claim after the kill was answered in %d ms (%s)%n", leader, answeredAtKill, next,
                failoverMs, first.view().result);
            assertEquals(ResultCode.GRANTED, first.view().result);
            assertTrue(failoverMs < 20_000, "failover took " + failoverMs + " ms");

            for (Thread t : load) {
                t.join(TimeUnit.SECONDS.toMillis(90));
                assertTrue(!t.isAlive(), "claims still unanswered");
            }
            for (List<CompletableFuture<?>> futures : perClient) {
                CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            }
            assertEquals(2 * USERS * CLAIMS_PER_USER_PER_CLIENT, answered.size());
            Map<String, String> codeByGrant = checkLimitsAndCodes(answered);
            assertEquals(USERS * LIMIT, codeByGrant.size(), "every user reached the limit, no more");

            // every answered grant is in the new leader's state, as answered
            for (Map.Entry<String, String> grant : codeByGrant.entrySet()) {
                ClusterCalls.Reply found = admin.queryGrant(grant.getKey());
                assertEquals(ResultCode.FOUND, found.view().result, grant.getKey());
                assertEquals(grant.getValue(), found.code(), grant.getKey());
            }
            // a claim sent again with its key is answered with its first decision
            int checked = 0;
            for (Claim c : answered) {
                if (checked++ % 25 == 0) {
                    ClusterCalls.Reply again = admin.claim(c.user(), c.key(), "flash", "card");
                    assertEquals(c.reply().view().result, again.view().result, c.key());
                    assertEquals(c.reply().view().grantId(), again.view().grantId(), c.key());
                }
            }

            NodeState survivors = cluster.awaitSameState(1, WAIT);
            cluster.start(leader); // the dead member comes back and catches up from the others
            NodeState all3 = cluster.awaitSameState(survivors.lastSequence(), WAIT);
            assertEquals(survivors.digest(), all3.digest());
        }
    }

    private static void claimAll(ClusterCalls calls, int client, ConcurrentLinkedQueue<Claim> answered,
                                 AtomicInteger count, List<CompletableFuture<?>> futures) {
        Semaphore window = new Semaphore(WINDOW);
        for (int n = 0; n < CLAIMS_PER_USER_PER_CLIENT; n++) {
            for (int u = 0; u < USERS; u++) {
                String user = "user-" + u;
                String key = "c" + client + "-" + u + "-" + n;
                window.acquireUninterruptibly();
                futures.add(calls.claimAsync(user, key, "flash", "card").whenComplete((reply, failure) -> {
                    window.release();
                    if (reply != null) {
                        answered.add(new Claim(user, key, reply));
                        count.incrementAndGet();
                    }
                }));
            }
        }
    }

    /** Limits per user and codes across grants; returns each distinct grant's code. */
    private static Map<String, String> checkLimitsAndCodes(Iterable<Claim> answered) {
        Map<String, String> codeByGrant = new HashMap<>();
        Map<String, Set<String>> grantsByUser = new HashMap<>();
        for (Claim c : answered) {
            ResultCode result = c.reply().view().result;
            assertTrue(result == ResultCode.GRANTED || result == ResultCode.LIMIT_REACHED, c.key() + ": " + result);
            if (result == ResultCode.GRANTED) {
                String grant = c.reply().view().grantId();
                String code = c.reply().code();
                assertNotEquals(null, code, grant);
                String before = codeByGrant.putIfAbsent(grant, code);
                assertTrue(before == null || before.equals(code), "grant " + grant + " answered with two codes");
                grantsByUser.computeIfAbsent(c.user(), u -> new HashSet<>()).add(grant);
            }
        }
        assertEquals(codeByGrant.size(), new HashSet<>(codeByGrant.values()).size(), "a code was issued twice");
        grantsByUser.forEach((user, grants) ->
            assertTrue(grants.size() <= LIMIT, user + " holds " + grants.size() + " grants"));
        return codeByGrant;
    }
}
