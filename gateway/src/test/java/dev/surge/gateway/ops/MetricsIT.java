package dev.surge.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.NoLeakedThreads;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /metrics in the Prometheus text format; the dashboard answers too (DashboardIT has the rest). */
@ExtendWith(NoLeakedThreads.class)
class MetricsIT {

    @Test
    void exposesRequestsDecisionsLatencyRingAndJournal() {
        try (TestGateway t = TestGateway.start()) {
            t.codeCampaign("m", 1);
            t.claim("a", "k", "m", "card");
            t.claim("b", "k", "m", "card");
            t.claim("b", "k", "m", "card"); // a replay is not a new decision
            t.claim("c", "k", "ghost", "card");
            t.send("GET", "/nope", null);
            TestGateway.Res r = t.send("GET", "/metrics", null);
            assertEquals(200, r.status());
            assertTrue(r.header("content-type").startsWith("text/plain; version=0.0.4"));
            String m = r.body();
            assertTrue(m.contains("surge_http_requests_total{route=\"claim\",status=\"200\"} 4"), m);
            assertTrue(m.contains("surge_http_requests_total{route=\"unmatched\",status=\"404\"} 1"), m);
            assertTrue(m.contains("surge_decisions_total{campaign=\"m\",result=\"GRANTED\"} 1"), m);
            assertTrue(m.contains("surge_decisions_total{campaign=\"m\",result=\"SOLD_OUT\"} 1"), m);
            assertTrue(m.contains("surge_decisions_total{campaign=\"_unknown\",result=\"UNKNOWN_CAMPAIGN\"} 1"), m);
            assertTrue(m.contains("# TYPE surge_http_request_duration_seconds histogram"), m);
            assertTrue(m.contains("surge_http_request_duration_seconds_count{route=\"claim\"} 4"), m);
            assertTrue(m.contains("surge_http_request_duration_seconds_bucket{route=\"all\",le=\"+Inf\"}"), m);
            assertTrue(m.contains("surge_http_request_duration_quantile_seconds{route=\"claim\",quantile=\"0.99\"}"), m);
            assertTrue(m.contains("surge_ring_depth "), m);
            assertTrue(m.contains("surge_journal_lag_slots "), m);
            assertTrue(m.contains("surge_journal_sequence "), m);
            assertTrue(m.contains("surge_ready 1"), m);
            assertTrue(m.contains("surge_engine_halted 0"), m);
            assertTrue(m.contains("surge_engine_table_growths_total 0"), m); // four claims grow no table
            assertTrue(m.contains("surge_engine_table_growth_longest_seconds 0"), m);
            for (String line : m.split("\n")) {
                assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*\\})? [-+0-9.eE]+|[a-z_]+\\{[^}]*\\} \\+Inf"),
                    "not Prometheus text: " + line);
            }
            TestGateway.Res page = t.send("GET", "/dashboard", null);
            assertEquals(200, page.status());
            assertTrue(page.body().contains("id=\"login\""), "without a session, the dashboard is its login form");
        }
    }

    /**
     * Rendered on the event loop while its code was still cold, /metrics held the claims behind it
     * for 40-100 ms under load. One event loop here, and the background thread held up: a claim is
     * answered while the scrape waits, and the scrape is answered once the thread is free.
     */
    @Test
    void aScrapeNeverHoldsUpTheClaimsOnItsEventLoop() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.IO_THREADS, "1"))) {
            t.codeCampaign("m", 5);
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(1);
            t.gateway.background().execute(() -> {
                busy.countDown();
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<HttpResponse<String>> scrape;
            try {
                assertTrue(busy.await(10, TimeUnit.SECONDS));
                scrape = t.http.sendAsync(HttpRequest.newBuilder(t.base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
                Thread.sleep(100); // the scrape reaches the event loop first
                assertEquals("GRANTED", t.claim("a", "k", "m", "card").at("result"));
                assertFalse(scrape.isDone(), "rendered on the background thread, which is held up");
            } finally {
                held.countDown();
            }
            HttpResponse<String> r = scrape.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("surge_decisions_total{campaign=\"m\",result=\"GRANTED\"} 1"), r.body());
        }
    }
}
