package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fast path answers exactly what Netty's decoder path answers: each request is sent as the
 * fast path takes it, then with one header it does not know (so Netty's decoder reads it), and
 * the two answers must be the same bytes. The fast-request counter proves which path each took.
 * Then requests that look like fast ones but are bad get the refusals they always got.
 */
@ExtendWith(NoLeakedThreads.class)
class FastPathIT {
    private static final Pattern FAST = Pattern.compile("(?m)^surge_http_fast_requests_total (\\d+)$");
    private static final String CLAIM = "{\"campaignId\":\"f\",\"skuId\":\"card\"}";
    static TestGateway t;

    @BeforeAll
    static void start() {
        t = TestGateway.start();
        t.codeCampaign("f", 20);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static long fastSoFar() {
        Matcher m = FAST.matcher(t.send("GET", "/metrics", null).body());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** A request as bytes: head lines, then the body with its Content-Length unless one is given. */
    private static byte[] request(String line, byte[] body, String... headers) {
        StringBuilder h = new StringBuilder(line).append("\r\nHost: 127.0.0.1\r\n");
        boolean length = false;
        for (String x : headers) {
            h.append(x).append("\r\n");
            length |= x.regionMatches(true, 0, "Content-Length:", 0, 15);
        }
        if (!length) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        h.append("\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(body);
        return b.toByteArray();
    }

    private static byte[] claim(String user, String key, byte[] body, String... more) {
        String[] h = new String[more.length + 3];
        h[0] = "Authorization: Bearer " + t.token(user);
        h[1] = "Content-Type: application/json";
        h[2] = "Idempotency-Key: " + key;
        System.arraycopy(more, 0, h, 3, more.length);
        return request("POST /v1/claims HTTP/1.1", body, h);
    }

    /** The answer on a fresh connection: status, headers (sorted), body, and whether the server then closed. */
    private static String answer(byte[] request) throws IOException {
        try (RawHttp raw = new RawHttp(t.port, 5000)) {
            raw.write(request);
            RawHttp.Response r = raw.read();
            String closed = "close".equals(r.header("connection")) ? " closed=" + raw.closedByServer() : "";
            return r.status() + " " + new TreeMap<>(r.headers()) + " " + r.body() + closed;
        }
    }

    /** The answer through the fast path and through Netty's decoder, checked equal; and the counter. */
    private static String bothWays(byte[] fast, byte[] slow) throws IOException {
        long before = fastSoFar();
        String a = answer(fast);
        long afterFast = fastSoFar();
        String b = answer(slow);
        assertEquals(before + 1, afterFast, "the first went the fast way: " + a);
        assertEquals(afterFast, fastSoFar(), "the second went Netty's way: " + b);
        assertEquals(a, b);
        return a;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void refusalsAreTheSameEitherWay() throws IOException {
        byte[] claim = bytes(CLAIM);
        String slow = "X-Trace: 1";
        assertTrue(bothWays(request("POST /v1/claims HTTP/1.1", claim, "Content-Type: application/json",
            "Idempotency-Key: k"), request("POST /v1/claims HTTP/1.1", claim, "Content-Type: application/json",
            "Idempotency-Key: k", slow)).startsWith("401 "));
        assertTrue(bothWays(request("POST /v1/claims HTTP/1.1", claim, "Authorization: Bearer nope.nope.nope",
            "Content-Type: application/json", "Idempotency-Key: k"), request("POST /v1/claims HTTP/1.1", claim,
            "Authorization: Bearer nope.nope.nope", "Content-Type: application/json", "Idempotency-Key: k", slow))
            .startsWith("401 "));
        String token = "Authorization: Bearer " + t.token("r1");
        assertTrue(bothWays(request("POST /v1/claims HTTP/1.1", claim, token, "Content-Type: text/plain",
            "Idempotency-Key: k"), request("POST /v1/claims HTTP/1.1", claim, token, "Content-Type: text/plain",
            "Idempotency-Key: k", slow)).contains("UNSUPPORTED_MEDIA_TYPE"));
        assertTrue(bothWays(request("POST /v1/claims HTTP/1.1", claim, token, "Content-Type: application/json"),
            request("POST /v1/claims HTTP/1.1", claim, token, "Content-Type: application/json", slow))
            .contains("MISSING_FIELD"));
        assertTrue(bothWays(claim("r2", "k", bytes("{\"campaignId\":\"f\",\"campaignId\":\"f\"}")),
            claim("r2", "k", bytes("{\"campaignId\":\"f\",\"campaignId\":\"f\"}"), slow)).contains("MALFORMED_JSON"));
        assertTrue(bothWays(claim("r3", "k", bytes("{")), claim("r3", "k", bytes("{"), slow)).contains("MALFORMED_JSON"));
        byte[] nul = bytes("{\"campaignId\":\"f\u0000\",\"skuId\":\"card\"}");
        assertTrue(bothWays(claim("r4", "k", nul), claim("r4", "k", nul, slow)).startsWith("400 "));
        byte[] latin1 = "{\"campaignId\":\"f\",\"skuId\":\"card\",\"account\":\"\u00ff\"}"
            .getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(bothWays(claim("r5", "k", latin1), claim("r5", "k", latin1, slow)).contains("UTF-8"));
        assertTrue(bothWays(request("POST /v1/redemptions HTTP/1.1", bytes("{\"grantId\":\"x\"}"), token,
            "Content-Type: application/json", "Idempotency-Key: k"), request("POST /v1/redemptions HTTP/1.1",
            bytes("{\"grantId\":\"x\"}"), token, "Content-Type: application/json", "Idempotency-Key: k", slow))
            .contains("\"grantId\""));
    }

    @Test
    void decisionsAreTheSameEitherWay() throws IOException {
        String slow = "X-Trace: 1";
        String first = answer(claim("d1", "k1", bytes(CLAIM)));
        String slowReplay = answer(claim("d1", "k1", bytes(CLAIM), slow));
        String fastReplay = answer(claim("d1", "k1", bytes(CLAIM)));
        assertTrue(first.startsWith("200 ") && first.contains("GRANTED"), first);
        assertEquals(slowReplay, fastReplay);
        assertEquals(first.substring(first.lastIndexOf('}') - 40), slowReplay.substring(slowReplay.lastIndexOf('}') - 40),
            "the same decision");
        assertTrue(slowReplay.contains("idempotent-replayed=true"), slowReplay);
        byte[] nowhere = bytes("{\"campaignId\":\"nope\",\"skuId\":\"card\"}");
        String closing = bothWays(claim("d2", "k", nowhere, "Connection: close"),
            claim("d2", "k", nowhere, "Connection: close", slow));
        assertTrue(closing.endsWith("closed=true"), closing);
    }

    /** Bad requests that begin like fast ones, and the refusals they get (the same as before the fast path). */
    @Test
    void badRequestsThatLookFastKeepTheirRefusals() throws IOException {
        byte[] claim = bytes(CLAIM);
        String token = "Authorization: Bearer " + t.token("b1");
        String type = "Content-Type: application/json";
        assertRefused("400 ", "MALFORMED_REQUEST", answer(request("POST /v1/claims HTTP/1.1", claim, token, type,
            "Idempotency-Key: k", "Content-Length: 34", "Content-Length: 35")));
        assertRefused("400 ", "MALFORMED_REQUEST", answer(request("POST /v1/claims HTTP/1.1", claim, token, type,
            "Idempotency-Key: k", "Content-Length: 34", "Transfer-Encoding: chunked")));
        assertRefused("431 ", "HEADERS_TOO_LARGE", answer(request("POST /v1/claims HTTP/1.1", claim, token, type,
            "Idempotency-Key: k", "User-Agent: " + "u".repeat(10_000))));
        assertRefused("413 ", "BODY_TOO_LARGE", answer(request("POST /v1/claims HTTP/1.1", claim, token, type,
            "Idempotency-Key: k", "Content-Length: 70000")));
        assertRefused("400 ", "MALFORMED_REQUEST", answer(request("POST /v1/claims HTTP/1.1", claim, token, type,
            "Idempotency-Key: a\u0000b")));
        // a body longer than its Content-Length: the surplus is the next request, which is garbage
        try (RawHttp raw = new RawHttp(t.port, 5000)) {
            byte[] r = claim("b2", "k", bytes(CLAIM + "XYZ\r\n\r\n"), "Content-Length: " + CLAIM.length());
            raw.write(r);
            assertEquals(200, raw.read().status());
            RawHttp.Response second = raw.read();
            assertEquals(400, second.status(), second.body());
            assertTrue(second.body().contains("MALFORMED_REQUEST"), second.body());
            assertTrue(raw.closedByServer());
        }
    }

    private static void assertRefused(String status, String code, String answer) {
        assertTrue(answer.startsWith(status) && answer.contains(code) && answer.endsWith("closed=true"), answer);
    }
}
