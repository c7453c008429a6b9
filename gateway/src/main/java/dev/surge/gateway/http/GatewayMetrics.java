package dev.surge.gateway.http;

import dev.surge.engine.ResultCode;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.ring.RingMetrics;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.state.TableGrowth;
import dev.surge.cluster.ClusterEngineClient;
import dev.surge.gateway.engine.ClusterEngine;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.EngineProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The gateway's counters, and their rendering in the Prometheus text format: requests by route
 * and status, decisions by campaign and result, risk refusals by campaign and reason, request latency (HdrHistogram: buckets and
 * quantiles), ring depth, journal progress and lag (or, in front of a cluster, the cluster client's
 * commands in flight, re-sent and sessions: docs/cluster.md), connections (open, refused at the caps,
 * timed out before their first byte) and refusals.
 *
 * <p>Threading: recording is thread-safe and wait-free or nearly (LongAdder, Recorder, atomic
 * arrays); {@link #render} may run on any thread and is serialised against itself.
 */
public final class GatewayMetrics {
    private static final int STATUSES = 600;
    private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final double[] BUCKETS_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
    private static final String UNKNOWN_CAMPAIGN = "_unknown";

    /** Per route (last index: unmatched), per status code. */
    private final List<AtomicReferenceArray<LongAdder>> requests = new ArrayList<>();
    private final Recorder allLatency = new Recorder(MAX_LATENCY_NANOS, 2);
    private final Recorder claimLatency = new Recorder(MAX_LATENCY_NANOS, 2);
    private final Histogram allTotal = new Histogram(MAX_LATENCY_NANOS, 2);
    private final Histogram claimTotal = new Histogram(MAX_LATENCY_NANOS, 2);
    private Histogram allRecycled;
    private Histogram claimRecycled;
    /** Latency since the dashboard last asked ({@link #takeLatencyWindow}); /metrics keeps totals since start. */
    private final Histogram allWindow = new Histogram(MAX_LATENCY_NANOS, 2);
    private final Histogram claimWindow = new Histogram(MAX_LATENCY_NANOS, 2);
    private final ConcurrentHashMap<String, AtomicLongArray> decisions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLongArray> riskRejections = new ConcurrentHashMap<>();
    private final AtomicLongArray redemptions = new AtomicLongArray(128);
    private final AtomicLongArray payments = new AtomicLongArray(128);
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder refusedGlobal = new LongAdder();
    private final LongAdder refusedPerIp = new LongAdder();
    private final LongAdder firstByteTimeouts = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder fastRequests = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder codesLoaded = new LongAdder();

    public GatewayMetrics() {
        for (int i = 0; i <= Route.values().length; i++) {
            requests.add(new AtomicReferenceArray<>(STATUSES));
        }
    }

    // ---- recording -----------------------------------------------------------------------------

    public void request(Route route, int status, long nanos) {
        int r = route == null ? requests.size() - 1 : route.ordinal();
        int s = status >= 0 && status < STATUSES ? status : 0;
        AtomicReferenceArray<LongAdder> byStatus = requests.get(r);
        LongAdder a = byStatus.get(s);
        if (a == null) {
            byStatus.compareAndSet(s, null, new LongAdder());
            a = byStatus.get(s);
        }
        a.increment();
        long n = Math.min(Math.max(nanos, 0), MAX_LATENCY_NANOS);
        allLatency.recordValue(n);
        if (route == Route.CLAIM) {
            claimLatency.recordValue(n);
        }
    }

    /** A claim decision; {@code campaign} is only used as a label when the campaign exists. */
    public void decision(String campaign, ResultCode result) {
        String label = result == ResultCode.UNKNOWN_CAMPAIGN || campaign == null || campaign.isEmpty()
            ? UNKNOWN_CAMPAIGN : campaign;
        decisions.computeIfAbsent(label, k -> new AtomicLongArray(128)).incrementAndGet(result.code() & 0x7F);
    }

    /** A claim refused by a risk rule ({@code reason} is the engine's reason code). */
    public void riskRejection(String campaign, int reason) {
        String label = campaign == null || campaign.isEmpty() ? UNKNOWN_CAMPAIGN : campaign;
        riskRejections.computeIfAbsent(label, k -> new AtomicLongArray(RiskReason.CODES))
            .incrementAndGet(reason & (RiskReason.CODES - 1));
    }

    public void redemption(ResultCode result) {
        redemptions.incrementAndGet(result.code() & 0x7F);
    }

    /** A payment notification decided (not a provider's repeat): PAID, REFUND_REQUIRED (docs/payments.md). */
    public void payment(ResultCode result) {
        payments.incrementAndGet(result.code() & 0x7F);
    }

    private static void byResult(StringBuilder b, String name, String help, AtomicLongArray counts) {
        family(b, name, "counter", help);
        for (int code = 0; code < counts.length(); code++) {
            long n = counts.get(code);
            if (n > 0) {
                b.append(name).append("{result=\"").append(ResultCode.of(code)).append("\"} ").append(n).append('\n');
            }
        }
    }

    public void connectionOpened() {
        connectionsOpened.increment();
    }

    public void connectionClosed() {
        connectionsClosed.increment();
    }

    /** A new connection closed at once: over the global cap, or over its address's. */
    public void connectionRefused(ConnectionLimiter.Verdict why) {
        (why == ConnectionLimiter.Verdict.REFUSED_PER_IP ? refusedPerIp : refusedGlobal).increment();
    }

    /** A new connection closed because it sent nothing within the first-byte timeout. */
    public void firstByteTimedOut() {
        firstByteTimeouts.increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    public void requestTimedOut() {
        timeouts.increment();
    }

    /** A claim or redemption framed by the fast path ({@link FastRequestReader}). */
    public void fastRequest() {
        fastRequests.increment();
    }

    public void overloaded() {
        overloaded.increment();
    }

    public void codesLoaded(long n) {
        codesLoaded.add(n);
    }

    // ---- rendering ---------------------------------------------------------------------------

    /** The Prometheus text exposition (format 0.0.4). {@code engine} is null before recovery ends. */
    public synchronized String render(Engine engine, int redeemerCount) {
        drainRecorders();

        StringBuilder b = new StringBuilder(8192);
        family(b, "surge_http_requests_total", "counter", "HTTP requests answered, by route and status.");
        Route[] routes = Route.values();
        for (int r = 0; r < requests.size(); r++) {
            String label = r < routes.length ? routes[r].label : "unmatched";
            for (int s = 0; s < STATUSES; s++) {
                LongAdder a = requests.get(r).get(s);
                if (a != null) {
                    b.append("surge_http_requests_total{route=\"").append(label).append("\",status=\"").append(s)
                        .append("\"} ").append(a.sum()).append('\n');
                }
            }
        }

        family(b, "surge_http_request_duration_seconds", "histogram",
            "Time from a request's headers to its response written, all routes and claims alone.");
        histogram(b, "all", allTotal);
        histogram(b, "claim", claimTotal);
        family(b, "surge_http_request_duration_quantile_seconds", "gauge",
            "Quantiles of the same latency since start (HdrHistogram, 2 significant digits).");
        quantiles(b, "all", allTotal);
        quantiles(b, "claim", claimTotal);

        family(b, "surge_decisions_total", "counter", "Claim decisions by campaign and result.");
        Map<String, AtomicLongArray> sorted = new TreeMap<>(decisions);
        for (Map.Entry<String, AtomicLongArray> e : sorted.entrySet()) {
            AtomicLongArray counts = e.getValue();
            for (int code = 0; code < counts.length(); code++) {
                long n = counts.get(code);
                if (n > 0) {
                    b.append("surge_decisions_total{campaign=\"").append(escape(e.getKey())).append("\",result=\"")
                        .append(ResultCode.of(code)).append("\"} ").append(n).append('\n');
                }
            }
        }
        family(b, "surge_risk_rejections_total", "counter", "Claims refused by a risk rule, by campaign and reason.");
        for (Map.Entry<String, AtomicLongArray> e : new TreeMap<>(riskRejections).entrySet()) {
            AtomicLongArray counts = e.getValue();
            for (int code = 0; code < counts.length(); code++) {
                long n = counts.get(code);
                if (n > 0) {
                    b.append("surge_risk_rejections_total{campaign=\"").append(escape(e.getKey())).append("\",reason=\"")
                        .append(RiskReason.nameOf(code)).append("\"} ").append(n).append('\n');
                }
            }
        }
        byResult(b, "surge_redemptions_total", "Redemption decisions by result.", redemptions);
        byResult(b, "surge_payments_total", "Payment notifications decided, by result (repeats not counted).",
            payments);

        gauge(b, "surge_ready", "1 once recovery is done and the engine takes requests.", engine != null ? 1 : 0);
        if (engine instanceof ClusterEngine cluster) {
            cluster(b, cluster);
        } else if (engine instanceof EngineProxy local) {
            EngineRing ring = local.ring();
            RingMetrics m = ring.metrics();
            long published = engine.published();
            long journaled = m.slots();
            gauge(b, "surge_engine_halted", "1 when the engine stopped deciding after a journal failure.",
                engine.halted() ? 1 : 0);
            gauge(b, "surge_ring_depth", "Ring slots in use: published and not yet through every stage.", ring.depth());
            gauge(b, "surge_ring_capacity", "Ring slots in all.", ring.capacity());
            counter(b, "surge_ring_published_total", "Commands published to the ring by the gateway.", published);
            counter(b, "surge_journal_slots_total", "Ring slots past the journal stage.", journaled);
            gauge(b, "surge_journal_lag_slots", "Published commands not yet past the journal stage.",
                Math.max(0, published - journaled));
            counter(b, "surge_journal_events_total", "Events written to the journal.", m.events());
            gauge(b, "surge_journal_sequence", "Sequence of the last event known durable.", m.journaledSequence());
            counter(b, "surge_journal_batches_total", "Journal batches (one flush, or sync, each).", m.batches());
            gauge(b, "surge_journal_max_batch", "Largest journal batch so far, in slots.", m.maxBatch());
            TableGrowth growth = local.growth();
            counter(b, "surge_engine_table_growths_total", "Times the engine's writer stopped to grow a table by copying "
                + "it (a sale past --expected-users, codes uploaded); claims wait meanwhile.", growth.count());
            family(b, "surge_engine_table_growth_seconds_total", "counter", "The writer's time spent growing tables.");
            b.append("surge_engine_table_growth_seconds_total ").append(format(growth.totalNanos() / 1e9)).append('\n');
            family(b, "surge_engine_table_growth_longest_seconds", "gauge", "The longest of those stops.");
            b.append("surge_engine_table_growth_longest_seconds ").append(format(growth.longestNanos() / 1e9)).append('\n');
        }
        gauge(b, "surge_http_connections_open", "Open client connections.",
            connectionsOpened.sum() - connectionsClosed.sum());
        counter(b, "surge_http_connections_total", "Client connections accepted.", connectionsOpened.sum());
        family(b, "surge_http_connections_refused_total", "counter",
            "Client connections closed at once, unanswered: over the global cap or over their address's cap.");
        b.append("surge_http_connections_refused_total{reason=\"global\"} ").append(refusedGlobal.sum()).append('\n');
        b.append("surge_http_connections_refused_total{reason=\"per_ip\"} ").append(refusedPerIp.sum()).append('\n');
        counter(b, "surge_http_connections_first_byte_timeouts_total",
            "Client connections closed because they sent nothing within the first-byte timeout.", firstByteTimeouts.sum());
        counter(b, "surge_rate_limited_total", "Requests refused with 429 RATE_LIMITED.", rateLimited.sum());
        counter(b, "surge_request_timeouts_total", "Requests refused with 408 REQUEST_TIMEOUT.", timeouts.sum());
        counter(b, "surge_http_fast_requests_total",
            "Claims and redemptions framed by the fast path rather than Netty's HTTP decoder.", fastRequests.sum());
        counter(b, "surge_overloaded_total", "Requests refused with 503 OVERLOADED (ring full, or too many commands in "
            + "flight to the cluster).", overloaded.sum());
        counter(b, "surge_codes_loaded_total", "Codes loaded through the upload route.", codesLoaded.sum());
        gauge(b, "surge_redeemer_keys", "Redeemer keys known.", redeemerCount);
        return b.toString();
    }

    /** In front of a cluster: what its client knows (there is no ring or journal in this process). */
    private static void cluster(StringBuilder b, ClusterEngine engine) {
        ClusterEngineClient c = engine.client();
        gauge(b, "surge_engine_halted", "1 when commands are refused: the cluster client closed or without a session "
            + "for too long.", engine.halted() ? 1 : 0);
        gauge(b, "surge_cluster_connected", "1 while the cluster client has a session with the cluster.",
            c.connected() ? 1 : 0);
        gauge(b, "surge_cluster_leader", "The member that led when the client last heard (-1 before any).",
            c.leaderMemberId());
        gauge(b, "surge_cluster_in_flight", "Commands sent to the cluster and not answered yet.", c.inFlight());
        gauge(b, "surge_cluster_max_in_flight", "Commands in flight beyond which requests get 503 OVERLOADED.",
            engine.maxInFlight());
        counter(b, "surge_cluster_commands_total", "Commands sent to the cluster.", c.sent());
        counter(b, "surge_cluster_resent_total", "Commands sent again after a leader change, a lost session or a "
            + "late answer.", c.resent());
        counter(b, "surge_cluster_sessions_total", "Sessions the client opened with the cluster.", c.sessions());
    }

    /** Moves what the recorders hold into the since-start totals and the dashboard's window. */
    private void drainRecorders() {
        allRecycled = allLatency.getIntervalHistogram(allRecycled);
        allTotal.add(allRecycled);
        allWindow.add(allRecycled);
        claimRecycled = claimLatency.getIntervalHistogram(claimRecycled);
        claimTotal.add(claimRecycled);
        claimWindow.add(claimRecycled);
    }

    /** Percentiles of request latency in microseconds over some span; zeros when {@code count} is 0. */
    public record LatencySummary(long count, long p50Micros, long p99Micros, long p999Micros, long maxMicros) {
        static LatencySummary of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new LatencySummary(0, 0, 0, 0, 0);
            }
            return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50) / 1000,
                h.getValueAtPercentile(99) / 1000, h.getValueAtPercentile(99.9) / 1000, h.getMaxValue() / 1000);
        }
    }

    /** Claim latency and all routes' latency over the same span. */
    public record LatencyWindow(LatencySummary claim, LatencySummary all) {
    }

    /** Latency since the previous call (the dashboard's "now"), then starts a new span. */
    public synchronized LatencyWindow takeLatencyWindow() {
        drainRecorders();
        LatencyWindow w = new LatencyWindow(LatencySummary.of(claimWindow), LatencySummary.of(allWindow));
        claimWindow.reset();
        allWindow.reset();
        return w;
    }

    /** Requests refused at the door, not by the engine: 429 RATE_LIMITED, 503 OVERLOADED, 408 REQUEST_TIMEOUT. */
    public long rateLimitedTotal() {
        return rateLimited.sum();
    }

    public long overloadedTotal() {
        return overloaded.sum();
    }

    public long timeoutsTotal() {
        return timeouts.sum();
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        family(b, name, "gauge", help);
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        family(b, name, "counter", help);
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void histogram(StringBuilder b, String route, Histogram h) {
        String name = "surge_http_request_duration_seconds";
        for (double le : BUCKETS_SECONDS) {
            long upTo = (long) (le * 1e9);
            long count = h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, upTo);
            b.append(name).append("_bucket{route=\"").append(route).append("\",le=\"").append(format(le))
                .append("\"} ").append(count).append('\n');
        }
        b.append(name).append("_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ").append(h.getTotalCount())
            .append('\n');
        double sum = h.getTotalCount() == 0 ? 0 : h.getMean() * h.getTotalCount() / 1e9;
        b.append(name).append("_sum{route=\"").append(route).append("\"} ").append(format(sum)).append('\n');
        b.append(name).append("_count{route=\"").append(route).append("\"} ").append(h.getTotalCount()).append('\n');
    }

    private static void quantiles(StringBuilder b, String route, Histogram h) {
        for (double q : QUANTILES) {
            double v = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(q * 100) / 1e9;
            b.append("surge_http_request_duration_quantile_seconds{route=\"").append(route).append("\",quantile=\"")
                .append(format(q)).append("\"} ").append(format(v)).append('\n');
        }
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.9g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
