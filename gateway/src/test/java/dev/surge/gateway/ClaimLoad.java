package dev.surge.gateway;

import dev.surge.testkit.JsonTree;
import dev.surge.testkit.RawHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims from many keep-alive connections at once (one thread and one {@link RawHttp} socket
 * each), by random users, each claim with a fresh Idempotency-Key, and keeps every decision a
 * client received. A connection stops when the server goes away (its socket ends) or, when asked,
 * at its first SOLD_OUT.
 *
 * <p>Threading: {@link #start} and the getters from the test thread; one thread per connection.
 */
public final class ClaimLoad {
    /** One answered claim: what the client sent and what it was told. */
    public record Decision(int user, String key, String body, int status, String result, String grantId, String code,
                    String replayed) {
    }

    private final int port;
    private final String[] tokens;
    private final String keyPrefix;
    private final String claimBody;
    private final boolean untilSoldOut;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Decision> decisions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger granted = new AtomicInteger();

    public ClaimLoad(int port, String[] tokens, String keyPrefix, String claimBody, boolean untilSoldOut) {
        this.port = port;
        this.tokens = tokens;
        this.keyPrefix = keyPrefix;
        this.claimBody = claimBody;
        this.untilSoldOut = untilSoldOut;
    }

    public ClaimLoad start(int connections, long seed) {
        for (int c = 0; c < connections; c++) {
            int id = c;
            Thread t = new Thread(() -> run(id, new SplittableRandom(seed * 1_000 + id)), "claims-" + keyPrefix + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return this;
    }

    private void run(int connection, SplittableRandom random) {
        try (RawHttp http = new RawHttp(port, 60_000)) {
            for (int i = 0; ; i++) {
                int user = random.nextInt(tokens.length);
                String key = keyPrefix + connection + "-" + i;
                http.write(RawHttp.request("POST", "/v1/claims", claimBody, "Authorization", "Bearer " + tokens[user],
                    "Idempotency-Key", key, "Content-Type", "application/json"));
                RawHttp.Response r = http.read();
                if (r == null) {
                    return; // the server went away
                }
                if (r.status() != 200) {
                    failures.add(r.status() + " " + r.body());
                    continue;
                }
                Map<String, Object> json = JsonTree.object(r.body());
                String result = (String) json.get("result");
                boolean grant = "GRANTED".equals(result);
                decisions.add(new Decision(user, key, claimBody, r.status(), result,
                    grant ? (String) json.get("grantId") : null,
                    grant ? (String) JsonTree.at(json, "items", 0, "code") : null, r.header("Idempotent-Replayed")));
                if (grant) {
                    granted.incrementAndGet();
                } else if (untilSoldOut && "SOLD_OUT".equals(result)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the server went away mid-request: that claim's outcome is unknown to the client
        }
    }

    public int granted() {
        return granted.get();
    }

    /** Waits until at least {@code n} claims were granted; fails if every connection ended first. */
    public void awaitGranted(int n, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (granted.get() < n) {
            if (System.nanoTime() > deadline || threads.stream().noneMatch(Thread::isAlive)) {
                throw new AssertionError("only " + granted.get() + " of " + n + " claims granted; failures: "
                    + failures.subList(0, Math.min(5, failures.size())));
            }
            Thread.sleep(10);
        }
    }

    /** Waits for every connection to end and returns every decision received. */
    public List<Decision> join(long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still running after " + timeoutSeconds + " s");
            }
        }
        return List.copyOf(decisions);
    }

    /** Answers other than 200 (none expected). */
    public List<String> failures() {
        return List.copyOf(failures);
    }
}
