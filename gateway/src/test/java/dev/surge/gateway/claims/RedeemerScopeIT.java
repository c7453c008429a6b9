package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.wire.WireWriter;
import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.auth.AdminAuth;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Over HTTP: a redeemer key redeems the codes of the campaigns it was created for, and to it any
 * other campaign's code is NOT_FOUND, answered exactly as a code that does not exist.
 */
@ExtendWith(NoLeakedThreads.class)
class RedeemerScopeIT {
    static TestGateway t;

    @BeforeAll
    static void start() {
        t = TestGateway.start();
        t.codeCampaign("spring-vip", 5);
        t.codeCampaign("autumn", 5);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static String newKey(String merchant, String campaignsJson) {
        TestGateway.Res r = t.admin("POST", "/admin/redeemers",
            "{\"merchantId\":\"" + merchant + "\",\"campaigns\":" + campaignsJson + "}");
        assertEquals(201, r.status(), r.body());
        return (String) r.at("key");
    }

    private static String code(String user, String campaign) {
        TestGateway.Res g = t.claim(user, "k", campaign, "card");
        assertEquals("GRANTED", g.at("result"), g.body());
        return (String) g.at("items", 0, "code");
    }

    private static String body(String code) {
        return "{\"code\":\"" + code + "\"}";
    }

    /** Everything a caller sees of a reply but the Date header. */
    private static Map<String, List<String>> seen(TestGateway.Res r) {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(r.headers().map());
        m.remove("date");
        m.put(":status", List.of(Integer.toString(r.status())));
        m.put(":body", List.of(r.body()));
        return m;
    }

    @Test
    void theReplyShowsTheScope() {
        TestGateway.Res r = t.admin("POST", "/admin/redeemers",
            "{\"merchantId\":\"cafe-9\",\"campaigns\":[\"autumn\",\"spring-vip\"]}");
        assertEquals(201, r.status(), r.body());
        assertEquals("cafe-9", r.at("merchantId"));
        assertEquals(List.of("autumn", "spring-vip"), r.at("campaigns"));
        assertTrue(((String) r.at("key")).startsWith("rk_"));
    }

    @Test
    void aKeyRedeemsItsCampaignsCodesAndAnotherCampaignsCodeIsNotFoundLikeNoCode() {
        String springKey = newKey("cafe-1", "[\"spring-vip\"]");
        String autumnKey = newKey("cafe-2", "[\"autumn\"]");
        String spring = code("s1", "spring-vip");
        String autumn = code("a1", "autumn");

        TestGateway.Res outside = t.redeem(springKey, "m1", body(autumn));
        TestGateway.Res nothing = t.redeem(springKey, "m2", body("NO-SUCH-CODE"));
        assertEquals(200, outside.status());
        assertEquals("{\"result\":\"NOT_FOUND\"}", outside.body());
        assertEquals(seen(nothing), seen(outside), "the same status, headers and body");

        TestGateway.Res outsideAgain = t.redeem(springKey, "m1", body(autumn));
        TestGateway.Res nothingAgain = t.redeem(springKey, "m2", body("NO-SUCH-CODE"));
        assertEquals("true", outsideAgain.header("Idempotent-Replayed"));
        assertEquals(seen(nothingAgain), seen(outsideAgain), "and the same idempotent replay");

        TestGateway.Res byOwnKey = t.redeem(springKey, "m3", body(spring));
        assertEquals("REDEEMED", byOwnKey.at("result"), byOwnKey.body());
        assertTrue(((String) byOwnKey.at("grantId")).startsWith("g_"));
        TestGateway.Res byItsCampaign = t.redeem(autumnKey, "m1", body(autumn));
        assertEquals("REDEEMED", byItsCampaign.at("result"), "the refused try left the code unredeemed");
        TestGateway.Res redeemedElsewhere = t.redeem(springKey, "m4", body(autumn));
        assertEquals(seen(t.redeem(springKey, "m5", body("NO-SUCH-CODE"))), seen(redeemedElsewhere),
            "a code redeemed in another campaign is still no code to this key (not ALREADY_REDEEMED)");
    }

    @Test
    void aKeyForSeveralCampaignsRedeemsInEach() {
        String both = newKey("chain-1", "[\"autumn\",\"spring-vip\"]");
        assertEquals("REDEEMED", t.redeem(both, "m1", body(code("b1", "spring-vip"))).at("result"));
        assertEquals("REDEEMED", t.redeem(both, "m2", body(code("b2", "autumn"))).at("result"));
    }

    @Test
    void theScopeIsRequiredAndChecked() {
        assertField("{\"merchantId\":\"m1\"}", "MISSING_FIELD", "campaigns");
        assertField("{\"campaigns\":[\"autumn\"]}", "MISSING_FIELD", "merchantId");
        assertField("{\"merchantId\":\"m1\",\"campaigns\":[]}", "INVALID_FIELD", "campaigns");
        assertField("{\"merchantId\":\"m1\",\"campaigns\":\"autumn\"}", "INVALID_FIELD", "campaigns");
        assertField("{\"merchantId\":\"m1\",\"campaigns\":[null]}", "INVALID_FIELD", "campaigns");
        assertField("{\"merchantId\":\"m1\",\"campaigns\":[\"bad id!\"]}", "INVALID_FIELD", "campaigns");
        assertField("{\"merchantId\":\"m1\",\"campaigns\":[\"autumn\",\"autumn\"]}", "INVALID_FIELD", "campaigns");
        assertField("{\"merchantId\":\"m1\",\"campaigns\":[\"autumn\"],\"scope\":\"all\"}", "INVALID_FIELD", "scope");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= 64; i++) {
            many.append(i == 0 ? "" : ",").append("\"c").append(i).append('"');
        }
        assertField("{\"merchantId\":\"m1\",\"campaigns\":" + many + "]}", "INVALID_FIELD", "campaigns");
        TestGateway.Res typo = assertField("{\"merchantId\":\"m1\",\"campaigns\":[\"autumn\",\"spring-vp\"]}",
            "INVALID_FIELD", "campaigns");
        assertEquals("campaigns: no campaign spring-vp", typo.at("error", "message"), "a typo names the campaign");
    }

