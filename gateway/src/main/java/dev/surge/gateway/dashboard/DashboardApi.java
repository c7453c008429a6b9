package dev.surge.gateway.dashboard;

import dev.surge.engine.util.Ids;
import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.http.Router;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.JsonBody;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * {@code /dashboard}: the page (or its login form), its static files, log-in and log-out, the
 * live event stream and the history the charts start from. Logging in POSTs the admin token as
 * JSON (never in a URL: a form without script still POSTs, and is refused as the wrong media
 * type); the answer sets an HttpOnly, SameSite=Strict session cookie. The page's operator
 * actions then call the admin API itself with that cookie and the session's CSRF header (see
 * {@code HttpConnection}), so they are journaled like any other admin change.
 *
 * <p>Threading: called on event loops; stateless apart from what it is given.
 */
public final class DashboardApi {
    /** No inline script or style, nothing from another origin, never framed. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final String HTML = "text/html; charset=utf-8";
    /** How soon a page reconnects its event stream after losing it. */
    private static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerContext server;
    private final DashboardAgent agent;
    private final Executor background;
    private final DashboardAssets assets = new DashboardAssets();
    private final Object viewerLock = new Object();

    /** {@code background}: where the history is rendered ({@code surge-dispatch}), off the event loops. */
    public DashboardApi(ServerContext server, DashboardAgent agent, Executor background) {
        this.server = server;
        this.agent = agent;
        this.background = background;
    }

    /** GET /dashboard: the dashboard with a live session, else the login form. */
    public void page(Exchange x) {
        DashboardSessions.Session s = server.sessions.fromCookies(x.headerString(HttpHeaderNames.COOKIE),
            server.clock.time());
        byte[] body = s == null ? assets.login() : assets.page(s.csrf());
        x.respond(file(HttpResponseStatus.OK, body, HTML, "no-store"));
    }

    /** GET /dashboard/assets/{file}. */
    public void asset(Exchange x) {
        DashboardAssets.Asset a = assets.file(x.param1());
        if (a == null) {
            x.respond(Responses.error(x.alloc(), ErrorCode.NOT_FOUND, "no such dashboard file"));
            return;
        }
        x.respond(file(HttpResponseStatus.OK, a.bytes(), a.contentType(), "no-cache"));
    }

    /** POST /dashboard/login {@code {"token": "<admin token>"}}. */
    public void login(Exchange x, byte[] body, int offset, int length) {
        String token;
        try {
            token = JsonBody.onlyField(body, offset, length, "token", JsonBody::string);
        } catch (BadRequest e) {
            x.respond(Responses.error(x.alloc(), e.code(), e.getMessage(), e.field()));
            return;
        }
        if (!server.adminAuth.check(token)) {
            x.respond(Responses.error(x.alloc(), ErrorCode.UNAUTHORIZED, "wrong admin token", "token"));
            return;
        }
        DashboardSessions.Session s = server.sessions.create(server.clock.time());
        FullHttpResponse r = ok(x);
        r.headers().set(HttpHeaderNames.SET_COOKIE, cookie(x, s.id(), DashboardSessions.TTL_MS / 1000));
        x.respond(r);
    }

    /** POST /dashboard/logout: forgets the session and ends its streams. */
    public void logout(Exchange x) {
        server.sessions.remove(x.session());
        agent.closeStreams(x.session());
        FullHttpResponse r = ok(x);
        r.headers().set(HttpHeaderNames.SET_COOKIE, cookie(x, "", 0));
        x.respond(r);
    }

    /**
     * GET /dashboard/feed: a server-sent event stream, one frame a second. Counting the viewers
     * and adding this one is atomic across event loops (a lock taken only to open a stream), so
     * the one over the limit gets 503 rather than a stream that closes at once.
     */
    public void feed(Exchange x) {
        synchronized (viewerLock) {
            if (agent.viewers() >= DashboardAgent.MAX_VIEWERS) {
                x.respond(Responses.error(x.alloc(), ErrorCode.OVERLOADED, "too many dashboards open; close one"));
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Accel-Buffering", "no"); // a proxy in front must not hold frames back
            Channel stream = x.openStream(head);
            if (stream == null) {
                x.respond(Responses.error(x.alloc(), ErrorCode.MALFORMED_REQUEST,
                    "an event stream must not be pipelined behind other requests"));
                return;
            }
            Viewers.send(stream, RETRY);
            if (!agent.subscribe(stream, x.session())) {
                stream.close(); // cannot happen while every subscription goes through this lock
            }
        }
    }

    /** GET /dashboard/history[?campaign=id]: what the charts start from. */
    public void history(Exchange x) {
        String campaign = Router.query(x.uri(), "campaign");
        if (campaign != null && !Ids.isValid(campaign)) {
            x.respond(Responses.error(x.alloc(), ErrorCode.INVALID_FIELD, Ids.describe("campaign"), "campaign"));
            return;
        }
        // ten minutes of every campaign's series: not rendered where claims wait (docs/architecture.md, "Threads")
        x.respondFrom(background, () -> Responses.json(x.alloc(), HttpResponseStatus.OK,
            g -> agent.writeHistory(g, campaign)));
    }

    private static FullHttpResponse ok(Exchange x) {
        return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeStringField("result", "OK");
            g.writeEndObject();
        });
    }

    /** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure behind TLS. */
    private static String cookie(Exchange x, String value, long maxAgeSeconds) {
        DefaultCookie c = new DefaultCookie(DashboardSessions.COOKIE, value);
        c.setHttpOnly(true);
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        c.setPath("/");
        c.setMaxAge(maxAgeSeconds);
        c.setSecure("https".equalsIgnoreCase(x.headerString("X-Forwarded-Proto")));
        return ServerCookieEncoder.STRICT.encode(c);
    }

    private static FullHttpResponse file(HttpResponseStatus status, byte[] body, String type, String cache) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, type);
        h.set(HttpHeaderNames.CACHE_CONTROL, cache);
        h.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        return r;
    }
}
