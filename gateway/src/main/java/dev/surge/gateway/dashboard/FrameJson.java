package dev.surge.gateway.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.engine.ResultCode;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.ring.RingMetrics;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.cluster.ClusterEngineClient;
import dev.surge.gateway.engine.ClusterEngine;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.EngineProxy;
import dev.surge.gateway.engine.RecoveryProgress;
import dev.surge.gateway.http.GatewayMetrics;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.json.Json;
import dev.surge.gateway.json.ReplyJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Renders one dashboard frame as a server-sent event ({@code event: frame}, one {@code data:}
 * line of JSON). Campaigns are written exactly as {@code GET /admin/campaigns} writes them
 * ({@link ReplyJson#campaign}), so whatever counters that gains show up here too. The fields:
 *
 * <pre>
 * at, fresh, countersAt            frame time, whether the counters were just read, when (epoch ms)
 * ready, halted, haltReason        engine state; recovery {startedAt, eventsReplayed, finishedAt}
 * engine                           ringDepth, ringCapacity, published, journaled, journalLag,
 *                                  journalSequence, journalEvents, tableGrowths,
 *                                  tableGrowthLongestMs (null while recovering)
 * latency.claim|all                count, p50, p99, p999, max: microseconds, since the previous frame
 * door                             per second: rateLimited (429), overloaded (503), timeouts (408)
 * rates                            per second, all campaigns: granted, refused, redeemed,
 *                                  byResult {SOLD_OUT: ...}
 * campaigns[]                      as GET /admin/campaigns; campaignRates {id: {granted, refused, redeemed}}
 * point                            this sample's history values {key: value} (see {@link #GLOBAL})
 * sections                         {name: any JSON} from {@link FrameSection}s (suppliers...)
 * viewers                          open dashboard streams
 * </pre>
 *
 * <p>Threading: stateless; called on the dashboard agent's thread.
 */
final class FrameJson {
    /** History keys: {@code g:granted|refused|redeemed|p50|p99|p999}, {@code c:<campaign>}, {@code s:<campaign>/<sku>}. */
    static final String GLOBAL = "g:";
    static final String CAMPAIGN = "c:";
    static final String SKU = "s:";
    private static final byte[] PREFIX = "event: frame\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private FrameJson() {
    }

    /** Everything one frame shows that is not read live from the server. */
    record Frame(long at, boolean fresh, DashboardAgent.Sample sample, GatewayMetrics.LatencyWindow latency,
                 double[] door, Map<String, Double> point, Map<String, FrameSection> sections, int viewers) {
    }

    static String skuKey(String campaign, String sku) {
        return SKU + campaign + "/" + sku;
    }

    /** The whole event, in a fresh array (it is shared by every viewer's write). {@code buffer} is scratch. */
    static byte[] event(ByteBuf buffer, Frame f, ServerContext server) {
        buffer.clear();
        buffer.writeBytes(PREFIX);
        try (JsonGenerator g = Json.generator(buffer)) {
            write(g, f, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.writeBytes(SUFFIX);
        byte[] out = new byte[buffer.readableBytes()];
        buffer.readBytes(out);
        return out;
    }

    private static void write(JsonGenerator g, Frame f, ServerContext server) throws IOException {
        Engine engine = server.engine();
        boolean halted = engine != null && engine.halted();
        g.writeStartObject();
        g.writeNumberField("at", f.at());
        g.writeBooleanField("fresh", f.fresh());
        g.writeNumberField("countersAt", f.sample().at());
        g.writeBooleanField("ready", engine != null);
        g.writeBooleanField("halted", halted);
        g.writeStringField("haltReason", !halted ? null
            : engine instanceof EngineProxy local ? local.ring().health().haltReason() : engine.unavailableReason());
        g.writeBooleanField("cluster", engine instanceof ClusterEngine);
        RecoveryProgress r = server.recovery;
        g.writeObjectFieldStart("recovery");
        g.writeNumberField("startedAt", r.startedAt());
        g.writeNumberField("eventsReplayed", r.eventsReplayed());
        g.writeNumberField("finishedAt", r.finishedAt());
        g.writeEndObject();
        engine(g, engine);

        g.writeObjectFieldStart("latency");
        latency(g, "claim", f.latency().claim());
        latency(g, "all", f.latency().all());
        g.writeEndObject();
        g.writeObjectFieldStart("door");
        rate(g, "rateLimited", f.door()[0]);
        rate(g, "overloaded", f.door()[1]);
        rate(g, "timeouts", f.door()[2]);
        g.writeEndObject();

        DashboardAgent.Sample s = f.sample();
        g.writeObjectFieldStart("rates");
        rate(g, "granted", s.granted());
        rate(g, "refused", s.refused());
        rate(g, "redeemed", s.redeemed());
        g.writeObjectFieldStart("byResult");
        for (Map.Entry<ResultCode, Double> e : s.refusalRates().entrySet()) {
            rate(g, e.getKey().name(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();

        g.writeArrayFieldStart("campaigns");
        for (CampaignCounters c : s.campaigns()) {
            ReplyJson.campaign(g, c);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("campaignRates");
        for (Map.Entry<String, double[]> e : s.campaignRates().entrySet()) {
            g.writeObjectFieldStart(e.getKey());
            rate(g, "granted", e.getValue()[0]);
            rate(g, "refused", e.getValue()[1]);
            rate(g, "redeemed", e.getValue()[2]);
            g.writeEndObject();
        }
        g.writeEndObject();

        g.writeObjectFieldStart("point");
        for (Map.Entry<String, Double> e : f.point().entrySet()) {
            g.writeFieldName(e.getKey());
            History.number(g, e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("sections");
        for (Map.Entry<String, FrameSection> e : f.sections().entrySet()) {
            String json = section(e.getKey(), e.getValue());
            if (json != null) {
                g.writeFieldName(e.getKey());
                g.writeRawValue(json);
            }
        }
        g.writeEndObject();
        g.writeNumberField("viewers", f.viewers());
        g.writeEndObject();
    }

    private static void engine(JsonGenerator g, Engine engine) throws IOException {
        if (engine instanceof ClusterEngine cluster) {
            ClusterEngineClient c = cluster.client();
            g.writeObjectFieldStart("engine"); // what the gateway knows of a cluster: its client (docs/cluster.md)
            g.writeNumberField("inFlight", c.inFlight());
            g.writeNumberField("maxInFlight", cluster.maxInFlight());
            g.writeNumberField("published", engine.published());
            g.writeNumberField("resent", c.resent());
            g.writeNumberField("sessions", c.sessions());
            g.writeBooleanField("connected", c.connected());
            g.writeNumberField("leader", c.leaderMemberId());
            g.writeEndObject();
            return;
        }
        if (!(engine instanceof EngineProxy local)) {
            g.writeNullField("engine");
            return;
        }
        EngineRing ring = local.ring();
        RingMetrics m = ring.metrics();
        long published = local.published();
        g.writeObjectFieldStart("engine");
        g.writeNumberField("ringDepth", ring.depth());
        g.writeNumberField("ringCapacity", ring.capacity());
        g.writeNumberField("published", published);
        g.writeNumberField("journaled", m.slots());
        g.writeNumberField("journalLag", Math.max(0, published - m.slots()));
        g.writeNumberField("journalSequence", m.journaledSequence());
        g.writeNumberField("journalEvents", m.events());
        g.writeNumberField("tableGrowths", local.growth().count());
        g.writeNumberField("tableGrowthLongestMs", local.growth().longestNanos() / 1e6);
        g.writeEndObject();
    }

    private static void latency(JsonGenerator g, String name, GatewayMetrics.LatencySummary l) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("count", l.count());
        g.writeNumberField("p50", l.p50Micros());
        g.writeNumberField("p99", l.p99Micros());
        g.writeNumberField("p999", l.p999Micros());
        g.writeNumberField("max", l.maxMicros());
        g.writeEndObject();
    }

    private static void rate(JsonGenerator g, String name, double perSecond) throws IOException {
        g.writeFieldName(name);
        History.number(g, perSecond);
    }

    /** A section rendered on its own, so one that fails leaves the frame whole (it is left out). */
    private static String section(String name, FrameSection section) {
        ByteBuf b = Unpooled.buffer(256);
        try {
            try (JsonGenerator g = Json.generator(b)) {
                section.write(g);
            }
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(FrameJson.class).warn("dashboard section {} failed", name, e);
            return null;
        } finally {
            b.release();
        }
    }
}