    private static TestGateway.Res assertField(String json, String code, String field) {
        TestGateway.Res r = t.admin("POST", "/admin/redeemers", json);
        assertEquals(400, r.status(), r.body());
        assertEquals(code, r.errorCode(), r.body());
        assertEquals(field, r.errorField(), r.body());
        return r;
    }

    /**
     * A key journaled before keys had scopes (REDEEMER_CREATED without a campaign list) is still a
     * known key after a restart, not a 401, and redeems nothing: every code is NOT_FOUND to it.
     */
    @Test
    void aKeyFromBeforeScopesRedeemsNothingAfterARestart() {
        MemoryStorage storage = new MemoryStorage();
        String code;
        try (TestGateway old = TestGateway.start(c -> {
        }, storage, true)) {
            old.codeCampaign("legacy", 2);
            code = (String) old.claim("u1", "k", "legacy", "card").at("items", 0, "code");
        }
        String key = "rk_from-before-scopes";
        long[] last = new long[2];
        storage.any(e -> {
            last[0] = e.sequence;
            last[1] = e.timestamp;
            return false;
        });
        storage.append(legacyRedeemerCreated(last[0] + 1, last[1], "old-shop", AdminAuth.sha256(key)));
        try (TestGateway restarted = TestGateway.start(c -> {
        }, storage, true)) {
            TestGateway.Res r = restarted.redeem(key, "m1", body(code));
            assertEquals(200, r.status(), "a known key");
            assertEquals("{\"result\":\"NOT_FOUND\"}", r.body());
            String fresh = (String) restarted.admin("POST", "/admin/redeemers",
                "{\"merchantId\":\"old-shop\",\"campaigns\":[\"legacy\"]}").at("key");
            // a fresh Idempotency-Key: keys are per merchant, and "m1" already holds old-shop's NOT_FOUND
            assertEquals("REDEEMED", restarted.redeem(fresh, "m2", body(code)).at("result"), "a new scoped key does");
        }
        assertTrue(storage.any(e -> e.type == EventType.REDEEMER_CREATED && e.scopeCount == 0));
        assertTrue(storage.any(e -> e.type == EventType.REDEEMER_CREATED && e.scope().equals(List.of("legacy"))));
    }

    /** REDEEMER_CREATED as journals had it before scopes: redeemer, keyHash, nothing after. */
    private static byte[] legacyRedeemerCreated(long sequence, long timestamp, String redeemer, byte[] keyHash) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.REDEEMER_CREATED.code()).putLong(sequence).putLong(timestamp);
        w.putString(redeemer).putBytes(keyHash, 0, keyHash.length);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        assertTrue(new EventView().wrap(new org.agrona.concurrent.UnsafeBuffer(out), 0, out.length));
        return out;
    }
}
