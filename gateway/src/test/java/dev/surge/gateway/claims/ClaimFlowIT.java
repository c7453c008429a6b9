package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Claims end to end over HTTP: every claim result of docs/api.md, idempotency, and the grant views. */
@ExtendWith(NoLeakedThreads.class)
class ClaimFlowIT {
    static TestGateway t;

    @BeforeAll
    static void start() {
        t = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void grantedWithACodeThenLimitReached() {
        t.codeCampaign("spring", 3);
        TestGateway.Res r = t.claim("alice", "k1", "spring", "card");
        assertEquals(200, r.status(), r.body());
        assertEquals("GRANTED", r.at("result"));
        String grantId = (String) r.at("grantId");
        assertTrue(grantId.matches("g_[A-Za-z0-9_-]{16}"), grantId);
        assertEquals("spring", r.at("campaignId"));
        assertEquals("card", r.at("skuId"));
        assertEquals("CODE", r.at("items", 0, "kind"));
        assertTrue(((String) r.at("items", 0, "code")).startsWith("spring-CODE-"));
        assertEquals("DELIVERED", r.at("delivery"));
        assertNull(r.header("Idempotent-Replayed"));

        TestGateway.Res again = t.claim("alice", "k1", "spring", "card");
        assertEquals(200, again.status());
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(grantId, again.at("grantId"));

        TestGateway.Res reused = t.claim("alice", "k1", "{\"campaignId\":\"spring\",\"skuId\":\"card\",\"deviceId\":\"d2\"}");
        assertEquals(422, reused.status(), reused.body());
        assertEquals("IDEMPOTENCY_KEY_REUSED", reused.errorCode());

        TestGateway.Res limit = t.claim("alice", "k2", "spring", "card");
        assertEquals(200, limit.status());
        assertEquals("LIMIT_REACHED", limit.at("result"));

        TestGateway.Res mine = t.get("/v1/grants/" + grantId, t.token("alice"));
        assertEquals(200, mine.status(), mine.body());
        assertEquals(grantId, mine.at("grantId"));
        assertEquals("NOT_REDEEMED", mine.at("redemption"));
        assertEquals(r.at("items", 0, "code"), mine.at("items", 0, "code"));
        assertEquals(404, t.get("/v1/grants/" + grantId, t.token("mallory")).status(), "another user's grant");
        assertEquals(404, t.get("/v1/grants/g_AAAAAAAAAAAAAAAA", t.token("alice")).status());
        assertEquals(404, t.get("/v1/grants/not-a-grant", t.token("alice")).status());
    }

    @Test
    void soldOutUnknownAndWindows() {
        t.codeCampaign("tiny", 1);
        assertEquals("GRANTED", t.claim("u1", "a", "tiny", "card").at("result"));
        assertEquals("SOLD_OUT", t.claim("u2", "a", "tiny", "card").at("result"));
        assertEquals("UNKNOWN_CAMPAIGN", t.claim("u2", "b", "nope", "card").at("result"));
        assertEquals("UNKNOWN_SKU", t.claim("u2", "c", "tiny", "nope").at("result"));

        t.admin("PUT", "/admin/campaigns/later", "{\"startsAt\":\"2999-01-01T00:00:00Z\",\"endsAt\":\"3000-01-01T00:00:00+08:00\","
            + "\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        assertEquals("NOT_STARTED", t.claim("u3", "a", "later", "card").at("result"));
        t.admin("PUT", "/admin/campaigns/over", "{\"startsAt\":\"2000-01-01T00:00:00Z\",\"endsAt\":\"2001-01-01T00:00:00Z\","
            + "\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        assertEquals("ENDED", t.claim("u3", "b", "over", "card").at("result"));

        t.codeCampaign("pausy", 5);
        assertEquals(200, t.admin("POST", "/admin/campaigns/pausy/pause", null).status());
        assertEquals("PAUSED", t.claim("u4", "a", "pausy", "card").at("result"));
        assertEquals(200, t.admin("POST", "/admin/campaigns/pausy/resume", null).status());
        assertEquals("GRANTED", t.claim("u4", "b", "pausy", "card").at("result"));
        TestGateway.Res closed = t.admin("POST", "/admin/campaigns/pausy/close", null);
        assertEquals(200, closed.status());
        assertEquals("CLOSED", closed.at("status"));
        assertEquals("ENDED", t.claim("u5", "a", "pausy", "card").at("result"));
        assertEquals(409, t.admin("POST", "/admin/campaigns/pausy/resume", null).status());
        assertEquals(404, t.admin("POST", "/admin/campaigns/ghost/pause", null).status());
    }

    @Test
    void directRechargeNeedsAnAccountAndIsPending() {
        TestGateway.Res put = t.admin("PUT", "/admin/campaigns/vip", "{\"skus\":[{\"id\":\"month\",\"kind\":\"DIRECT_RECHARGE\","
            + "\"stock\":2,\"suppliers\":[\"primary\",\"backup\"]}]}");
        assertEquals(200, put.status(), put.body());
        TestGateway.Res missing = t.claim("r1", "a", "vip", "month");
        assertEquals(400, missing.status());
        assertEquals("MISSING_FIELD", missing.errorCode());
        assertEquals("account", missing.errorField());
        TestGateway.Res r = t.claim("r1", "b", "{\"campaignId\":\"vip\",\"skuId\":\"month\",\"account\":\"13800000000\"}");
        assertEquals("GRANTED", r.at("result"), r.body());
        assertEquals("PENDING", r.at("delivery"));
        assertEquals("DIRECT_RECHARGE", r.at("items", 0, "kind"));
        assertNull(r.at("items", 0, "code"));
    }

    @Test
    void bundlesGrantEveryItem() {
        TestGateway.Res put = t.admin("PUT", "/admin/campaigns/pack", "{\"skus\":["
            + "{\"id\":\"video\",\"kind\":\"CODE\"},{\"id\":\"music\",\"kind\":\"CODE\"},"
            + "{\"id\":\"both\",\"kind\":\"BUNDLE\",\"items\":[{\"skuId\":\"video\",\"qty\":1},{\"skuId\":\"music\"}]}]}");
        assertEquals(200, put.status(), put.body());
        assertEquals(200, t.upload("pack", "video", "V1\nV2\n").status());
        assertEquals(200, t.upload("pack", "music", "M1\n").status());
        TestGateway.Res r = t.claim("b1", "a", "pack", "both");
        assertEquals("GRANTED", r.at("result"), r.body());
        assertEquals(2, ((List<?>) r.at("items")).size());
        assertEquals("SOLD_OUT", t.claim("b2", "a", "pack", "both").at("result"), "music ran out");
    }

    @Test
    void myGrantsArePagedNewestFirst() {
        t.admin("PUT", "/admin/campaigns/many", "{\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        StringBuilder codes = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            codes.append("MANY-").append(i).append('\n');
        }
        t.upload("many", "card", codes.toString());
        String[] ids = new String[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = (String) t.claim("collector", "c" + i, "many", "card").at("grantId");
            assertNotNull(ids[i]);
        }
        String token = t.token("collector");
        TestGateway.Res page1 = t.get("/v1/me/grants?limit=2", token);
        assertEquals(200, page1.status(), page1.body());
        assertEquals(ids[4], page1.at("grants", 0, "grantId"));
        assertEquals(ids[3], page1.at("grants", 1, "grantId"));
        assertEquals(ids[3], page1.at("next"));
        TestGateway.Res page2 = t.get("/v1/me/grants?limit=2&after=" + ids[3], token);
        assertEquals(ids[2], page2.at("grants", 0, "grantId"));
        TestGateway.Res last = t.get("/v1/me/grants?limit=10&after=" + ids[1], token);
        assertEquals(1, ((List<?>) last.at("grants")).size());
        assertNull(last.at("next"));
        assertEquals(0, ((List<?>) t.get("/v1/me/grants", t.token("nobody")).at("grants")).size());
        assertEquals(400, t.get("/v1/me/grants?limit=0", token).status());
        assertEquals("limit", t.get("/v1/me/grants?limit=abc", token).errorField());
        assertEquals("after", t.get("/v1/me/grants?after=xyz", token).errorField());
    }

    @Test
    void redemptionsByOwnerAndByMerchant() {
        t.codeCampaign("shop", 3);
        TestGateway.Res g1 = t.claim("owner", "a", "shop", "card");
        String grant = (String) g1.at("grantId");
        String code = (String) g1.at("items", 0, "code");
        String owner = t.token("owner");

        TestGateway.Res notOwner = t.redeem(t.token("thief"), "r1", "{\"grantId\":\"" + grant + "\"}");
        assertEquals("NOT_OWNER", notOwner.at("result"), notOwner.body());
        TestGateway.Res redeemed = t.redeem(owner, "r1", "{\"grantId\":\"" + grant + "\"}");
        assertEquals("REDEEMED", redeemed.at("result"), redeemed.body());
        assertEquals(grant, redeemed.at("grantId"));
        assertEquals("true", t.redeem(owner, "r1", "{\"grantId\":\"" + grant + "\"}").header("Idempotent-Replayed"));
        assertEquals("ALREADY_REDEEMED", t.redeem(owner, "r2", "{\"grantId\":\"" + grant + "\"}").at("result"));
        assertEquals("NOT_FOUND", t.redeem(owner, "r3", "{\"grantId\":\"g_AAAAAAAAAAAAAAAA\"}").at("result"));
        assertEquals("REDEEMED", t.get("/v1/grants/" + grant, owner).at("redemption"));

        TestGateway.Res created = t.admin("POST", "/admin/redeemers", "{\"merchantId\":\"cafe-1\",\"campaigns\":[\"shop\"]}");
        assertEquals(201, created.status(), created.body());
        String key = (String) created.at("key");
        assertTrue(key.startsWith("rk_"));
        TestGateway.Res g2 = t.claim("owner2", "a", "shop", "card");
        String code2 = (String) g2.at("items", 0, "code");
        TestGateway.Res byCode = t.redeem(key, "m1", "{\"code\":\"" + code2 + "\"}");
        assertEquals("REDEEMED", byCode.at("result"), byCode.body());
        assertEquals("ALREADY_REDEEMED", t.redeem(key, "m2", "{\"code\":\"" + code + "\"}").at("result"));
        assertEquals("NOT_FOUND", t.redeem(key, "m3", "{\"code\":\"NO-SUCH-CODE\"}").at("result"));
        assertEquals(401, t.redeem("rk_forged", "m4", "{\"code\":\"" + code + "\"}").status());
        assertEquals("code", t.redeem(key, "m5", "{\"grantId\":\"" + grant + "\"}").errorField());
        assertEquals(403, t.get("/v1/me/grants", key).status(), "a redeemer key is not a user");
        assertEquals(403, t.get("/admin/campaigns", key).status(), "nor an admin");
    }

    @Test
    void redemptionStatesExpiredAndNotDelivered() {
        t.admin("PUT", "/admin/campaigns/expiring", "{\"redeemUntil\":\"2001-01-01T00:00:00Z\",\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        t.upload("expiring", "card", "E1\n");
        String grant = (String) t.claim("ex", "a", "expiring", "card").at("grantId");
        assertEquals("EXPIRED", t.redeem(t.token("ex"), "r", "{\"grantId\":\"" + grant + "\"}").at("result"));

        t.admin("PUT", "/admin/campaigns/recharge", "{\"skus\":[{\"id\":\"m\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":5,\"suppliers\":[\"s\"]}]}");
        String pending = (String) t.claim("nd", "a", "{\"campaignId\":\"recharge\",\"skuId\":\"m\",\"account\":\"acct-1\"}").at("grantId");
        assertEquals("NOT_DELIVERED", t.redeem(t.token("nd"), "r", "{\"grantId\":\"" + pending + "\"}").at("result"));
    }

    @Test
    void adminCountersAndStock() {
        t.codeCampaign("counted", 4);
        t.claim("c1", "a", "counted", "card");
        t.claim("c1", "b", "counted", "card");
        TestGateway.Res one = t.admin("GET", "/admin/campaigns/counted", null);
        assertEquals(200, one.status(), one.body());
        assertEquals(1L, one.at("granted"));
        assertEquals(3L, one.at("stockLeft"));
        assertEquals(1L, one.at("rejected", "LIMIT_REACHED"));
        assertEquals(4L, one.at("skus", 0, "codesLoaded"));
        assertEquals(0L, one.at("deliveries", "pending"));
        TestGateway.Res withdraw = t.admin("POST", "/admin/campaigns/counted/skus/card/stock", "{\"delta\":-2}");
        assertEquals(200, withdraw.status(), withdraw.body());
        assertEquals(1L, t.admin("GET", "/admin/campaigns/counted", null).at("stockLeft"));
        TestGateway.Res tooMuch = t.admin("POST", "/admin/campaigns/counted/skus/card/stock", "{\"delta\":-5}");
        assertEquals(400, tooMuch.status());
        assertEquals("delta", tooMuch.errorField());
        assertEquals(200, t.admin("POST", "/admin/campaigns/counted/skus/card/stock", "{\"delta\":2}").status());
        assertEquals(404, t.admin("POST", "/admin/campaigns/counted/skus/nope/stock", "{\"delta\":1}").status());
        assertEquals(404, t.admin("POST", "/admin/campaigns/nope/skus/card/stock", "{\"delta\":1}").status());
        assertEquals("delta", t.admin("POST", "/admin/campaigns/counted/skus/card/stock", "{}").errorField());
        assertEquals(404, t.admin("GET", "/admin/campaigns/unknown", null).status());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) t.admin("GET", "/admin/campaigns", null).at("campaigns");
        assertTrue(all.stream().anyMatch(c -> "counted".equals(c.get("id"))));
    }
}
