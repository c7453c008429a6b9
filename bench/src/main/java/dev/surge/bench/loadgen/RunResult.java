package dev.surge.bench.loadgen;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One fixed-rate run: what was offered, what came back, and the latency distribution (from
 * each request's intended send time, nanoseconds) of the requests scheduled in the measurement
 * window.
 *
 * @param rate        requests per second offered
 * @param achieved    responses per second received while the measurement window was open
 * @param scheduled   requests scheduled in the measurement window
 * @param completed   of those, answered
 * @param errors      of those, failed (connection lost) or never answered before the drain deadline
 * @param outcomes    answers by "result" (200) or "status error-code" (others)
 * @param serverCpuUs the server's user + system CPU over the window, per request answered in it,
 *                    in microseconds (NaN when the server's process is unknown)
 * @param clientCpuUs the same for this load generator, so a reader sees who used the cores
 * @param sendDelay   how late the generator wrote each request to its socket, from its intended
 *                    send time (nanoseconds): a waiting connection or this client's own stalls
 *                    (its event loop not running), part of the latency that is not the server's
 * @param freezes     the machine's CPU stops during the window ({@link FreezeProbe}): while one lasts,
 *                    whatever runs on that CPU, server or generator, stops too
 */
public record RunResult(String label, double rate, double achieved, long scheduled, long completed, long errors,
                        Histogram latency, Map<String, Long> outcomes, double serverCpuUs, double clientCpuUs,
                        ServerLatency.Window server, Histogram sendDelay, FreezeProbe.Summary freezes) {
    public double percentileMicros(double p) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(p) / 1000.0;
    }

    /** p-th percentile of the send delay, in microseconds. */
    public double sendDelayMicros(double p) {
        return sendDelay.getTotalCount() == 0 ? Double.NaN : sendDelay.getValueAtPercentile(p) / 1000.0;
    }

    public double maxMicros() {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
    }

    public String summary() {
        return String.format(Locale.ROOT,
            "%s rate=%,.0f/s achieved=%,.0f/s n=%,d errors=%,d | p50=%.0f p90=%.0f p99=%.0f p99.9=%.0f max=%.0f us"
                + " | sent late: p99 %.0f us | CPU per request: server %.1f us, load generator %.1f us"
                + " | server's own clock: %.1f%% of claims within 1 ms, p99 <= %.0f us | %s | %s",
            label, rate, achieved, completed, errors, percentileMicros(50), percentileMicros(90), percentileMicros(99),
            percentileMicros(99.9), maxMicros(), sendDelayMicros(99), serverCpuUs, clientCpuUs, server.withinPercent(),
            server.percentileUpToUs(), stopsText(), new TreeMap<>(outcomes));
    }

    /** The machine's CPU stops in the window, in words. */
    public String stopsText() {
        if (!freezes.known()) {
            return "CPU stops: unknown";
        }
        return freezes.stops() == 0
            ? String.format(Locale.ROOT, "CPU stops >= %d ms: none", FreezeProbe.THRESHOLD_MS)
            : String.format(Locale.ROOT, "CPU stops >= %d ms: %d, longest %.0f ms, %.0f ms in all",
                FreezeProbe.THRESHOLD_MS, freezes.stops(), freezes.longestMillis(), freezes.totalMillis());
    }

    /** One JSON object on one line (the report reads these). */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "{\"label\": \"%s\", \"rate\": %.1f, \"achieved\": %.1f, \"scheduled\": %d, "
                + "\"completed\": %d, \"errors\": %d, \"p50us\": %.1f, \"p90us\": %.1f, \"p99us\": %.1f, \"p999us\": %.1f, "
                + "\"p9999us\": %.1f, \"maxus\": %.1f, \"serverCpuUs\": %.2f, \"clientCpuUs\": %.2f, "
                + "\"serverWithin1msPct\": %.2f, \"serverP99UpToUs\": %.1f, \"sendDelayP50us\": %.1f, "
                + "\"sendDelayP99us\": %.1f, \"cpuStops\": %d, \"cpuStopLongestMs\": %.1f, \"cpuStopTotalMs\": %.1f, "
                + "\"outcomes\": {",
            label, rate, achieved, scheduled, completed, errors,
            nan(percentileMicros(50)), nan(percentileMicros(90)), nan(percentileMicros(99)), nan(percentileMicros(99.9)),
            nan(percentileMicros(99.99)), nan(maxMicros()), nan(serverCpuUs), nan(clientCpuUs),
            nan(server.withinPercent()), nan(server.percentileUpToUs()), nan(sendDelayMicros(50)),
            nan(sendDelayMicros(99)), freezes.stops(), freezes.longestMillis(), freezes.totalMillis()));
        String sep = "";
        for (Map.Entry<String, Long> e : new TreeMap<>(outcomes).entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\": ").append(e.getValue());
            sep = ", ";
        }
        return b.append("}}").toString();
    }

    private static double nan(double v) {
        return Double.isNaN(v) ? -1 : v;
    }
}
