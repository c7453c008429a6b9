package dev.surge.gateway.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.testkit.EventStream;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.NoLeakedThreads;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard over HTTP: log-in and its session cookie, the CSRF guard on admin actions made
 * with that cookie, the bundled files, the event stream (its counters move, it shows recovery),
 * and log-out.
 */
@ExtendWith(NoLeakedThreads.class)
class DashboardIT {
    @Test
    void loginGivesAnHttpOnlyStrictSessionThatAdminActionsUseWithTheirCsrfHeader() {
        try (TestGateway t = TestGateway.start()) {
            t.codeCampaign("sale", 5);

            TestGateway.Res wrong = t.send("POST", "/dashboard/login", "{\"token\":\"guess\"}",
                "Content-Type", "application/json");
            assertEquals(401, wrong.status());
            assertEquals(null, wrong.header("Set-Cookie"));
            TestGateway.Res form = t.send("POST", "/dashboard/login", "token=" + TestGateway.ADMIN,
                "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(415, form.status(), "only the page's JSON log-in is taken");

            TestGateway.Res ok = t.send("POST", "/dashboard/login", "{\"token\":\"" + TestGateway.ADMIN + "\"}",
                "Content-Type", "application/json");
            assertEquals(200, ok.status(), ok.body());
            String setCookie = ok.header("Set-Cookie");
            assertTrue(setCookie.startsWith("surge_session="), setCookie);
            assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("; httponly"), setCookie);
            assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
            assertTrue(setCookie.contains("Path=/"), setCookie);
            assertFalse(setCookie.contains(TestGateway.ADMIN), "the cookie is a session id, not the token");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            TestGateway.Res page = t.send("GET", "/dashboard", null, "Cookie", cookie);
            assertEquals(200, page.status());
            assertTrue(page.body().contains("id=\"campaigns\""), "logged in: the dashboard, not the form");
            assertFalse(page.body().contains(TestGateway.ADMIN), "the token never comes back to the browser");
            assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
            assertEquals("no-store", page.header("Cache-Control"));
            String csrf = t.dashboardCsrf(cookie);

            // the session cookie on an admin route: allowed only with the session's CSRF header
            assertEquals(403, t.send("POST", "/admin/campaigns/sale/pause", null, "Cookie", cookie).status());
            assertEquals(403, t.send("POST", "/admin/campaigns/sale/pause", null, "Cookie", cookie,
                "X-Surge-CSRF", csrf + "x").status());
            assertEquals(200, t.send("GET", "/admin/campaigns/sale", null, "Cookie", cookie).status(),
                "reads need no CSRF header");
            TestGateway.Res paused = t.send("POST", "/admin/campaigns/sale/pause", null, "Cookie", cookie,
                "X-Surge-CSRF", csrf);
            assertEquals(200, paused.status(), paused.body());
            assertEquals("PAUSED", t.admin("GET", "/admin/campaigns/sale", null).at("status"));
            assertEquals("PAUSED", t.claim("u1", "k1", "sale", "card").at("result"), "journaled and in force");

            TestGateway.Res stock = t.send("POST", "/admin/campaigns/sale/skus/card/stock", "{\"delta\":-2}",
                "Cookie", cookie, "X-Surge-CSRF", csrf, "Content-Type", "application/json");
            assertEquals(200, stock.status(), stock.body());
            assertEquals(3L, t.admin("GET", "/admin/campaigns/sale", null).at("stockLeft"));

            // a session is not a bearer token, and a bearer token does not need a CSRF header
            String id = cookie.substring(cookie.indexOf('=') + 1);
            assertEquals(401, t.get("/admin/campaigns", id).status());
            assertEquals(200, t.send("POST", "/admin/campaigns/sale/resume", null,
                "Authorization", "Bearer " + TestGateway.ADMIN).status());

            // log-out needs the CSRF header too, then the cookie is worth nothing
            assertEquals(403, t.send("POST", "/dashboard/logout", null, "Cookie", cookie).status());
            TestGateway.Res out = t.send("POST", "/dashboard/logout", null, "Cookie", cookie, "X-Surge-CSRF", csrf);
            assertEquals(200, out.status());
            assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
            assertEquals(401, t.send("GET", "/dashboard/history", null, "Cookie", cookie).status());
            assertEquals(401, t.send("POST", "/admin/campaigns/sale/pause", null, "Cookie", cookie,
                "X-Surge-CSRF", csrf).status());
            assertTrue(t.send("GET", "/dashboard", null, "Cookie", cookie).body().contains("id=\"login\""));
        }
    }

    @Test
    void everyFileIsBundledAndNothingComesFromElsewhere() {
        try (TestGateway t = TestGateway.start()) {
            String cookie = t.dashboardLogin();
            String page = t.send("GET", "/dashboard", null, "Cookie", cookie).body();
            String form = t.send("GET", "/dashboard", null).body();
            Pattern ref = Pattern.compile("(?:src|href)=\"([^\"]*)\"");
            int refs = 0;
            for (String html : List.of(page, form)) {
                Matcher m = ref.matcher(html);
                while (m.find()) {
                    String url = m.group(1);
                    assertTrue(url.startsWith("/dashboard/assets/"), "only bundled files: " + url);
                    TestGateway.Res asset = t.send("GET", url, null);
                    assertEquals(200, asset.status(), url);
                    assertFalse(asset.body().matches("(?s).*(?:src|href|url)\\s*[=(]\\s*['\"]?https?:.*"),
                        url + " loads nothing from another origin");
                    refs++;
                }
            }
            assertTrue(refs >= 6, "the pages use their script, style and icon files");
            TestGateway.Res js = t.send("GET", "/dashboard/assets/dashboard.js", null);
            assertTrue(js.header("Content-Type").startsWith("text/javascript"));
            assertEquals("nosniff", js.header("X-Content-Type-Options"));
            assertEquals(404, t.send("GET", "/dashboard/assets/logback.xml", null).status(),
                "only the dashboard's own files, not whatever is on the class path");
            assertEquals(404, t.send("GET", "/dashboard/assets/..%2Flogback.xml", null).status());
        }
    }

