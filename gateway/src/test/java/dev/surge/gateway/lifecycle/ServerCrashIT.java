package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.ClaimLoad;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.json.Json;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.RawHttp;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process killed mid-load: a campaign and its codes set up through the admin
 * API, claims from {@value #CONNECTIONS} connections by {@value #USERS} users, SIGKILL, a restart
 * on the same data directory, then claims until sold out. Every GRANTED a client received before
 * the kill is still the owner's grant with the same code, a replay of any pre-crash request is
 * the original decision marked Idempotent-Replayed, no code is granted twice, nobody is over the
 * limit, the stock is never exceeded, and {@code scripts/journal verify} is clean afterwards.
 */
class ServerCrashIT {
    static final int CONNECTIONS = 16;
    static final int USERS = 6_000;
    static final int PER_USER_LIMIT = 2;
    static final int STOCK = 8_000;
    static final int GRANTS_BEFORE_KILL = 3_000;
    static final String CLAIM = "{\"campaignId\":\"flash\",\"skuId\":\"card\"}";
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path dir;

    private final String[] tokens = new String[USERS];

    @Test
    void everyGrantedClaimSurvivesASigkillAndNoCodeIsGrantedTwice() throws Exception {
        UserTokens minter = new UserTokens(TestGateway.SECRET, Json.FACTORY);
        long exp = Instant.now().getEpochSecond() + 3_600;
        for (int u = 0; u < USERS; u++) {
            tokens[u] = minter.mint("user-" + u, exp);
        }
        Path data = dir.resolve("data");

        List<ClaimLoad.Decision> beforeKill;
        try (SurgeProcess first = TestGateway.process(data, "--rate-limit", "0")) {
            setUpCampaign(first);
            ClaimLoad load = new ClaimLoad(first.port, tokens, "pre-", CLAIM, false).start(CONNECTIONS, 1);
            load.awaitGranted(GRANTS_BEFORE_KILL, 180);
            assertEquals(SIGKILL_EXIT, first.kill(), "killed by SIGKILL");
            beforeKill = load.join(60);
            assertTrue(load.failures().isEmpty(), load.failures().toString());
        }
        List<ClaimLoad.Decision> grantedBefore = granted(beforeKill);
        assertTrue(grantedBefore.size() >= GRANTS_BEFORE_KILL && grantedBefore.size() < STOCK, "killed mid-load");

        try (SurgeProcess second = TestGateway.process(data, "--rate-limit", "0")) {

            // every GRANTED a client saw is still the owner's grant, with the same code
            inParallel(grantedBefore, second.port, (http, d) -> {
                RawHttp.Response r = get(http, "/v1/grants/" + d.grantId(), tokens[d.user()]);
                assertEquals(200, r.status(), d + " -> " + r.body());
                Map<String, Object> g = JsonTree.object(r.body());
                assertEquals(d.grantId(), g.get("grantId"));
                assertEquals(d.code(), JsonTree.at(g, "items", 0, "code"), "grant " + d.grantId());
            });

            ClaimLoad rest = new ClaimLoad(second.port, tokens, "post-", CLAIM, true).start(CONNECTIONS, 2);
            List<ClaimLoad.Decision> afterRestart = rest.join(300);
            assertTrue(rest.failures().isEmpty(), rest.failures().toString());

            // a replay of any request answered before the kill is that same decision, marked as a replay
            inParallel(beforeKill, second.port, (http, d) -> {
                http.write(RawHttp.request("POST", "/v1/claims", d.body(), "Authorization", "Bearer " + tokens[d.user()],
                    "Idempotency-Key", d.key(), "Content-Type", "application/json"));
                RawHttp.Response r = http.read();
                assertEquals(200, r.status(), r.body());
                assertEquals("true", r.header("Idempotent-Replayed"), d + " -> " + r.body());
                Map<String, Object> again = JsonTree.object(r.body());
                assertEquals(d.result(), again.get("result"), d.key());
                if (d.grantId() != null) {
                    assertEquals(d.grantId(), again.get("grantId"));
                    assertEquals(d.code(), JsonTree.at(again, "items", 0, "code"));
                }
            });

            List<ClaimLoad.Decision> grantedAfter = granted(afterRestart);
            Map<String, String> seenCodes = new HashMap<>();
            for (ClaimLoad.Decision d : concat(grantedBefore, grantedAfter)) {
                String other = seenCodes.put(d.code(), d.grantId());
                assertNull(other, "code " + d.code() + " granted to " + other + " and " + d.grantId());
            }
            assertTrue(seenCodes.size() <= STOCK, seenCodes.size() + " codes granted from a stock of " + STOCK);

            // Every grant on the server (also those decided but never answered before the kill).
            Map<String, String> allCodes = allGrantedCodes(second.port);
            assertEquals(new HashSet<>(allCodes.values()).size(), allCodes.size(), "no code in two grants");
            for (ClaimLoad.Decision d : concat(grantedBefore, grantedAfter)) {
                assertEquals(d.code(), allCodes.get(d.grantId()), "grant " + d.grantId());
            }
            Map<String, Object> counters = admin(second, "GET", "/admin/campaigns/flash", null);
            assertEquals((long) STOCK, counters.get("granted"), "sold out: the whole stock, not more");
            assertEquals(0L, counters.get("stockLeft"));
            assertEquals(STOCK, allCodes.size());
            System.out.printf("%d grants answered before SIGKILL (%d decisions), %d after the restart, %d in all%n",
                grantedBefore.size(), beforeKill.size(), grantedAfter.size(), allCodes.size());

            assertEquals(0, second.stop(), "SIGTERM stops it cleanly:\n" + second.log());
        }
        // scripts/journal verify over what the two server runs left
        String verify = TestGateway.journal("verify", "--data-dir", data.toString());
        assertTrue(verify.contains("OK: no violations"), verify);
    }

    private void setUpCampaign(SurgeProcess server) throws Exception {
        admin(server, "PUT", "/admin/campaigns/flash", "{\"name\":\"Flash\",\"perUserLimit\":" + PER_USER_LIMIT
            + ",\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        StringBuilder codes = new StringBuilder();
        for (int i = 0; i < STOCK; i++) {
            codes.append(String.format("FLASH-%05d-%08X%n", i, i * 2_654_435_761L & 0xFFFFFFFFL));
        }
        Map<String, Object> upload = send(server, "POST", "/admin/campaigns/flash/skus/card/codes", codes.toString(),
            "text/plain");
        assertEquals((long) STOCK, upload.get("loaded"), upload.toString());
    }

    /** Every user's grants through GET /v1/me/grants: grant id to code. Checks the per-user limit on the way. */
    private Map<String, String> allGrantedCodes(int port) throws Exception {
        List<Integer> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add(u);
        }
        Map<String, String> codes = new ConcurrentHashMap<>();
        inParallel(users, port, (http, u) -> {
            RawHttp.Response r = get(http, "/v1/me/grants?limit=100", tokens[u]);
            assertEquals(200, r.status(), r.body());
            List<?> grants = (List<?>) JsonTree.at(JsonTree.parse(r.body()), "grants");
            assertTrue(grants.size() <= PER_USER_LIMIT, "user-" + u + " has " + grants.size() + " grants");
            for (Object g : grants) {
                String id = (String) JsonTree.at(g, "grantId");
                assertNull(codes.put(id, (String) JsonTree.at(g, "items", 0, "code")), "grant " + id + " listed twice");
            }
        });
        return codes;
    }

    private static RawHttp.Response get(RawHttp http, String path, String token) throws IOException {
        http.write(RawHttp.request("GET", path, null, "Authorization", "Bearer " + token));
        return http.read();
    }

    /** A check that uses one connection. */
    @FunctionalInterface
    private interface Check<T> {
        void run(RawHttp http, T item) throws Exception;
    }

    /** Runs {@code check} on every item, over a few connections at once. */
    private static <T> void inParallel(List<T> items, int port, Check<T> check) throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                int first = c;
                futures.add(pool.submit(() -> {
                    try (RawHttp http = new RawHttp(port, 60_000)) {
                        for (int i = first; i < items.size(); i += n) {
                            check.run(http, items.get(i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get(300, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AssertionError a) {
                        throw a;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<ClaimLoad.Decision> granted(List<ClaimLoad.Decision> decisions) {
        return decisions.stream().filter(d -> "GRANTED".equals(d.result())).toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, Object> admin(SurgeProcess server, String method, String path, String json) {
        return send(server, method, path, json, "application/json");
    }

    private static Map<String, Object> send(SurgeProcess server, String method, String path, String body,
                                            String contentType) {
        HttpResponse<String> r = server.send(method, path, body, TestGateway.ADMIN, "Content-Type", contentType);
        assertEquals(200, r.statusCode(), method + " " + path + " -> " + r.body());
        return JsonTree.object(r.body());
    }
}
