package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lifecycle of a grant over HTTP (docs/lifecycle.md): codes' validity, revocation, re-issue
 * and gifts, against the real server on a loopback port.
 */
@ExtendWith(NoLeakedThreads.class)
class GrantLifecycleIT {
    static TestGateway t;

    @BeforeAll
    static void start() {
        t = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static TestGateway.Res transfer(String user, String key, String grantId, String json) {
        return t.send("POST", "/v1/grants/" + grantId + "/transfer", json, "Authorization", "Bearer " + t.token(user),
            "Idempotency-Key", key, "Content-Type", "application/json");
    }

    private static String redeemer(String campaign) {
        TestGateway.Res r = t.admin("POST", "/admin/redeemers",
            "{\"merchantId\":\"shop-" + campaign + "\",\"campaigns\":[\"" + campaign + "\"]}");
        assertEquals(201, r.status(), r.body());
        return (String) r.at("key");
    }

    @Test
    void codesPastTheirValidityAnswerExpiredAndGrantsShowIt() {
        TestGateway.Res c = t.admin("PUT", "/admin/campaigns/dated", "{\"skus\":[{\"id\":\"old\",\"kind\":\"CODE\","
            + "\"codeValidUntil\":\"2020-01-01T00:00:00+08:00\"},{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        assertEquals(200, c.status(), c.body());
        assertEquals(200, t.upload("dated", "old", "OLD-1\n").status());
        TestGateway.Res up = t.send("POST", "/admin/campaigns/dated/skus/card/codes?validUntil=2999-12-31T23:59:59Z",
            "CARD-1\n", "Authorization", "Bearer " + TestGateway.ADMIN, "Content-Type", "text/plain");
        assertEquals(200, up.status(), up.body());
        assertEquals(200, t.upload("dated", "card", "CARD-2\n").status());
        TestGateway.Res bad = t.send("POST", "/admin/campaigns/dated/skus/card/codes?validUntil=tomorrow", "X\n",
            "Authorization", "Bearer " + TestGateway.ADMIN, "Content-Type", "text/plain");
        assertEquals(400, bad.status(), bad.body());
        assertEquals("validUntil", bad.errorField());

        String expired = (String) t.claim("v1", "k", "dated", "old").at("grantId");
        String valid = (String) t.claim("v1", "k2", "dated", "card").at("grantId");
        String none = (String) t.claim("v2", "k", "dated", "card").at("grantId");
        TestGateway.Res view = t.get("/v1/grants/" + expired, t.token("v1"));
        assertEquals("2019-12-31T16:00:00Z", view.at("items", 0, "validUntil"), view.body());
        assertEquals("ACTIVE", view.at("status"));
        assertEquals("2999-12-31T23:59:59Z", t.get("/v1/grants/" + valid, t.token("v1")).at("items", 0, "validUntil"));
        assertNull(t.get("/v1/grants/" + none, t.token("v2")).at("items", 0, "validUntil"), "no validity, none shown");

        String key = redeemer("dated");
        assertEquals("EXPIRED", t.redeem(key, "r1", "{\"code\":\"OLD-1\"}").at("result"));
        assertEquals("EXPIRED", t.redeem(t.token("v1"), "r2", "{\"grantId\":\"" + expired + "\"}").at("result"));
        assertEquals("REDEEMED", t.redeem(key, "r3", "{\"code\":\"CARD-1\"}").at("result"));
    }

    @Test
    void revokedGrantsAreNotRedeemableAndShowRevoked() {
        t.codeCampaign("rev", 3);
        String grant = (String) t.claim("r1", "k", "rev", "card").at("grantId");
        String code = (String) t.get("/v1/grants/" + grant, t.token("r1")).at("items", 0, "code");
        TestGateway.Res missingReason = t.admin("POST", "/admin/grants/" + grant + "/revoke", "{\"requestedBy\":\"ops\"}");
        assertEquals(400, missingReason.status(), missingReason.body());
        assertEquals("reason", missingReason.errorField());

        TestGateway.Res r = t.admin("POST", "/admin/grants/" + grant + "/revoke",
            "{\"reason\":\"chargeback\",\"requestedBy\":\"ops-anna\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("REVOKED", r.at("status"));
        assertTrue(((String) r.at("requestedBy")).startsWith("ops-anna via "), r.body());
        assertEquals("REVOKED", t.get("/v1/grants/" + grant, t.token("r1")).at("status"));
        assertEquals("REVOKED", t.get("/v1/me/grants", t.token("r1")).at("grants", 0, "status"));

        TestGateway.Res byOwner = t.redeem(t.token("r1"), "x1", "{\"grantId\":\"" + grant + "\"}");
        assertEquals(409, byOwner.status(), byOwner.body());
        assertEquals("REVOKED", byOwner.at("result"));
        TestGateway.Res byMerchant = t.redeem(redeemer("rev"), "x2", "{\"code\":\"" + code + "\"}");
        assertEquals(409, byMerchant.status(), byMerchant.body());
        assertEquals("REVOKED", byMerchant.at("result"));
        TestGateway.Res again = t.redeem(t.token("r1"), "x1", "{\"grantId\":\"" + grant + "\"}");
        assertEquals(409, again.status());
        assertEquals("true", again.header("Idempotent-Replayed"));

        TestGateway.Res twice = t.admin("POST", "/admin/grants/" + grant + "/revoke", "{\"reason\":\"again\"}");
        assertEquals(409, twice.status(), twice.body());
        assertEquals("CONFLICT", twice.errorCode());
        assertEquals(404, t.admin("POST", "/admin/grants/g_AAAAAAAAAAAAAAAA/revoke", "{\"reason\":\"x\"}").status());
    }

    @Test
    void aReissueGivesTheOwnerAFreshCodeUntilThePoolIsEmpty() {
        t.codeCampaign("re", 2);
        String grant = (String) t.claim("s1", "k", "re", "card").at("grantId");
        TestGateway.Res r = t.admin("POST", "/admin/grants/" + grant + "/reissue", "{\"reason\":\"code did not work\"}");
        assertEquals(200, r.status(), r.body());
        String fresh = (String) r.at("grantId");
        assertNotEquals(grant, fresh);
        assertEquals(grant, r.at("reissuedFrom"));
        TestGateway.Res view = t.get("/v1/grants/" + fresh, t.token("s1"));
        assertEquals(200, view.status(), view.body());
        assertEquals("re-CODE-1", view.at("items", 0, "code"));
        assertEquals("REVOKED", t.get("/v1/grants/" + grant, t.token("s1")).at("status"));
        assertEquals(List.of(fresh, grant), List.of(t.get("/v1/me/grants", t.token("s1")).at("grants", 0, "grantId"),
            t.get("/v1/me/grants", t.token("s1")).at("grants", 1, "grantId")));

        TestGateway.Res soldOut = t.admin("POST", "/admin/grants/" + fresh + "/reissue", "{\"reason\":\"again\"}");
        assertEquals(409, soldOut.status(), soldOut.body());
        assertTrue(soldOut.body().contains("SOLD_OUT"), soldOut.body());
        assertEquals("ACTIVE", t.get("/v1/grants/" + fresh, t.token("s1")).at("status"), "a refusal changes nothing");
    }

    @Test
    void aGiftMovesTheGrantToTheRecipient() {
        t.codeCampaign("gift", 3);
        String grant = (String) t.claim("giver", "k", "gift", "card").at("grantId");
        TestGateway.Res noKey = t.send("POST", "/v1/grants/" + grant + "/transfer", "{\"to\":\"friend\"}",
            "Authorization", "Bearer " + t.token("giver"), "Content-Type", "application/json");
        assertEquals(400, noKey.status(), noKey.body());
        assertEquals("Idempotency-Key", noKey.errorField());
        assertEquals("to", transfer("giver", "t0", grant, "{}").errorField());
        assertEquals(400, transfer("giver", "t0", grant, "{\"to\":\"giver\"}").status(), "not to oneself");
        TestGateway.Res stranger = transfer("mallory", "t1", grant, "{\"to\":\"mallory2\"}");
        assertEquals(200, stranger.status());
        assertEquals("NOT_FOUND", stranger.at("result"));

        TestGateway.Res r = transfer("giver", "t2", grant, "{\"to\":\"friend\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("TRANSFERRED", r.at("result"));
        assertEquals(grant, r.at("grantId"));
        TestGateway.Res retry = transfer("giver", "t2", grant, "{\"to\":\"friend\"}");
        assertEquals("TRANSFERRED", retry.at("result"));
        assertEquals("true", retry.header("Idempotent-Replayed"));

        assertEquals(404, t.get("/v1/grants/" + grant, t.token("giver")).status(), "the giver no longer sees it");
        assertEquals(List.of(), t.get("/v1/me/grants", t.token("giver")).at("grants"));
        assertEquals(grant, t.get("/v1/me/grants", t.token("friend")).at("grants", 0, "grantId"));
        assertEquals("NOT_OWNER", t.redeem(t.token("giver"), "x", "{\"grantId\":\"" + grant + "\"}").at("result"));
        assertEquals("REDEEMED", t.redeem(t.token("friend"), "x", "{\"grantId\":\"" + grant + "\"}").at("result"));
        assertEquals("ALREADY_REDEEMED", transfer("friend", "t3", grant, "{\"to\":\"third\"}").at("result"));
        assertEquals("LIMIT_REACHED", t.claim("giver", "k2", "gift", "card").at("result"), "limits stay with the claimer");
    }
}