    @Test
    void theFeedStreamsLiveCountersOncePerSecond() throws IOException {
        try (TestGateway t = TestGateway.start()) {
            t.codeCampaign("live", 10);
            String cookie = t.dashboardLogin();
            try (EventStream refused = new EventStream(t.port, "/dashboard/feed", null)) {
                assertEquals(401, refused.status, "no session, no stream");
            }
            try (EventStream feed = new EventStream(t.port, "/dashboard/feed", cookie)) {
                assertEquals(200, feed.status);
                assertTrue(feed.headers.get("content-type").startsWith("text/event-stream"));
                Map<String, Object> first = until(feed, f -> campaign(f, "live") != null);
                assertEquals(true, first.get("ready"));
                assertEquals(1024L, JsonTree.at(first, "engine", "ringCapacity"));
                // the writer's stops to grow a table: counted and timed (uploads count too)
                assertTrue(JsonTree.at(first, "engine", "tableGrowths") instanceof Number, String.valueOf(first));
                assertTrue(((Number) JsonTree.at(first, "engine", "tableGrowthLongestMs")).doubleValue() >= 0);
                for (int i = 0; i < 3; i++) {
                    assertEquals("GRANTED", t.claim("user" + i, "k", "live", "card").at("result"));
                }
                t.send("POST", "/admin/campaigns/live/pause", null, "Authorization", "Bearer " + TestGateway.ADMIN);
                assertEquals("PAUSED", t.claim("late", "k", "live", "card").at("result"));
                Map<String, Object> moved = until(feed, f -> Long.valueOf(1).equals(JsonTree.at(campaign(f, "live"),
                    "rejected", "PAUSED")));
                Map<String, Object> live = campaign(moved, "live");
                assertEquals(3L, live.get("granted"));
                assertEquals(7L, live.get("stockLeft"));
                assertEquals("PAUSED", live.get("status"));
                assertEquals(7.0, ((Number) JsonTree.at(moved, "point", "c:live")).doubleValue(), "history point");
                assertNotNull(JsonTree.at(moved, "latency", "claim", "p99"));
                assertNotNull(JsonTree.at(moved, "campaignRates", "live", "granted"));
                assertEquals(1L, moved.get("viewers"));

                TestGateway.Res h = t.send("GET", "/dashboard/history?campaign=live", null, "Cookie", cookie);
                assertEquals(200, h.status());
                @SuppressWarnings("unchecked")
                Map<String, Object> series = (Map<String, Object>) h.at("series");
                assertTrue(series.containsKey("c:live") && series.containsKey("s:live/card") && series.containsKey("g:granted"),
                    series.keySet().toString());
                assertEquals(((List<?>) h.at("t")).size(), ((List<?>) series.get("s:live/card")).size());
                assertEquals(400, t.send("GET", "/dashboard/history?campaign=bad%20id", null, "Cookie", cookie).status());
            }
        }
    }

    @Test
    void whileRecoveringTheFeedShowsProgressThenTheEngine() throws IOException {
        try (TestGateway t = TestGateway.start(c -> { }, new MemoryStorage(), false)) {
            String cookie = t.dashboardLogin(); // no engine needed to log in
            try (EventStream feed = new EventStream(t.port, "/dashboard/feed", cookie)) {
                Map<String, Object> recovering = JsonTree.object(feed.next("frame").data());
                assertEquals(false, recovering.get("ready"));
                assertEquals(null, recovering.get("engine"));
                assertNotNull(JsonTree.at(recovering, "recovery", "eventsReplayed"));
                t.gateway.context().recovery.started(System.currentTimeMillis());
                t.gateway.context().recovery.replayed(1234);
                Map<String, Object> progress = until(feed,
                    f -> Long.valueOf(1234).equals(JsonTree.at(f, "recovery", "eventsReplayed")));
                assertEquals(false, progress.get("ready"));
                t.makeReady();
                Map<String, Object> ready = until(feed, f -> Boolean.TRUE.equals(f.get("ready")));
                assertNotNull(JsonTree.at(ready, "engine", "journalLag"));
            }
        }
    }

    @Test
    void logOutEndsTheSessionsStreams() throws IOException {
        try (TestGateway t = TestGateway.start()) {
            String cookie = t.dashboardLogin();
            String csrf = t.dashboardCsrf(cookie);
            try (EventStream feed = new EventStream(t.port, "/dashboard/feed", cookie)) {
                feed.next("frame");
                assertEquals(200, t.send("POST", "/dashboard/logout", null, "Cookie", cookie, "X-Surge-CSRF", csrf).status());
                assertTrue(feed.endedByServer());
            }
        }
    }

    /** The first frame that passes; the stream's read timeout fails the test when none does. */
    static Map<String, Object> until(EventStream feed, java.util.function.Predicate<Map<String, Object>> test)
        throws IOException {
        while (true) {
            Map<String, Object> frame = JsonTree.object(feed.next("frame").data());
            if (test.test(frame)) {
                return frame;
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> campaign(Map<String, Object> frame, String id) {
        for (Object o : (List<Object>) frame.get("campaigns")) {
            Map<String, Object> c = (Map<String, Object>) o;
            if (id.equals(c.get("id"))) {
                return c;
            }
        }
        return null;
    }
}
