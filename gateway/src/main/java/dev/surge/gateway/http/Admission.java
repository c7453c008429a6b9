package dev.surge.gateway.http;

import dev.surge.gateway.error.ErrorCode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.function.BooleanSupplier;

/**
 * Whether the edge takes a request at all, on its head alone: which route it is (404, 405 with
 * the methods that would work), whether its client's address is over its rate (429 with
 * Retry-After; unknown routes count too, so probing costs the same) and whether the route waits
 * for recovery (503 NOT_READY). Runs before authentication, so a refusal here costs no credential
 * check.
 *
 * <p>Threading: thread-safe; one instance shared by every connection.
 */
final class Admission {
    private final Router router;
    private final ClientAddress clientAddress;
    private final RateLimiter limiter;
    private final GatewayMetrics metrics;
    private final BooleanSupplier ready;

    Admission(Router router, ClientAddress clientAddress, RateLimiter limiter, GatewayMetrics metrics,
              BooleanSupplier ready) {
        this.router = router;
        this.clientAddress = clientAddress;
        this.limiter = limiter;
        this.metrics = metrics;
        this.ready = ready;
    }

    /**
     * Matches the route and resolves the client's address into {@code x}; returns the refusal, or
     * null when the request goes on (its route is then known).
     */
    FullHttpResponse admit(Exchange x, byte[] peer, ByteBufAllocator alloc, long nowNanos) {
        RequestHead request = x.head;
        Router.Match match = router.match(request.method(), request.uri());
        x.match = match;
        x.clientIp = clientAddress.resolve(peer, request);
        Route route = match.route();
        if (route == null || route.limited) {
            long wait = limiter.acquire(x.clientIp, nowNanos);
            if (wait > 0) {
                metrics.rateLimited();
                FullHttpResponse r = Responses.error(alloc, ErrorCode.RATE_LIMITED,
                    "too many requests from this address; retry after " + wait + "s");
                Responses.retryAfter(r, wait);
                return r;
            }
        }
        if (route == null) {
            if (match.allow() != null) {
                FullHttpResponse r = Responses.error(alloc, ErrorCode.METHOD_NOT_ALLOWED,
                    request.method() + " is not allowed here; allowed: " + match.allow());
                r.headers().set(HttpHeaderNames.ALLOW, match.allow());
                return r;
            }
            return Responses.error(alloc, ErrorCode.NOT_FOUND, "no such route: " + pathOf(request.uri()));
        }
        if (route.gated && !ready.getAsBoolean()) {
            return Responses.error(alloc, ErrorCode.NOT_READY, "still recovering; retry shortly");
        }
        return null;
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }
}
