package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.state.StateMachine;
import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.time.Instant;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Risk control over HTTP: a scripted bot against honest users, the blocklist API, campaign
 * rules and their validation, the token-age rule, metrics and counters, and replay. Client
 * addresses come from X-Forwarded-For, which this gateway believes from 127.0.0.1 (a configured
 * trusted proxy), so one test client can be many addresses.
 */
@ExtendWith(NoLeakedThreads.class)
class RiskIT {
    static final int STOCK = 1000;
    static final int BOT_USERS = 300;
    static final int HONEST = 500;
    static final int ALLOWANCE = 3;
    static final Set<String> REASONS = Set.of("BLOCKED_USER", "BLOCKED_DEVICE", "BLOCKED_IP", "VELOCITY_USER",
        "VELOCITY_DEVICE", "VELOCITY_IP", "VELOCITY_IP_PREFIX", "DEVICE_SHARED", "TOKEN_TOO_NEW", "DEVICE_REQUIRED");
    static final String RULES = "{\"perUser\":{\"max\":2,\"windowSeconds\":60},\"perDevice\":{\"max\":5,\"windowSeconds\":600},"
        + "\"perIp\":{\"max\":20,\"windowSeconds\":600},\"perIpPrefix\":{\"max\":40,\"windowSeconds\":600},"
        + "\"maxAccountsPerDevice\":" + ALLOWANCE + "}";

    static TestGateway start(MemoryStorage storage, boolean ready) {
        return TestGateway.start(c -> c.set(dev.surge.gateway.config.Configuration.Option.TRUSTED_PROXIES, "127.0.0.1/32"),
            storage, ready);
    }

    static TestGateway.Res claim(TestGateway t, String token, String key, String campaign, String device, String ip) {
        String body = "{\"campaignId\":\"" + campaign + "\",\"skuId\":\"card\""
            + (device == null ? "" : ",\"deviceId\":\"" + device + "\"") + "}";
        return t.send("POST", "/v1/claims", body, "Authorization", "Bearer " + token, "Idempotency-Key", key,
            "Content-Type", "application/json", "X-Forwarded-For", ip);
    }

