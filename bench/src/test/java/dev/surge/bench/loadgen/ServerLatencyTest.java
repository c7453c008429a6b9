package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's claim histogram, read twice around a run: the run's share within 1 ms and its p99's bucket. */
class ServerLatencyTest {
    private static String metrics(long within100us, long within1ms, long within10ms, long all) {
        return "# TYPE surge_http_request_duration_seconds histogram\n"
            + "surge_http_request_duration_seconds_bucket{route=\"redeem\",le=\"0.001\"} 999\n"
            + "surge_http_request_duration_seconds_bucket{route=\"claim\",le=\"0.0001\"} " + within100us + "\n"
            + "surge_http_request_duration_seconds_bucket{route=\"claim\",le=\"0.001\"} " + within1ms + "\n"
            + "surge_http_request_duration_seconds_bucket{route=\"claim\",le=\"0.01\"} " + within10ms + "\n"
            + "surge_http_request_duration_seconds_bucket{route=\"claim\",le=\"+Inf\"} " + all + "\n"
            + "surge_http_request_duration_seconds_count{route=\"claim\"} " + all + "\n";
    }

    @Test
    void theWindowIsTheDifferenceOfTwoReads() {
        Map<Double, Long> before = ServerLatency.parse(metrics(50, 90, 100, 100));
        assertEquals(Map.of(0.0001, 50L, 0.001, 90L, 0.01, 100L, Double.POSITIVE_INFINITY, 100L), before);
        // the run: 1,000 claims, 800 within 100 us, 985 within 1 ms, 999 within 10 ms, one beyond
        Map<Double, Long> after = ServerLatency.parse(metrics(850, 1075, 1099, 1100));
        ServerLatency.Window w = ServerLatency.Window.of(before, after, 0.001, 99);
        assertEquals(98.5, w.withinPercent(), 1e-9);
        assertEquals(10_000, w.percentileUpToUs(), 1e-9, "the 99th percentile is in the 1-10 ms bucket");
        assertEquals(1_000, ServerLatency.Window.of(before, after, 0.001, 98).percentileUpToUs(), 1e-9);
    }

    @Test
    void nothingReadIsUnknown() {
        assertTrue(Double.isNaN(ServerLatency.Window.of(Map.of(), Map.of(), 0.001, 99).withinPercent()));
        Map<Double, Long> same = ServerLatency.parse(metrics(1, 2, 3, 4));
        assertTrue(Double.isNaN(ServerLatency.Window.of(same, same, 0.001, 99).withinPercent()), "no claim in the run");
    }
}
