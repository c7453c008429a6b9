package dev.surge.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
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
}
