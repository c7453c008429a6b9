package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.surge.gateway.auth.AdminAuth;
import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.auth.RedeemerDirectory;
import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.json.Json;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final long NOW = 1_700_000_000_000L;
    private static final String ADMIN = "admin-token-0123456789";
    private final UserTokens tokens = new UserTokens("0123456789abcdef0123456789abcdef", Json.FACTORY);
    private final RedeemerDirectory redeemers = new RedeemerDirectory();
    private final DashboardSessions sessions = new DashboardSessions();
    private final Authenticator auth = new Authenticator(new AdminAuth(ADMIN), tokens, redeemers, sessions, () -> NOW);
    private final String user = "Bearer " + tokens.mint("user-1", NOW / 1000 + 60);
    private final String redeemerKey = redeemers.newKey();

    AuthenticatorTest() {
        redeemers.add(AdminAuth.sha256(redeemerKey), "shop-1");
    }

    private String check(Route route, Exchange x) {
        return Refusal.of(auth.authenticate(x, route, ALLOC));
    }

    private static Exchange with(HttpMethod method, String... headers) {
        return Refusal.exchange(method, "/", headers);
    }

    @Test
    void aUserRouteTakesAValidUserTokenAndRecordsTheUser() {
        Exchange x = with(HttpMethod.POST, "Authorization", user);
        assertEquals("ok", check(Route.CLAIM, x));
        assertEquals("user-1", x.user());
        assertEquals("ok", check(Route.CLAIM, with(HttpMethod.POST, "Authorization", "bearer  " + user.substring(7))),
            "the scheme is case-insensitive");
    }

    @Test
    void noOrABadCredentialIs401WithTheBearerChallenge() {
        FullHttpResponse r = auth.authenticate(with(HttpMethod.POST), Route.CLAIM, ALLOC);
        assertEquals("Bearer", r.headers().get("WWW-Authenticate"));
        assertEquals("401 UNAUTHORIZED", Refusal.of(r));
        assertEquals("401 UNAUTHORIZED", check(Route.CLAIM, with(HttpMethod.POST, "Authorization", "Basic abc")));
        assertEquals("401 UNAUTHORIZED", check(Route.CLAIM, with(HttpMethod.POST, "Authorization", user + "x")));
        assertEquals("401 UNAUTHORIZED", check(Route.CAMPAIGNS, with(HttpMethod.GET, "Authorization", "Bearer nope")));
        assertEquals("401 UNAUTHORIZED", check(Route.REDEEM, with(HttpMethod.POST, "Authorization", "Bearer rk_unknown")));
    }

    @Test
    void aValidCredentialOfTheWrongKindIs403() {
        assertEquals("403 FORBIDDEN", check(Route.CAMPAIGNS, with(HttpMethod.GET, "Authorization", user)));
        assertEquals("403 FORBIDDEN", check(Route.CAMPAIGNS, with(HttpMethod.GET, "Authorization", "Bearer " + redeemerKey)));
        assertEquals("403 FORBIDDEN", check(Route.CLAIM, with(HttpMethod.POST, "Authorization", "Bearer " + redeemerKey)));
    }

    @Test
    void theAdminTokenOpensAdminRoutes() {
        assertEquals("ok", check(Route.CAMPAIGN_PUT, with(HttpMethod.PUT, "Authorization", "Bearer " + ADMIN)));
    }

    @Test
    void aRedeemerKeyRedeemsForItsMerchant() {
        Exchange x = with(HttpMethod.POST, "Authorization", "Bearer " + redeemerKey);
        assertEquals("ok", check(Route.REDEEM, x));
        assertEquals("shop-1", x.redeemer());
        assertArrayEquals(AdminAuth.sha256(redeemerKey), x.redeemerKeyHash);
        Exchange y = with(HttpMethod.POST, "Authorization", user);
        assertEquals("ok", check(Route.REDEEM, y), "a user may redeem too");
        assertEquals("user-1", y.user());
        assertNull(y.redeemer());
    }

    @Test
    void aDashboardSessionMustSendItsCsrfHeaderOnAnythingButGet() {
        DashboardSessions.Session s = sessions.create(NOW);
        String cookie = DashboardSessions.COOKIE + "=" + s.id();
        Exchange get = with(HttpMethod.GET, "Cookie", cookie);
        assertEquals("ok", check(Route.CAMPAIGNS, get));
        assertEquals(s, get.session());
        assertEquals("ok", check(Route.DASHBOARD_FEED, with(HttpMethod.GET, "Cookie", cookie)));
        assertEquals("403 FORBIDDEN", check(Route.CAMPAIGN_PAUSE, with(HttpMethod.POST, "Cookie", cookie)));
        assertEquals("403 FORBIDDEN", check(Route.DASHBOARD_LOGOUT, with(HttpMethod.POST, "Cookie", cookie,
            DashboardSessions.CSRF_HEADER, s.csrf() + "x")));
        assertEquals("ok", check(Route.CAMPAIGN_PAUSE, with(HttpMethod.POST, "Cookie", cookie,
            DashboardSessions.CSRF_HEADER, s.csrf())));
        assertEquals("401 UNAUTHORIZED", check(Route.DASHBOARD_FEED, with(HttpMethod.GET)));
        assertEquals("401 UNAUTHORIZED", check(Route.DASHBOARD_FEED, with(HttpMethod.GET, "Authorization", "Bearer " + ADMIN)),
            "the feed takes a session only");
    }

    @Test
    void openRoutesAskForNothing() {
        Exchange x = with(HttpMethod.GET, "Authorization", "Bearer nonsense");
        assertEquals("ok", check(Route.HEALTH_LIVE, x));
        assertNull(x.user());
    }

    @Test
    void bearerReadsTheTokenOrNothing() {
        assertEquals("abc", Authenticator.bearer("Bearer abc"));
        assertEquals("abc", Authenticator.bearer("BEARER   abc "));
        assertNull(Authenticator.bearer("Bearer "));
        assertNull(Authenticator.bearer("Basic abc"));
        assertNull(Authenticator.bearer(null));
    }
}
