package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
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

/**
 * Claims on campaign {@code flash} (SKU {@code card}) from several clients at once, each on its
 * own thread with a window of claims in flight: every user claims {@code perUser} times from
 * each client, each claim with its own Idempotency-Key. Then checks what the answers say.
 */
final class ClaimLoad {
    static final String CAMPAIGN = "flash";
    private static final int WINDOW = 32;

    record Claim(String user, String key, ClusterCalls.Reply reply) {
    }

    final ConcurrentLinkedQueue<Claim> answered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final List<CompletableFuture<?>> futures = new ArrayList<>();
    private final int users;
    private final int perUser;

    ClaimLoad(List<ClusterCalls> clients, int users, int perUser) {
        this.users = users;
        this.perUser = perUser;
        for (int c = 0; c < clients.size(); c++) {
            ClusterCalls calls = clients.get(c);
            int client = c;
            threads.add(new Thread(() -> claimAll(calls, client), "claimer" + c));
        }
    }

    /** Claims the load will send in all. */
    int total() {
        return threads.size() * users * perUser;
    }

    ClaimLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** Waits until at least {@code n} claims were answered. */
    void awaitAnswered(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.get() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + count.get() + " claims answered");
            TestCluster.sleep(5);
        }
    }

    int answeredSoFar() {
        return count.get();
    }

    /** Waits for every claim's answer. */
    void awaitAll() throws Exception {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(90));
            assertTrue(!t.isAlive(), "claims still unsent");
        }
        List<CompletableFuture<?>> all;
        synchronized (futures) {
            all = List.copyOf(futures);
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
        assertEquals(total(), answered.size());
    }

    private void claimAll(ClusterCalls calls, int client) {
        Semaphore window = new Semaphore(WINDOW);
        for (int n = 0; n < perUser; n++) {
            for (int u = 0; u < users; u++) {
                String user = "user-" + u;
                String key = "c" + client + "-" + u + "-" + n;
                window.acquireUninterruptibly();
                CompletableFuture<?> f = calls.claimAsync(user, key, CAMPAIGN, "card").whenComplete((reply, failure) -> {
                    window.release();
                    if (reply != null) {
                        answered.add(new Claim(user, key, reply));
                        count.incrementAndGet();
                    }
                });
                synchronized (futures) {
                    futures.add(f);
                }
            }
        }
    }

    /**
     * Every answer GRANTED or LIMIT_REACHED, a grant always with the same code, no code in two
     * grants, nobody over {@code limit}; returns each distinct grant's code.
     */
    Map<String, String> checkLimitsAndCodes(int limit) {
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
            assertTrue(grants.size() <= limit, user + " holds " + grants.size() + " grants"));
        return codeByGrant;
    }

    /**
     * After a fail-over: every claim answered, by {@code users} users each at {@code limit}
     * grants and no more ({@link #checkLimitsAndCodes}), and every answered grant in the state of
     * the member that leads now ({@link #checkInState}).
     */
    void finishAndCheck(ClusterCalls calls, int users, int limit) throws Exception {
        awaitAll();
        Map<String, String> codeByGrant = checkLimitsAndCodes(limit);
        assertEquals(users * limit, codeByGrant.size(), "every user reached the limit, no more");
        checkInState(calls, codeByGrant);
    }

    /**
     * Through {@code calls} (to whichever member leads now): every answered grant is in the state,
     * with its code; every 25th claim sent again gets its first answer.
     */
    void checkInState(ClusterCalls calls, Map<String, String> codeByGrant) {
        for (Map.Entry<String, String> grant : codeByGrant.entrySet()) {
            ClusterCalls.Reply found = calls.queryGrant(grant.getKey());
            assertEquals(ResultCode.FOUND, found.view().result, grant.getKey());
            assertEquals(grant.getValue(), found.code(), grant.getKey());
        }
        int checked = 0;
        for (Claim c : answered) {
            if (checked++ % 25 == 0) {
                ClusterCalls.Reply again = calls.claim(c.user(), c.key(), CAMPAIGN, "card");
                assertEquals(c.reply().view().result, again.view().result, c.key());
                assertEquals(c.reply().view().grantId(), again.view().grantId(), c.key());
            }
        }
    }
}
