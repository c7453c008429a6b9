package dev.surge.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.risk.RiskSubject;
import dev.surge.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UserTokensTest {
    private final UserTokens tokens = new UserTokens("0123456789abcdef0123456789abcdef", Json.FACTORY);
    private static final long NOW = 1_700_000_000_000L;

    private String sign(String header, String payload) {
        return tokens.signRaw(header.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsAValidToken() {
        UserTokens.Verdict v = tokens.verify(tokens.mint("user-1@example", NOW / 1000 + 60), NOW);
        assertTrue(v.ok(), v.failure());
        assertEquals("user-1@example", v.user());
    }

    @Test
    void refusesEverythingElse() {
        long exp = NOW / 1000 + 60;
        String payload = "{\"sub\":\"u\",\"exp\":" + exp + "}";
        assertFalse(tokens.verify(sign("{\"alg\":\"none\"}", payload), NOW).ok());
        assertFalse(tokens.verify(sign("{\"alg\":\"HS384\"}", payload), NOW).ok());
        assertFalse(tokens.verify(sign("{\"typ\":\"JWT\"}", payload), NOW).ok(), "no alg");
        assertFalse(tokens.verify(sign("{\"alg\":\"HS256\",\"crit\":[\"x\"]}", payload), NOW).ok());
        assertFalse(tokens.verify(sign("[]", payload), NOW).ok());
        assertFalse(tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u\"}"), NOW).ok(), "no exp");
        assertFalse(tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"exp\":" + exp + "}"), NOW).ok(), "no sub");
        assertFalse(tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"sub\":\"\",\"exp\":" + exp + "}"), NOW).ok());
        assertFalse(tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u\",\"exp\":\"" + exp + "\"}"), NOW).ok());
        assertFalse(tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u\",\"exp\":" + exp + ",\"nbf\":"
            + (exp + 10) + "}"), NOW).ok(), "not yet valid");
        assertFalse(tokens.verify(tokens.mint("u", NOW / 1000), NOW).ok(), "expired at exactly now");
        assertTrue(tokens.verify(sign("{\"alg\":\"HS256\"}", payload), NOW).ok());
        String other = new UserTokens("another-secret-another-secret-0000", Json.FACTORY).mint("u", exp);
        assertEquals("bad token signature", tokens.verify(other, NOW).failure());
        assertFalse(tokens.verify("a.b", NOW).ok());
        assertFalse(tokens.verify("a.b.c.d", NOW).ok());
        assertFalse(tokens.verify("!!.??.**", NOW).ok());
        assertFalse(tokens.verify(null, NOW).ok());
    }

    @Test
    void carriesTheIssueTimeForTheTokenAgeRule() {
        long exp = NOW / 1000 + 60;
        assertEquals(NOW - 3_600_000, tokens.verify(tokens.mint("u", exp, NOW / 1000 - 3600), NOW).issuedAt());
        assertEquals(RiskSubject.NO_ISSUED_AT, tokens.verify(tokens.mint("u", exp), NOW).issuedAt(), "no iat");
        assertEquals("token iat must be a number",
            tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u\",\"exp\":" + exp + ",\"iat\":\"x\"}"), NOW)
                .failure());
        assertEquals("token iat out of range",
            tokens.verify(sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u\",\"exp\":" + exp + ",\"iat\":-5}"), NOW)
                .failure());
    }

    /** The usual header is recognised as text; everything after it is still checked. */
    @Test
    void theCommonHeaderSkipsOnlyTheHeaderParse() {
        long exp = NOW / 1000 + 60;
        String common = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        String good = sign(common, "{\"sub\":\"u\",\"exp\":" + exp + "}");
        assertTrue(good.startsWith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."), good);
        assertTrue(tokens.verify(good, NOW).ok());
        String forged = good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA");
        assertFalse(tokens.verify(forged, NOW).ok(), "signature still checked");
        assertFalse(tokens.verify(sign(common, "{\"sub\":\"u\",\"exp\":" + (NOW / 1000 - 5) + "}"), NOW).ok(),
            "expiry still checked");
        assertFalse(tokens.verify(new UserTokens("another-secret-of-32-bytes-or-more!!", Json.FACTORY).mint("u", exp), NOW)
            .ok(), "another secret");
    }

    private static final String COMMON = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    /** Payload shapes: the common one, and everything the byte reader must leave to Jackson or read alike. */
    private static String[] payloads(long exp) {
        return new String[] {
            "{\"sub\":\"u\",\"exp\":" + exp + "}",
            "{\"sub\":\"user-1@example\",\"exp\":" + exp + ",\"iat\":" + (exp - 7200) + "}",
            " { \"exp\" : " + exp + " ,\n\t\"sub\" :\"u v\" , \"x\":[1,{\"a\":2}], \"nbf\": 5 } \r\n",
            "{\"sub\":\"u\",\"exp\":" + exp + ",\"sub\":\"v\"}",
            "{\"sub\":\"u\",\"exp\":" + exp + ".5}",
            "{\"sub\":\"u\",\"exp\":1e300}",
            "{\"sub\":\"u\",\"exp\":123456789012345678901234567890}",
            "{\"sub\":\"u\",\"exp\":-0}",
            "{\"sub\":\"u\",\"exp\":0" + exp + "}",
            "{\"sub\":\"u\\u0041\",\"exp\":" + exp + "}",
            "{\"sub\":\"\u00e9t\u00e9\",\"exp\":" + exp + "}",
            "{\"sub\":\"a\\u0000b\",\"exp\":" + exp + "}",
            "{\"sub\":\"" + "x".repeat(65) + "\",\"exp\":" + exp + "}",
            "{\"sub\":\"" + "x".repeat(64) + "\",\"exp\":" + exp + "}",
            "{\"sub\":true,\"exp\":" + exp + "}",
            "{\"sub\":null,\"exp\":" + exp + "}",
            "{\"sub\":5,\"exp\":\"x\"}",
            "{\"exp\":\"x\",\"sub\":5}",
            "{\"exp\":\"x,\"sub\":5}",
            "{\"sub\":\"u\",\"exp\":" + exp + ",\"nbf\":truex}",
            "{\"sub\":\"u\",\"exp\":" + exp + ",\"iat\":false}",
            "{\"sub\":\"u\",\"exp\":" + exp + "}trailing",
            "{\"sub\":\"u\",\"exp\":" + exp + "} ",
            "{\"sub\":\"u\",\"exp\":" + exp + ",}",
            "{\"sub\":\"u\" \"exp\":" + exp + "}",
            "{\"sub\":\"u\",\"exp\":" + exp,
            "{\"sub\":\"u\",\"exp\":" + exp + ",\"iat\":9223372036854775807}",
            "{\"sub\":\"u\",\"exp\":999999999999999999}",
            "\ufeff{\"sub\":\"u\",\"exp\":" + exp + "}",
            "{}", "[]", "", "null", "{\"sub\":\"u\"}", "{\"exp\":" + exp + "}",
        };
    }

    private void assertSameVerdict(String token) {
        UserTokens.Verdict fast = tokens.verify(token, NOW);
        UserTokens.Verdict reference = tokens.reference(token, NOW);
        assertEquals(reference, fast, token);
        String bearer = "Bearer  " + token + " ";
        assertEquals(reference, tokens.verify(bearer, 8, bearer.length() - 1, NOW), bearer);
    }

    /**
     * The allocation-free reading gives the reference reading's verdict (accepted or not, the same
     * user, issue time and failure) on every payload shape above, under the common and other
     * headers, and on random corruptions of them. Rerun one history with -Dsurge.seed=N.
     */
    @Test
    void readsEveryTokenAsTheReferenceReadingDoes() {
        long seed = Long.getLong("surge.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        long exp = NOW / 1000 + 60;
        String[] headers = {COMMON, "{\"alg\":\"HS256\"}", "{\"alg\":\"none\"}", "{\"typ\":\"JWT\",\"alg\":\"HS256\"}"};
        String alphabet = "AZaz09-_.=+/ \u00e9";
        int checked = 0;
        for (String header : headers) {
            for (String payload : payloads(exp)) {
                String token = sign(header, payload);
                assertSameVerdict(token);
                for (int m = 0; m < 40; m++) {
                    StringBuilder b = new StringBuilder(token);
                    int at = random.nextInt(b.length() + 1);
                    switch (random.nextInt(4)) {
                        case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        case 1 -> b.setCharAt(Math.min(at, b.length() - 1), alphabet.charAt(random.nextInt(alphabet.length())));
                        case 2 -> b.setLength(at);
                        default -> b.deleteCharAt(Math.min(at, b.length() - 1));
                    }
                    if (b.length() > 0) {
                        assertSameVerdict(b.toString());
                    }
                    checked++;
                }
            }
        }
        assertSameVerdict(tokens.mint("u", exp) + "x".repeat(UserTokens.MAX_TOKEN_LENGTH));
        assertTrue(checked > 1000, "seed " + seed);
    }

    /** The common shapes are judged by the byte reader itself (not handed to the reference reading). */
    @Test
    void theByteReaderJudgesTheCommonShapes() {
        TokenClaims c = new TokenClaims();
        byte[] p = "{\"sub\":\"u-1\",\"exp\":17,\"iat\":-3,\"x\":null}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(TokenClaims.READ, c.scan(p, p.length));
        assertEquals(17, c.exp);
        assertEquals(-3, c.iat);
        assertEquals("u-1", new String(p, c.subOffset, c.subLength, StandardCharsets.US_ASCII));
        byte[] wrong = "{\"exp\":\"17\",\"sub\":1}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(TokenClaims.WRONG_TYPE, c.scan(wrong, wrong.length));
        assertEquals("token exp must be a number", c.failure);
        byte[] nested = "{\"sub\":\"u\",\"x\":{}}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(TokenClaims.UNSURE, c.scan(nested, nested.length));
    }
}
