package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final byte[] PEER = {10, 0, 0, 1};
    private static final byte[] OTHER_PEER = {10, 0, 0, 2};
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Admission admission = new Admission(new Router(), new ClientAddress(List.of()),
        new RateLimiter(1, 2), metrics, ready::get);

    private String admit(Exchange x, byte[] peer) {
        return Refusal.of(admission.admit(x, peer, ALLOC, 0));
    }

    @Test
    void aKnownRouteGoesOnWithItsMatchAndClientRecorded() {
        Exchange x = Refusal.exchange(HttpMethod.GET, "/v1/grants/g-1?x=1");
        assertEquals("ok", admit(x, PEER));
        assertSame(Route.GRANT, x.route());
        assertEquals("g-1", x.param1());
        assertArrayEquals(PEER, x.clientIp());
    }

    @Test
    void anUnknownPathIs404AndAWrongMethodIs405WithAllow() {
        assertEquals("404 NOT_FOUND", admit(Refusal.exchange(HttpMethod.GET, "/nope"), PEER));
        FullHttpResponse r = admission.admit(Refusal.exchange(HttpMethod.DELETE, "/v1/claims"), OTHER_PEER, ALLOC, 0);
        assertEquals("POST", r.headers().get("Allow"));
        assertEquals("405 METHOD_NOT_ALLOWED", Refusal.of(r));
    }

    @Test
    void limitedRoutesAndUnknownPathsSpendTheAddressesTokensButProbesDoNot() {
        for (int i = 0; i < 5; i++) {
            assertEquals("ok", admit(Refusal.exchange(HttpMethod.GET, "/health/live"), PEER), "not limited");
        }
        assertEquals("404 NOT_FOUND", admit(Refusal.exchange(HttpMethod.GET, "/nope"), PEER));
        assertEquals("ok", admit(Refusal.exchange(HttpMethod.POST, "/v1/claims"), PEER));
        FullHttpResponse r = admission.admit(Refusal.exchange(HttpMethod.POST, "/v1/claims"), PEER, ALLOC, 0);
        assertEquals("1", r.headers().get("Retry-After"));
        assertEquals("429 RATE_LIMITED", Refusal.of(r));
        assertEquals(1, metrics.rateLimitedTotal());
        assertEquals("ok", admit(Refusal.exchange(HttpMethod.POST, "/v1/claims"), OTHER_PEER), "its own bucket");
        assertEquals("ok", admit(Refusal.exchange(HttpMethod.GET, "/health/live"), PEER), "never limited");
    }

    @Test
    void gatedRoutesWaitForRecoveryAndOthersDoNot() {
        ready.set(false);
        assertEquals("503 NOT_READY", admit(Refusal.exchange(HttpMethod.POST, "/v1/claims"), PEER));
        assertEquals("ok", admit(Refusal.exchange(HttpMethod.GET, "/health/ready"), PEER));
        assertEquals("ok", admit(Refusal.exchange(HttpMethod.GET, "/dashboard"), PEER));
        ready.set(true);
        assertEquals("ok", admit(Refusal.exchange(HttpMethod.POST, "/v1/claims"), PEER));
        assertNull(admission.admit(Refusal.exchange(HttpMethod.GET, "/metrics"), PEER, ALLOC, 0));
    }
}
