package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router router = new Router();

    /** A path without parameters is answered from the made-once matches, the same as by the general match. */
    @Test
    void exactPathsAreAnsweredAsTheGeneralMatchDoes() {
        for (Route r : Route.values()) {
            if (r.template.indexOf('{') >= 0) {
                continue;
            }
            Router.Match exact = router.match(r.method, r.template);
            Router.Match general = router.match(r.method, r.template + "?x=1");
            assertEquals(general, exact, r.name());
            assertSame(exact, router.match(r.method, r.template), "made once: " + r.name());
        }
        assertSame(Route.CLAIM, router.match(HttpMethod.POST, "/v1/claims").route());
        Router.Match wrongMethod = router.match(HttpMethod.GET, "/v1/claims");
        assertNull(wrongMethod.route());
        assertEquals("POST", wrongMethod.allow());
        assertSame(Router.NOT_FOUND, router.match(HttpMethod.POST, "/v1/claims/"));
    }

    @Test
    void contentLengthIsWrittenAsItsNumber() {
        var r = Responses.json(HttpResponseStatus.OK, Unpooled.buffer());
        Responses.contentLength(r, 17);
        assertEquals("17", r.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        Responses.contentLength(r, 123_456);
        assertEquals("123456", r.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        assertEquals(0, r.trailingHeaders().size());
    }
}
