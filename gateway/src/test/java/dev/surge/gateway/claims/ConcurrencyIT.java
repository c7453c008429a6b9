package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.NoLeakedThreads;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 32 client threads, 2,000 users, 500 codes: exactly 500 granted, all distinct, nobody over the
 * limit; with the engine on two threads (a journal that syncs), on one thread of its own, and as
 * the tasks of one of the two event loops (so that the other loop's requests cross over).
 */
@ExtendWith(NoLeakedThreads.class)
class ConcurrencyIT {
    static final int THREADS = 32;
    static final int USERS = 2000;
    static final int STOCK = 500;
    static final int ATTEMPTS = 2;

    @ParameterizedTest
    @ValueSource(strings = {"sync", "own", "event-loop"})
    void neverOversellsNorExceedsALimit(String engine) throws Exception {
        MemoryStorage storage = new MemoryStorage();
        storage.waitsForDisk = engine.equals("sync");
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.ENGINE_THREAD,
            engine.equals("sync") ? "auto" : engine), storage, true)) {
            assertEquals(engine.equals("event-loop"), t.gateway.ring().hosted());
            t.codeCampaign("rush", STOCK);
            String[] tokens = new String[USERS];
            for (int u = 0; u < USERS; u++) {
                tokens[u] = t.token("user-" + u);
            }
            Set<String> codes = ConcurrentHashMap.newKeySet();
            Map<Integer, AtomicInteger> grantsPerUser = new ConcurrentHashMap<>();
            AtomicInteger granted = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < THREADS; th++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < USERS * ATTEMPTS) {
                        int user = i % USERS;
                        HttpRequest req = HttpRequest.newBuilder(URI.create(t.base + "/v1/claims"))
                            .header("Authorization", "Bearer " + tokens[user])
                            .header("Idempotency-Key", "attempt-" + (i / USERS))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"campaignId\":\"rush\",\"skuId\":\"card\"}"))
                            .build();
                        HttpResponse<String> r = t.http.send(req, HttpResponse.BodyHandlers.ofString());
                        Map<String, Object> body = JsonTree.object(r.body());
                        if (r.statusCode() != 200) {
                            unexpected.add(r.statusCode() + " " + r.body());
                        } else if ("GRANTED".equals(body.get("result"))) {
                            granted.incrementAndGet();
                            codes.add((String) JsonTree.at(body, "items", 0, "code"));
                            grantsPerUser.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
                        } else if ("SOLD_OUT".equals(body.get("result")) || "LIMIT_REACHED".equals(body.get("result"))) {
                            other.incrementAndGet();
                        } else {
                            unexpected.add(r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(90, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(unexpected.isEmpty(), unexpected.toString());
            assertEquals(STOCK, granted.get());
            assertEquals(STOCK, codes.size(), "every code distinct");
            assertEquals(USERS * ATTEMPTS - STOCK, other.get());
            assertTrue(grantsPerUser.values().stream().allMatch(n -> n.get() == 1), "limit 1 per user");
            TestGateway.Res counters = t.admin("GET", "/admin/campaigns/rush", null);
            assertEquals((long) STOCK, counters.at("granted"));
            assertEquals(0L, counters.at("stockLeft"));
        }
    }
}
