package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class ContentRulesTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private final ContentRules rules = new ContentRules(1000);

    private String check(Route route, String... headers) {
        return Refusal.of(rules.check(Refusal.exchange(route.method, "/", headers).head, route, ALLOC));
    }

    @Test
    void aJsonRouteTakesUtf8JsonOnly() {
        assertEquals("ok", check(Route.CAMPAIGN_PUT, "Content-Type", "application/json"));
        assertEquals("ok", check(Route.CAMPAIGN_PUT, "Content-Type", "Application/JSON; charset=UTF-8"));
        assertEquals("415 UNSUPPORTED_MEDIA_TYPE", check(Route.CAMPAIGN_PUT));
        assertEquals("415 UNSUPPORTED_MEDIA_TYPE", check(Route.CAMPAIGN_PUT, "Content-Type", "text/plain"));
        assertEquals("415 UNSUPPORTED_MEDIA_TYPE",
            check(Route.CAMPAIGN_PUT, "Content-Type", "application/json; charset=iso-8859-1"));
        assertEquals("415 UNSUPPORTED_MEDIA_TYPE",
            check(Route.CAMPAIGN_PUT, "Content-Type", "application/json; charset=us-ascii"), "ASCII is for uploads");
    }

    @Test
    void anUploadTakesTextInUtf8OrAsciiOfAnySize() {
        assertEquals("ok", check(Route.CODES, "Content-Type", "text/plain; charset=us-ascii", "Content-Length", "5000"));
        assertEquals("415 UNSUPPORTED_MEDIA_TYPE", check(Route.CODES, "Content-Type", "application/json"));
    }

    @Test
    void aRouteWithoutABodyIgnoresTheTypeButNotTheDeclaredSize() {
        assertEquals("ok", check(Route.CAMPAIGN_PAUSE, "Content-Type", "image/png"));
        assertEquals("ok", check(Route.CAMPAIGN_PAUSE, "Content-Length", "1000"));
        assertEquals("413 BODY_TOO_LARGE", check(Route.CAMPAIGN_PAUSE, "Content-Length", "1001"));
        assertEquals("413 BODY_TOO_LARGE", check(Route.CAMPAIGN_PUT, "Content-Type", "application/json",
            "Content-Length", "1001"));
    }

    @Test
    void aMutatingV1CallNeedsAnIdempotencyKey() {
        assertEquals("400 MISSING_FIELD", check(Route.CLAIM, "Content-Type", "application/json"));
        assertEquals("400 INVALID_FIELD", check(Route.CLAIM, "Content-Type", "application/json",
            "Idempotency-Key", "x".repeat(65)));
        assertEquals("ok", check(Route.CLAIM, "Content-Type", "application/json", "Idempotency-Key", "k-1"));
        assertEquals("415 UNSUPPORTED_MEDIA_TYPE", check(Route.CLAIM, "Idempotency-Key", "k-1"), "the type first");
    }

    @Test
    void anIdempotencyKeyIsOneTo64PrintableAsciiCharacters() {
        assertTrue(ContentRules.validIdempotencyKey("a"));
        assertTrue(ContentRules.validIdempotencyKey(" ~".repeat(32)));
        assertFalse(ContentRules.validIdempotencyKey(""));
        assertFalse(ContentRules.validIdempotencyKey("x".repeat(65)));
        assertFalse(ContentRules.validIdempotencyKey("a\tb"));
        assertFalse(ContentRules.validIdempotencyKey("caf\u00e9"));
    }
}
