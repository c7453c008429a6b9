package dev.surge.bench.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The claims' latency as the server measured it (its {@code surge_http_request_duration_seconds}
 * histogram, route {@code claim}, read from {@code /metrics} before and after a run's window), next
 * to the open model's latency from each request's intended send time. The server's clock starts
 * when it has the request, so the difference is what happened before: the client's own delays
 * and the request waiting for the server to read it. Coarse: the histogram's buckets.
 */
final class ServerLatency {
    private static final String BUCKET = "surge_http_request_duration_seconds_bucket{route=\"claim\",le=\"";

    private final InetSocketAddress server;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServerLatency(InetSocketAddress server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    /** Cumulative claim counts by bucket bound (seconds; +Inf as infinity); empty when the server does not say. */
    Map<Double, Long> read() {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + server.getHostString() + ":"
                    + server.getPort() + "/metrics"))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? parse(r.body()) : Map.of();
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    static Map<Double, Long> parse(String metrics) {
        Map<Double, Long> buckets = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(BUCKET)) {
                int quote = line.indexOf('"', BUCKET.length());
                String le = line.substring(BUCKET.length(), quote);
                buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                    Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim()));
            }
        }
        return buckets;
    }

    /**
     * Between two reads: the share of claims the server answered within {@code seconds} (a bucket
     * bound), as a percentage, and the smallest bound that holds {@code percentile} percent of them
     * (microseconds). NaN when unknown.
     */
    record Window(double withinPercent, double percentileUpToUs) {
        static final Window UNKNOWN = new Window(Double.NaN, Double.NaN);

        static Window of(Map<Double, Long> before, Map<Double, Long> after, double seconds, double percentile) {
            long total = delta(before, after, Double.POSITIVE_INFINITY);
            if (after.isEmpty() || total <= 0) {
                return UNKNOWN;
            }
            double upTo = Double.NaN;
            for (double le : after.keySet()) {
                if (delta(before, after, le) * 100.0 >= percentile * total) {
                    upTo = le * 1e6;
                    break;
                }
            }
            return new Window(delta(before, after, seconds) * 100.0 / total, Double.isInfinite(upTo) ? Double.NaN : upTo);
        }

        private static long delta(Map<Double, Long> before, Map<Double, Long> after, double le) {
            return after.getOrDefault(le, 0L) - before.getOrDefault(le, 0L);
        }
    }
}
