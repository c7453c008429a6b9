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
}
