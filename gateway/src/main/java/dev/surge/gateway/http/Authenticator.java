package dev.surge.gateway.http;

import dev.surge.gateway.auth.AdminAuth;
import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.auth.RedeemerDirectory;
import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.error.ErrorCode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import org.agrona.concurrent.EpochClock;

/**
 * Who is calling, checked against what the route admits ({@link Route.Auth}): a user's JWT, the
 * admin token, a merchant's redeemer key, or a dashboard session cookie (which must also carry its
 * CSRF header on anything but GET and HEAD). Records the identity in the exchange, or returns the
 * refusal: 401 with {@code WWW-Authenticate: Bearer} when no valid credential came, 403 when a
 * valid one came that this route does not take.
 *
 * <p>Threading: thread-safe; one instance shared by every connection.
 */
final class Authenticator {
    private final AdminAuth adminAuth;
    private final UserTokens userTokens;
    private final RedeemerDirectory redeemers;
    private final DashboardSessions sessions;
    private final EpochClock clock;

    Authenticator(AdminAuth adminAuth, UserTokens userTokens, RedeemerDirectory redeemers,
                  DashboardSessions sessions, EpochClock clock) {
        this.adminAuth = adminAuth;
        this.userTokens = userTokens;
        this.redeemers = redeemers;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Returns the refusal, or null with the caller recorded in {@code x}. */
    FullHttpResponse authenticate(Exchange x, Route route, ByteBufAllocator alloc) {
        if (route.auth == Route.Auth.NONE) {
            return null;
        }
        CharSequence authorization = x.header(HttpHeaderNames.AUTHORIZATION);
        if (route.auth == Route.Auth.USER || route.auth == Route.Auth.USER_OR_REDEEMER) {
            FullHttpResponse r = userWithoutCopy(x, authorization, alloc);
            if (r != NOT_READ) {
                return r;
            }
        }
        String token = bearer(authorization == null ? null : authorization.toString());
        switch (route.auth) {
            case ADMIN -> {
                if (adminAuth.check(token)) {
                    return null;
                }
                if (token == null && (x.session = session(x)) != null) {
                    return csrf(x, alloc);
                }
                if (token != null && (RedeemerDirectory.looksLikeKey(token)
                    ? redeemers.redeemerOf(token) != null
                    : userTokens.verify(token, clock.time()).ok())) {
                    return Responses.error(alloc, ErrorCode.FORBIDDEN, "admin token required");
                }
                return unauthorized(alloc, token == null ? "missing bearer token" : "bad admin token");
            }
            case USER_OR_REDEEMER -> {
                if (RedeemerDirectory.looksLikeKey(token)) {
                    RedeemerDirectory.Redeemer r = redeemers.find(token);
                    if (r == null) {
                        return unauthorized(alloc, "unknown redeemer key");
                    }
                    x.redeemer = r.id();
                    x.redeemerKeyHash = r.keyHash();
                    return null;
                }
                return user(x, token, alloc);
            }
            case SESSION -> {
                x.session = session(x);
                return x.session == null
                    ? unauthorized(alloc, "no dashboard session: log in at /dashboard") : csrf(x, alloc);
            }
            case USER -> {
                if (RedeemerDirectory.looksLikeKey(token) && redeemers.redeemerOf(token) != null) {
                    return Responses.error(alloc, ErrorCode.FORBIDDEN, "a redeemer key may only redeem codes");
                }
                return user(x, token, alloc);
            }
            default -> {
                return null;
            }
        }
    }

    private DashboardSessions.Session session(Exchange x) {
        return sessions.fromCookies(x.headerString(HttpHeaderNames.COOKIE), clock.time());
    }

    /**
     * A session cookie is sent by the browser on its own, so anything but a GET must also carry
     * the session's CSRF token in a header: a page of another origin can neither read the token
     * nor set a custom header without a CORS preflight, which this server never grants.
     */
    private static FullHttpResponse csrf(Exchange x, ByteBufAllocator alloc) {
        if (x.method() == HttpMethod.GET || x.method() == HttpMethod.HEAD
            || x.session.csrfMatches(x.headerString(DashboardSessions.CSRF_HEADER))) {
            return null;
        }
        return Responses.error(alloc, ErrorCode.FORBIDDEN,
            "a dashboard session must send its " + DashboardSessions.CSRF_HEADER + " header");
    }

    /** Marks "not read here" for {@link #userWithoutCopy}; never sent. */
    private static final FullHttpResponse NOT_READ = new io.netty.handler.codec.http.DefaultFullHttpResponse(
        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK,
        io.netty.buffer.Unpooled.EMPTY_BUFFER);

    /**
     * A user's bearer token read in place in its header, without a substring: the refusal or null
     * (identity recorded), or {@link #NOT_READ} when there is no token or it looks like a redeemer
     * key, for {@link #authenticate}'s general reading.
     */
    private FullHttpResponse userWithoutCopy(Exchange x, CharSequence authorization, ByteBufAllocator alloc) {
        if (authorization == null || authorization.length() < 7
            || !AsciiString.regionMatches(authorization, true, 0, "Bearer ", 0, 7)) {
            return NOT_READ;
        }
        int from = 7;
        int to = authorization.length();
        while (from < to && authorization.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && authorization.charAt(to - 1) <= ' ') {
            to--;
        }
        if (from == to || AsciiString.regionMatches(authorization, false, from, RedeemerDirectory.KEY_PREFIX, 0,
            RedeemerDirectory.KEY_PREFIX.length())) {
            return NOT_READ;
        }
        UserTokens.Verdict v = userTokens.verify(authorization, from, to, clock.time());
        if (!v.ok()) {
            return unauthorized(alloc, v.failure());
        }
        x.user = v.user();
        x.tokenIssuedAt = v.issuedAt();
        return null;
    }

    private FullHttpResponse user(Exchange x, String token, ByteBufAllocator alloc) {
        UserTokens.Verdict v = userTokens.verify(token, clock.time());
        if (!v.ok()) {
            return unauthorized(alloc, v.failure());
        }
        x.user = v.user();
        x.tokenIssuedAt = v.issuedAt();
        return null;
    }

    private static FullHttpResponse unauthorized(ByteBufAllocator alloc, String why) {
        FullHttpResponse r = Responses.error(alloc, ErrorCode.UNAUTHORIZED, why);
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        return r;
    }

    /** The token of an {@code Authorization: Bearer} header (scheme case-insensitive), or null. */
    static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
            || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = authorization.substring(7).trim();
        return t.isEmpty() ? null : t;
    }
}
