package dev.surge.gateway.dashboard;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.Publisher;
import dev.surge.gateway.engine.RingCall;
import dev.surge.gateway.http.GatewayMetrics;
import dev.surge.gateway.http.ServerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every open dashboard: once a second it asks the engine for its campaign counters (one
 * {@code QUERY_CAMPAIGNS} through the ring, however many pages are open, and none while the
 * previous is unanswered), turns them into rates and history, renders one frame and sends the
 * same bytes to every viewer. The engine only copies its per-campaign and per-SKU counters for
 * it: no per-user state is ever read. It also samples while nobody watches, so a page opened
 * mid-sale draws the sell-down since before it was opened.
 *
 * <p>Threading: runs on the executor it is given, the gateway's {@code surge-dispatch} thread
 * (beside the supplier and refund dispatchers), which alone touches the sampling state below;
 * {@link #subscribe}, {@link #section} and {@link #writeHistory} are thread-safe. Not a thread of
 * its own: one that sleeps 999 ms a second is one more for two cores to schedule. Not an event
 * loop's timer either: rendering a frame of 50 campaigns of 10 SKUs took 2-5 ms while warming up
 * ({@code DashboardScaleIT}), a stall no request should wait out, while a delivery attempt that
 * waits a few milliseconds more is within its supplier's own timings.
 */
public final class DashboardAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardAgent.class);
    static final long TICK_MS = 1000;
    /** Ten minutes at one sample a second. */
    static final int HISTORY_SAMPLES = 600;
    /** Far above 50 campaigns x 10 SKUs; a bound, not a target. */
    static final int MAX_SERIES = 20_000;
    public static final int MAX_VIEWERS = 64;

    private final ServerContext server;
    private final ScheduledExecutorService thread;
    private ScheduledFuture<?> ticks;
    private volatile boolean stopped;
    private final Viewers viewers = new Viewers(MAX_VIEWERS);
    private final History history = new History(HISTORY_SAMPLES, MAX_SERIES);
    private final Map<String, FrameSection> sections = new LinkedHashMap<>();
    private final CountersQuery query = new CountersQuery();
    private final AtomicLong queries = new AtomicLong();
    private volatile byte[] lastEvent;
    private volatile int lastFrameBytes;

    // ---- confined to the agent's thread ----
    private final ByteBuf buffer = Unpooled.buffer(64 * 1024);
    private boolean queryInFlight;
    private Sample sample = Sample.NONE;
    private final long[] doorBefore = new long[3];
    private long doorBeforeAt;

    /** {@code thread}: a single-threaded executor the agent shares and does not shut down. */
    public DashboardAgent(ServerContext server, ScheduledExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Starts sampling, from now on (also while recovering: the frames then show its progress). */
    public synchronized DashboardAgent start() {
        if (ticks == null) {
            ticks = thread.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Adds a section to every frame from now on (see {@link FrameSection}). */
    public void section(String name, FrameSection section) {
        synchronized (sections) {
            sections.put(name, section);
        }
    }

    /**
     * A new viewer on an open event stream: it gets the latest frame at once, then every frame.
     * False when there are too many viewers already.
     */
    public boolean subscribe(Channel stream, DashboardSessions.Session session) {
        if (!viewers.add(stream, session)) {
            return false;
        }
        byte[] last = lastEvent;
        if (last != null) {
            Viewers.send(stream, last);
        }
        return true;
    }

    /** Ends the event streams of a session that logged out. */
    public void closeStreams(DashboardSessions.Session session) {
        viewers.close(session);
    }

    /**
     * The history the page starts its charts with: totals and every campaign's stock, plus the
     * SKUs of {@code campaign} when not null. {@code {"t": [...], "series": {key: [...]}}}.
     */
    public void writeHistory(com.fasterxml.jackson.core.JsonGenerator g, String campaign) throws java.io.IOException {
        String skus = campaign == null ? null : FrameJson.skuKey(campaign, "");
        Predicate<String> keys = k -> k.startsWith(FrameJson.GLOBAL) || k.startsWith(FrameJson.CAMPAIGN)
            || (skus != null && k.startsWith(skus));
        history.write(g, keys);
    }

    /** QUERY_CAMPAIGNS published so far (one per sample, whatever the number of viewers). */
    public long queries() {
        return queries.get();
    }

    /** Size of the latest frame in bytes (what each viewer receives per second). */
    public int lastFrameBytes() {
        return lastFrameBytes;
    }

    public int viewers() {
        return viewers.size();
    }

    /** Stops sampling; returns once a sample in progress has finished (the executor is the caller's to stop). */
    @Override
    public synchronized void close() {
        if (ticks == null) {
            return;
        }
        stopped = true; // a query's answer still on its way is dropped
        ticks.cancel(false);
        try {
            // the executor runs one task at a time: when this one runs, no tick is running
            thread.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("dashboard sampling did not stop within 5 s: {}", e.toString());
        }
    }

    // ---- on the agent's executor ----------------------------------------------------------------

    private void tick() {
        try {
            Engine engine = server.engine();
            if (engine != null && !engine.halted() && !queryInFlight) {
                if (engine.publish(query)) {
                    queryInFlight = true;
                    queries.incrementAndGet();
                    return; // the frame goes out with the answer
                }
            }
            // no answer coming this second (recovering, halted, ring full, or the last query is
            // still on its way): the frame says so, with the counters it has
            publish(false);
        } catch (RuntimeException e) {
            LOG.warn("dashboard frame failed", e);
        }
    }

    /** The engine's answer (null when it could not give one), handed over from the journal thread. */
    private void onCounters(List<CampaignCounters> campaigns) {
        try {
            queryInFlight = false;
            if (campaigns != null) {
                sample = sample.next(campaigns, server.clock.time());
            }
            publish(campaigns != null);
        } catch (RuntimeException e) {
            LOG.warn("dashboard frame failed", e);
        }
    }

    private void publish(boolean fresh) {
        long now = server.clock.time();
        GatewayMetrics.LatencyWindow latency = server.metrics.takeLatencyWindow();
        double[] door = doorRates(now);
        Map<String, Double> point = fresh ? point(latency) : Map.of();
        if (fresh) {
            history.begin(sample.at());
            point.forEach(history::put);
            history.end();
        }
        Map<String, FrameSection> extra;
        synchronized (sections) {
            extra = new LinkedHashMap<>(sections);
        }
        byte[] event = FrameJson.event(buffer, new FrameJson.Frame(now, fresh, sample, latency, door, point, extra,
            viewers.size()), server);
        lastEvent = event;
        lastFrameBytes = event.length;
        viewers.broadcast(event, now);
    }

    /** This sample's history values: totals, latency, every campaign's and SKU's stock left. */
    private Map<String, Double> point(GatewayMetrics.LatencyWindow latency) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put(FrameJson.GLOBAL + "granted", sample.granted());
        p.put(FrameJson.GLOBAL + "refused", sample.refused());
        p.put(FrameJson.GLOBAL + "redeemed", sample.redeemed());
        GatewayMetrics.LatencySummary claim = latency.claim();
        double none = Double.NaN;
        p.put(FrameJson.GLOBAL + "p50", claim.count() == 0 ? none : claim.p50Micros());
        p.put(FrameJson.GLOBAL + "p99", claim.count() == 0 ? none : claim.p99Micros());
        p.put(FrameJson.GLOBAL + "p999", claim.count() == 0 ? none : claim.p999Micros());
        for (CampaignCounters c : sample.campaigns()) {
            long stock = 0;
            for (CampaignCounters.SkuCounters s : c.skus()) {
                p.put(FrameJson.skuKey(c.id(), s.id()), (double) s.stockLeft());
                if (s.kind() != SkuKind.BUNDLE) {
                    stock += s.stockLeft();
                }
            }
            p.put(FrameJson.CAMPAIGN + c.id(), (double) stock);
        }
        return p;
    }

    /** Per second since the previous frame: 429s, 503 OVERLOADED, 408s. */
    private double[] doorRates(long now) {
        GatewayMetrics m = server.metrics;
        long[] totals = {m.rateLimitedTotal(), m.overloadedTotal(), m.timeoutsTotal()};
        double seconds = (now - doorBeforeAt) / 1000.0;
        double[] rates = new double[totals.length];
        for (int i = 0; i < totals.length; i++) {
            rates[i] = doorBeforeAt == 0 || seconds <= 0 ? 0 : (totals[i] - doorBefore[i]) / seconds;
            doorBefore[i] = totals[i];
        }
        doorBeforeAt = now;
        return rates;
    }

    /**
     * The campaign counters of one moment and the rates since the moment before: per campaign
     * {@code [granted, refused, redeemed]} per second, and refusals per second by result.
     */
    record Sample(long at, List<CampaignCounters> campaigns, Map<String, double[]> campaignRates,
                  Map<ResultCode, Double> refusalRates, double granted, double refused, double redeemed) {
        static final Sample NONE = new Sample(0, List.of(), Map.of(), Map.of(), 0, 0, 0);

        Sample next(List<CampaignCounters> now, long time) {
            Map<String, CampaignCounters> before = new HashMap<>();
            for (CampaignCounters c : campaigns) {
                before.put(c.id(), c);
            }
            double seconds = (time - at) / 1000.0;
            boolean rated = at != 0 && seconds > 0;
            Map<String, double[]> rates = new HashMap<>();
            Map<ResultCode, Double> byResult = new EnumMap<>(ResultCode.class);
            double granted = 0;
            double refused = 0;
            double redeemed = 0;
            for (CampaignCounters c : now) {
                CampaignCounters b = before.get(c.id());
                double[] r = new double[3];
                if (rated && b != null) {
                    r[0] = Math.max(0, c.granted() - b.granted()) / seconds;
                    for (Map.Entry<ResultCode, Long> e : c.rejected().entrySet()) {
                        long delta = e.getValue() - b.rejected().getOrDefault(e.getKey(), 0L);
                        if (delta > 0) {
                            r[1] += delta / seconds;
                            byResult.merge(e.getKey(), delta / seconds, Double::sum);
                        }
                    }
                    r[2] = Math.max(0, c.redeemed() - b.redeemed()) / seconds;
                }
                rates.put(c.id(), r);
                granted += r[0];
                refused += r[1];
                redeemed += r[2];
            }
            return new Sample(time, now, rates, byResult, granted, refused, redeemed);
        }
    }

    /** The one query this agent keeps in the ring (never two at once, so one instance serves). */
    private final class CountersQuery implements RingCall {
        @Override
        public void writeCommand(Publisher p, CommandSlot slot) {
            p.writer.queryCampaigns(slot, p.now(), "");
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onReply(CommandSlot slot, ReplyView view) {
            List<CampaignCounters> answer = slot.result != ResultCode.UNAVAILABLE && slot.answer instanceof List<?> l
                ? (List<CampaignCounters>) l : null;
            if (stopped) {
                return;
            }
            try {
                thread.execute(() -> onCounters(answer));
            } catch (RejectedExecutionException e) {
                // stopping: nobody is waiting for this frame
            }
        }
    }
}
