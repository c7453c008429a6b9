package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every request that never reaches a decision: the error codes of docs/api.md with their statuses and fields. */
@ExtendWith(NoLeakedThreads.class)
class ErrorsIT {
    static TestGateway t;
    static final String CLAIM = "{\"campaignId\":\"c\",\"skuId\":\"s\"}";

    @BeforeAll
    static void start() {
        t = TestGateway.start();
        t.codeCampaign("c", 5);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static TestGateway.Res claimWith(String bearer) {
        return t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Idempotency-Key", "k",
            "Content-Type", "application/json");
    }

    private static void assertError(TestGateway.Res r, int status, String code, String field) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.errorCode(), r.body());
        assertEquals(field, r.errorField(), r.body());
        assertNotNull(r.at("error", "message"));
        assertTrue(r.header("content-type").startsWith("application/json"));
    }

    @Test
    void unauthorized() {
        var tokens = t.gateway.userTokens();
        long future = Instant.now().getEpochSecond() + 600;
        assertError(t.send("POST", "/v1/claims", CLAIM, "Idempotency-Key", "k", "Content-Type", "application/json"),
            401, "UNAUTHORIZED", null);
        assertError(claimWith("Bearer not.a.jwt"), 401, "UNAUTHORIZED", null);
        assertError(claimWith("Basic dXNlcjpwYXNz"), 401, "UNAUTHORIZED", null);
        assertError(claimWith("Bearer " + tokens.mint("bob", Instant.now().getEpochSecond() - 1)), 401,
            "UNAUTHORIZED", null);
        String good = tokens.mint("bob", future);
        String tampered = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        assertError(claimWith("Bearer " + tampered), 401, "UNAUTHORIZED", null);
        byte[] payload = ("{\"sub\":\"bob\",\"exp\":" + future + "}").getBytes(StandardCharsets.UTF_8);
        // alg none: unsigned, and also "signed" with the right secret but claiming none
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(new String(payload, StandardCharsets.UTF_8)) + ".";
        assertError(claimWith("Bearer " + none), 401, "UNAUTHORIZED", null);
        String noneSigned = tokens.signRaw("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8), payload);
        assertError(claimWith("Bearer " + noneSigned), 401, "UNAUTHORIZED", null);
        String hs512 = tokens.signRaw("{\"alg\":\"HS512\"}".getBytes(StandardCharsets.UTF_8), payload);
        assertError(claimWith("Bearer " + hs512), 401, "UNAUTHORIZED", null);
        String noExp = tokens.signRaw("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8),
            "{\"sub\":\"bob\"}".getBytes(StandardCharsets.UTF_8));
        assertError(claimWith("Bearer " + noExp), 401, "UNAUTHORIZED", null);
        String longSub = tokens.mint("x".repeat(65), future);
        assertError(claimWith("Bearer " + longSub), 401, "UNAUTHORIZED", null);
        assertEquals(200, claimWith("Bearer " + tokens.signRaw("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8),
            payload)).status(), "the same payload, properly signed");

        assertError(t.send("GET", "/admin/campaigns", null), 401, "UNAUTHORIZED", null);
        assertError(t.send("GET", "/admin/campaigns", null, "Authorization", "Bearer wrong-admin-token"), 401,
            "UNAUTHORIZED", null);
        assertError(t.get("/admin/campaigns", good), 403, "FORBIDDEN", null);
    }

    private static String b64(String s) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void routesAndMethods() {
        assertError(t.send("GET", "/nope", null), 404, "NOT_FOUND", null);
        assertError(t.send("GET", "/v1/claims/extra", null), 404, "NOT_FOUND", null);
        TestGateway.Res r = t.send("GET", "/v1/claims", null);
        assertError(r, 405, "METHOD_NOT_ALLOWED", null);
        assertEquals("POST", r.header("allow"));
        TestGateway.Res put = t.send("DELETE", "/admin/campaigns/x", null);
        assertError(put, 405, "METHOD_NOT_ALLOWED", null);
        assertEquals("PUT, GET", put.header("allow"));
        assertError(t.admin("PUT", "/admin/suppliers/sim", "{\"url\":\"http://127.0.0.1:1\"}"), 400, "MISSING_FIELD",
            "secret");
        assertError(t.admin("PUT", "/admin/campaigns/bad$id", "{}"), 400, "INVALID_FIELD", "id");
    }

    @Test
    void mediaTypesAndSizes() {
        String bearer = "Bearer " + t.token("m");
        assertError(t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Idempotency-Key", "k"), 415,
            "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertError(t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Idempotency-Key", "k",
            "Content-Type", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertError(t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Idempotency-Key", "k",
            "Content-Type", "application/json; charset=latin1"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
        assertEquals(200, t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Idempotency-Key", "k",
            "Content-Type", "application/json; charset=UTF-8").status());
        assertError(t.send("POST", "/admin/campaigns/c/skus/card/codes", "A\n", "Authorization", "Bearer " + TestGateway.ADMIN,
            "Content-Type", "application/json"), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");

        String big = "{\"campaignId\":\"c\",\"skuId\":\"s\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        assertError(t.send("POST", "/v1/claims", big, "Authorization", bearer, "Idempotency-Key", "k2",
            "Content-Type", "application/json"), 413, "BODY_TOO_LARGE", null);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        try (RawHttp raw = new RawHttp(t.port, 5000)) {
            raw.write("POST /v1/claims HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + t.token("ch")
                + "\r\nIdempotency-Key: k\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(8000);
            for (int i = 0; i < 10; i++) {
                raw.write(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            RawHttp.Response r = raw.read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("connection"));
        }
    }

    @Test
    void headersTooLarge() throws Exception {
        try (RawHttp raw = new RawHttp(t.port, 5000)) {
            raw.write("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(431, r.status());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void malformedBodies() throws Exception {
        String bearer = "Bearer " + t.token("bodies");
        String[] bad = {"", "{", "[1,2]", "{\"campaignId\":\"c\",\"campaignId\":\"c\"}", "{\"campaignId\":\"c\"} x",
            "nonsense"};
        for (String b : bad) {
            assertError(t.send("POST", "/v1/claims", b, "Authorization", bearer, "Idempotency-Key", "k",
                "Content-Type", "application/json"), 400, "MALFORMED_JSON", null);
        }
        byte[] invalidUtf8 = "{\"campaignId\":\"c\",\"skuId\":\"s\",\"account\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> r = t.http.send(HttpRequest.newBuilder(URI.create(t.base + "/v1/claims"))
            .header("Authorization", bearer).header("Idempotency-Key", "k").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("MALFORMED_JSON") && r.body().contains("UTF-8"), r.body());
    }

    @Test
    void fieldsAreNamed() {
        String bearer = "Bearer " + t.token("fields");
        Object[][] cases = {
            {"{\"skuId\":\"s\"}", "MISSING_FIELD", "campaignId"},
            {"{\"campaignId\":\"c\"}", "MISSING_FIELD", "skuId"},
            {"{\"campaignId\":\"c d\",\"skuId\":\"s\"}", "INVALID_FIELD", "campaignId"},
            {"{\"campaignId\":\"c\",\"skuId\":\"" + "s".repeat(65) + "\"}", "INVALID_FIELD", "skuId"},
            {"{\"campaignId\":\"c\",\"skuId\":7}", "INVALID_FIELD", "skuId"},
            {"{\"campaignId\":\"c\",\"skuId\":\"s\",\"deviceId\":\"\u00e9\"}", "INVALID_FIELD", "deviceId"},
            {"{\"campaignId\":\"c\",\"skuId\":\"s\",\"account\":\"a\\u0000b\"}", "INVALID_FIELD", "account"},
        };
        for (Object[] c : cases) {
            assertError(t.send("POST", "/v1/claims", (String) c[0], "Authorization", bearer, "Idempotency-Key", "k",
                "Content-Type", "application/json"), 400, (String) c[1], (String) c[2]);
        }
        assertError(t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Content-Type", "application/json"),
            400, "MISSING_FIELD", "Idempotency-Key");
        assertError(t.send("POST", "/v1/claims", CLAIM, "Authorization", bearer, "Idempotency-Key", "k".repeat(65),
            "Content-Type", "application/json"), 400, "INVALID_FIELD", "Idempotency-Key");
        assertError(t.redeem(t.token("fields"), "k", "{}"), 400, "MISSING_FIELD", "grantId");
        assertError(t.redeem(t.token("fields"), "k", "{\"grantId\":\"nope\"}"), 400, "INVALID_FIELD", "grantId");
        assertError(t.send("POST", "/v1/redemptions", "{\"grantId\":\"g_AAAAAAAAAAAAAAAA\"}", "Authorization", bearer,
            "Content-Type", "application/json"), 400, "MISSING_FIELD", "Idempotency-Key");
    }

    @Test
    void campaignConfigErrorsNameTheField() {
        Object[][] cases = {
            {"{\"startsAt\":\"tomorrow\",\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}]}", "startsAt"},
            {"{\"startsAt\":\"2030-01-01T00:00:00\",\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}]}", "startsAt"},
            {"{\"startsAt\":\"2030-01-02T00:00:00Z\",\"endsAt\":\"2030-01-01T00:00:00Z\",\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}]}", "endsAt"},
            {"{\"perUserLimit\":-1,\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}]}", "perUserLimit"},
            {"{\"skus\":[]}", "skus"},
            {"{\"skus\":[{\"id\":\"a\",\"kind\":\"GOLD\"}]}", "skus[0].kind"},
            {"{\"skus\":[{\"id\":\"a\"}]}", "skus[0].kind"},
            {"{\"skus\":[{\"kind\":\"CODE\"}]}", "skus[0].id"},
            {"{\"skus\":[{\"id\":\"a\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":5}]}", "skus[0].suppliers"},
            {"{\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"},{\"id\":\"a\",\"kind\":\"CODE\"}]}", "skus[1].id"},
            {"{\"skus\":[{\"id\":\"b\",\"kind\":\"BUNDLE\",\"items\":[{\"skuId\":\"zz\"}]}]}", "skus[0].items"},
            {"{\"colour\":\"red\",\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}]}", "colour"},
            {"{\"id\":\"other\",\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}]}", "id"},
        };
        for (Object[] c : cases) {
            TestGateway.Res r = t.admin("PUT", "/admin/campaigns/cfg", (String) c[0]);
            assertEquals(400, r.status(), c[0] + " -> " + r.body());
            assertEquals(c[1], r.errorField(), c[0] + " -> " + r.body());
        }
        assertEquals(200, t.admin("PUT", "/admin/campaigns/cfg", "{\"skus\":[{\"id\":\"a\",\"kind\":\"CODE\"}],\"risk\":{}}")
            .status());
        TestGateway.Res kindChange = t.admin("PUT", "/admin/campaigns/cfg", "{\"skus\":[{\"id\":\"a\",\"kind\":\"BUNDLE\","
            + "\"items\":[{\"skuId\":\"b\"}]},{\"id\":\"b\",\"kind\":\"CODE\"}]}");
        assertEquals(400, kindChange.status(), kindChange.body());
        assertEquals("skus", kindChange.errorField());
    }

    @Test
    void uploadErrors() {
        t.admin("PUT", "/admin/campaigns/up", "{\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"},"
            + "{\"id\":\"r\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":1,\"suppliers\":[\"s\"]}]}");
        TestGateway.Res longLine = t.upload("up", "card", "OK-1\n" + "Z".repeat(129) + "\n");
        assertError(longLine, 400, "INVALID_FIELD", "codes");
        assertTrue(longLine.body().contains("line 2"), longLine.body());
        assertError(t.upload("up", "card", "A\u0001B\n"), 400, "INVALID_FIELD", "codes");
        assertError(t.upload("up", "r", "A\n"), 400, "INVALID_FIELD", "sku");
        assertError(t.upload("ghost", "card", "A\n"), 404, "NOT_FOUND", "id");
        assertError(t.upload("up", "ghost", "A\n"), 404, "NOT_FOUND", "sku");
        TestGateway.Res ok = t.upload("up", "card", "\uFEFFA-1\r\n  A-2  \n\nA-1\nA-3");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(3L, ok.at("loaded"));
        assertEquals(1L, ok.at("duplicatesSkipped"));
        assertEquals(3L, ok.at("available"));
        TestGateway.Res again = t.upload("up", "card", "A-1\nA-4\n");
        assertEquals(1L, again.at("loaded"));
        assertEquals(1L, again.at("duplicatesSkipped"));
        assertEquals(4L, again.at("available"));
        TestGateway.Res empty = t.upload("up", "card", "");
        assertEquals(200, empty.status(), empty.body());
        assertEquals(0L, empty.at("loaded"));
    }
}