    static void campaign(TestGateway t, String id, String risk, int codes) {
        TestGateway.Res r = t.admin("PUT", "/admin/campaigns/" + id, "{\"name\":\"" + id + "\",\"perUserLimit\":1,"
            + "\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}],\"risk\":" + risk + "}");
        assertEquals(200, r.status(), r.body());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < codes; i++) {
            b.append(id).append("-CODE-").append(i).append('\n');
        }
        assertEquals(200, t.upload(id, "card", b.toString()).status());
    }

    @Test
    void aScriptedBotGetsAtMostItsAllowanceWhileEveryHonestUserIsGranted() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        StateMachine live = storage.recover();
        Map<String, Integer> botResults = new ConcurrentHashMap<>();
        AtomicInteger botGrants = new AtomicInteger();
        AtomicInteger honestGrants = new AtomicInteger();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        try (TestGateway t = start(storage, false)) {
            t.gateway.startEngine(live, t.engineStorage, DeliveryPort.NONE);
            campaign(t, "launch", RULES, STOCK);
            String[] botTokens = new String[BOT_USERS];
            for (int i = 0; i < BOT_USERS; i++) {
                botTokens[i] = t.token("bot-" + i);
            }
            ExecutorService pool = Executors.newFixedThreadPool(5);
            List<Future<?>> futures = new ArrayList<>();
            // the bot: one device, 300 tokens, five addresses in 203.0.113.0/24, each token clicks twice
            futures.add(pool.submit(() -> {
                for (int i = 0; i < BOT_USERS * 2; i++) {
                    TestGateway.Res r = claim(t, botTokens[i / 2], "k" + i, "launch", "bot-device-1",
                        "203.0.113." + (1 + i % 5));
                    String result = (String) r.at("result");
                    if (r.status() != 200 || result == null) {
                        unexpected.add(r.status() + " " + r.body());
                        continue;
                    }
                    if (result.equals("RISK_REJECTED")) {
                        String reason = (String) r.at("reason");
                        if (!REASONS.contains(reason)) {
                            unexpected.add("reason " + reason);
                        }
                        botResults.merge(reason, 1, Integer::sum);
                    } else {
                        assertNull(r.at("reason"), "only a risk refusal carries a reason");
                        botResults.merge(result, 1, Integer::sum);
                        if (result.equals("GRANTED")) {
                            botGrants.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
            // honest users: their own device and their own /24 each, one claim
            AtomicInteger next = new AtomicInteger();
            for (int th = 0; th < 4; th++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < HONEST) {
                        TestGateway.Res r = claim(t, t.token("human-" + i), "k", "launch", "phone-" + i,
                            "10." + (i / 250) + "." + (i % 250) + ".9");
                        if ("GRANTED".equals(r.at("result"))) {
                            honestGrants.incrementAndGet();
                        } else {
                            unexpected.add("honest " + i + ": " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(180, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(unexpected.isEmpty(), unexpected.toString());
            assertEquals(HONEST, honestGrants.get(), "every honest user is granted");
            assertTrue(botGrants.get() <= ALLOWANCE, "the bot got " + botGrants.get() + ": " + botResults);
            assertTrue(botResults.getOrDefault("DEVICE_SHARED", 0) > 0, botResults.toString());
            int refused = botResults.entrySet().stream().filter(e -> REASONS.contains(e.getKey()))
                .mapToInt(Map.Entry::getValue).sum();

            TestGateway.Res counters = t.admin("GET", "/admin/campaigns/launch", null);
            assertEquals((long) refused, counters.at("rejected", "RISK_REJECTED"), counters.body());
            assertEquals((long) botResults.get("DEVICE_SHARED"), counters.at("riskRejected", "DEVICE_SHARED"));
            assertEquals(2L, counters.at("risk", "perUser", "max"));
            assertEquals(600L, counters.at("risk", "perDevice", "windowSeconds"));
            assertEquals((long) ALLOWANCE, counters.at("risk", "maxAccountsPerDevice"));

            String metrics = t.send("GET", "/metrics", null).body();
            assertTrue(metrics.contains("# TYPE surge_risk_rejections_total counter"), metrics);
            assertTrue(metrics.contains("surge_risk_rejections_total{campaign=\"launch\",reason=\"DEVICE_SHARED\"} "
                + botResults.get("DEVICE_SHARED")), metrics);
            assertTrue(metrics.contains("surge_decisions_total{campaign=\"launch\",result=\"RISK_REJECTED\"} " + refused),
                metrics);
        }
        // the ring has stopped: the live state is ours to read, and the journal replays to it exactly
        StateMachine replayed = storage.recover();
        assertEquals(live.digest(), replayed.digest(), "replay reproduces every risk decision");
        assertEquals(live.campaign("launch").riskRejected(), replayed.campaign("launch").riskRejected());
    }

    @Test
    void theBlocklistIsChangedWhileTrafficRunsReadBackAndValidated() {
        try (TestGateway t = start(new MemoryStorage(), true)) {
            campaign(t, "b", "null", 10);
            TestGateway.Res put = t.admin("PUT", "/admin/blocklist", "{\"mode\":\"add\",\"users\":[\"mallory\"],"
                + "\"devices\":[\"farm-1\"],\"ips\":[\"198.51.100.7\",\"10.20.0.0/16\",\"2001:db8:abcd::/48\"]}");
            assertEquals(200, put.status(), put.body());
            assertEquals("add", put.at("mode"));
            assertEquals(3L, put.at("counts", "ips"));

            TestGateway.Res blocked = claim(t, t.token("alice"), "k1", "b", null, "10.20.3.4");
            assertEquals("RISK_REJECTED", blocked.at("result"), blocked.body());
            assertEquals("BLOCKED_IP", blocked.at("reason"));
            assertEquals("b", blocked.at("campaignId"));
            TestGateway.Res again = claim(t, t.token("alice"), "k1", "b", null, "10.20.3.4");
            assertEquals("true", again.header("Idempotent-Replayed"));
            assertEquals("BLOCKED_IP", again.at("reason"), "a replayed refusal keeps its reason");
            assertEquals("BLOCKED_IP", claim(t, t.token("bob"), "k", "b", null, "2001:db8:abcd:1::5").at("reason"));
            assertEquals("BLOCKED_USER", claim(t, t.token("mallory"), "k", "b", null, "192.0.2.1").at("reason"));
            assertEquals("BLOCKED_DEVICE", claim(t, t.token("carol"), "k", "b", "farm-1", "192.0.2.1").at("reason"));
            assertEquals("GRANTED", claim(t, t.token("dave"), "k", "b", "phone", "192.0.2.1").at("result"));

            TestGateway.Res list = t.admin("GET", "/admin/blocklist", null);
            assertEquals(200, list.status(), list.body());
            assertEquals(List.of("mallory"), list.at("users"));
            assertEquals(List.of("198.51.100.7", "10.20.0.0/16", "2001:db8:abcd::/48"), list.at("ips"));

            assertEquals(200, t.admin("PUT", "/admin/blocklist", "{\"mode\":\"remove\",\"ips\":[\"10.20.0.0/16\"]}").status());
            assertEquals("GRANTED", claim(t, t.token("erin"), "k", "b", null, "10.20.3.4").at("result"));
            // PUT without a mode states the whole list
            assertEquals(200, t.admin("PUT", "/admin/blocklist", "{\"users\":[\"eve\"]}").status());
            TestGateway.Res replaced = t.admin("GET", "/admin/blocklist", null);
            assertEquals(List.of("eve"), replaced.at("users"));
            assertEquals(List.of(), replaced.at("ips"));
            assertEquals(1L, t.admin("GET", "/admin/campaigns/b", null).at("riskRejected", "BLOCKED_DEVICE"));

            assertBad(t, "{\"ips\":[\"1.2.3.4\",\"banana\"]}", "INVALID_FIELD", "ips[1]",
                "ips[1]: not an IP address or CIDR block: banana");
            assertBad(t, "{\"ips\":[\"10.1.2.3/8\"]}", "INVALID_FIELD", "ips[0]",
                "ips[0]: 10.1.2.3/8 has bits set beyond its prefix; the block is 10.0.0.0/8");
            assertBad(t, "{\"ips\":[\"10.0.0.0/33\"]}", "INVALID_FIELD", "ips[0]", null);
            assertBad(t, "{\"devices\":[\"no spaces\"]}", "INVALID_FIELD", "devices[0]", null);
            assertBad(t, "{\"users\":[\"\"]}", "INVALID_FIELD", "users[0]", null);
            assertBad(t, "{\"mode\":\"merge\"}", "INVALID_FIELD", "mode", "mode: one of add, remove, replace");
            assertBad(t, "{\"userz\":[]}", "INVALID_FIELD", "userz", null);
            assertBad(t, "{\"users\":\"eve\"}", "INVALID_FIELD", "users", null);
            assertEquals(List.of("eve"), t.admin("GET", "/admin/blocklist", null).at("users"), "refusals change nothing");
            assertEquals(401, t.send("GET", "/admin/blocklist", null).status());
            assertEquals(403, t.get("/admin/blocklist", t.token("eve")).status());
        }
    }

    private static void assertBad(TestGateway t, String body, String code, String field, String message) {
        TestGateway.Res r = t.admin("PUT", "/admin/blocklist", body);
        assertEquals(400, r.status(), r.body());
        assertEquals(code, r.errorCode());
        assertEquals(field, r.errorField());
        if (message != null) {
            assertEquals(message, r.at("error", "message"));
        }
    }

    @Test
    void campaignRulesAreValidatedNamingTheFieldAndShownBack() {
        try (TestGateway t = start(new MemoryStorage(), true)) {
            String prefix = "{\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}],\"risk\":";
            assertCampaignBad(t, prefix + "{\"perUser\":{\"max\":0,\"windowSeconds\":60}}}", "INVALID_FIELD",
                "risk.perUser.max", "risk.perUser.max: must be 1 to 1000000");
            assertCampaignBad(t, prefix + "{\"perDevice\":{\"max\":3}}}", "MISSING_FIELD",
                "risk.perDevice.windowSeconds", null);
            assertCampaignBad(t, prefix + "{\"perIp\":{\"max\":3,\"windowSeconds\":604801}}}", "INVALID_FIELD",
                "risk.perIp.windowSeconds", null);
            assertCampaignBad(t, prefix + "{\"perIpPrefix\":5}}", "INVALID_FIELD", "risk.perIpPrefix", null);
            assertCampaignBad(t, prefix + "{\"maxAccounts\":3}}", "INVALID_FIELD", "risk.maxAccounts", null);
            assertCampaignBad(t, prefix + "{\"requireDevice\":\"yes\"}}", "INVALID_FIELD", "risk.requireDevice", null);
            assertCampaignBad(t, prefix + "[]}", "INVALID_FIELD", "risk", null);

            assertEquals(200, t.admin("PUT", "/admin/campaigns/r", prefix + RULES + "}").status());
            TestGateway.Res r = t.admin("GET", "/admin/campaigns/r", null);
            assertEquals(Map.of("max", 40L, "windowSeconds", 600L), r.at("risk", "perIpPrefix"));
            assertEquals(0L, r.at("risk", "minTokenAgeSeconds"));
            assertEquals(false, r.at("risk", "requireDevice"));
            assertEquals(Map.of(), r.at("riskRejected"));
            t.codeCampaign("plain", 1);
            TestGateway.Res plain = t.admin("GET", "/admin/campaigns/plain", null);
            assertTrue(plain.json().containsKey("risk"));
            assertNull(plain.at("risk"), "no rules");
        }
    }

    private static void assertCampaignBad(TestGateway t, String body, String code, String field, String message) {
        TestGateway.Res r = t.admin("PUT", "/admin/campaigns/bad", body);
        assertEquals(400, r.status(), r.body());
        assertEquals(code, r.errorCode(), r.body());
        assertEquals(field, r.errorField(), r.body());
        if (message != null) {
            assertEquals(message, r.at("error", "message"));
        }
    }

    @Test
    void aTokenYoungerThanTheMinimumAgeIsRefusedAndRequireDeviceRefusesClaimsWithoutOne() {
        try (TestGateway t = start(new MemoryStorage(), true)) {
            campaign(t, "aged", "{\"minTokenAgeSeconds\":3600,\"requireDevice\":true}", 10);
            long now = Instant.now().getEpochSecond();
            String fresh = t.gateway.userTokens().mint("newbie", now + 3600, now - 5);
            String old = t.gateway.userTokens().mint("veteran", now + 3600, now - 7200);
            TestGateway.Res young = claim(t, fresh, "k", "aged", "phone-1", "192.0.2.10");
            assertEquals("RISK_REJECTED", young.at("result"), young.body());
            assertEquals("TOKEN_TOO_NEW", young.at("reason"));
            assertEquals("GRANTED", claim(t, old, "k", "aged", "phone-2", "192.0.2.11").at("result"));
            TestGateway.Res noDevice = claim(t, t.token("someone"), "k", "aged", null, "192.0.2.12");
            assertEquals("DEVICE_REQUIRED", noDevice.at("reason"), noDevice.body());
        }
    }
}
