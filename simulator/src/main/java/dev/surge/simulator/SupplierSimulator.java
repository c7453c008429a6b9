package dev.surge.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.delivery.Signature;
import dev.surge.delivery.SimulatedSupplier;
import dev.surge.delivery.WireJson;
import dev.surge.engine.util.Ids;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A simulated recharge supplier, the thing tests and demos judge exactly-once against. It serves
 * any number of supplier names, each with its own ledger: {@code POST /{name}} recharges
 * (the body of docs/delivery.md, {@code Idempotency-Key}, {@code X-Surge-Signature}), {@code GET /{name}/{deliveryId}}
 * answers its status (DELIVERED, FAILED, PENDING, or 404 never seen). Per name it dedups by
 * Idempotency-Key (a repeat is 409) and counts the recharges it applied per account.
 *
 * <p>Faults, from {@link Knobs} (changeable while it runs, also by {@code POST /_sim/knobs}):
 * latency before every answer; a fail rate of 503 answers that apply nothing; a timeout rate of
 * requests never answered, of which a share was applied first (the case that makes a dispatcher
 * ask before retrying); a reject rate of permanent 422s. Faults are drawn from one seeded random.
 * {@link #down()} stops listening and drops every connection (refused connections) until
 * {@link #up()}. An accepted recharge is PENDING during its latency, then applied.
 *
 * <p>{@code GET /_sim/stats}: counts as JSON. {@code GET /_sim/statement/{name}}: the ledger as a
 * CSV statement ({@code deliveryId,account,status,time}) for {@code journal reconcile}.
 *
 * <p>Threading: thread-safe; its own event loop threads ({@code surge-sim}).
 */
public final class SupplierSimulator implements SimulatedSupplier {
    /** Fault and latency knobs ({@link FaultKnobs}); read per request, so changes apply at once. */
    public static final class Knobs extends FaultKnobs {
    }

    /** One delivery a supplier name has seen. */
    private static final class Delivery {
        final String deliveryId;
        final String account;
        volatile String status;
        volatile long time = System.currentTimeMillis();

        Delivery(String deliveryId, String account, String status) {
            this.deliveryId = deliveryId;
            this.account = account;
            this.status = status;
        }
    }

    private static final long HOLD_SILENT_MS = 120_000;

    private final String secret;
    private final Knobs knobs = new Knobs();
    private final SplittableRandom random;
    private final SimServer server;
    private final Map<String, Map<String, Delivery>> ledgers = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> appliedByAccount = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder posts = new LongAdder();
    private final LongAdder queries = new LongAdder();
    private final LongAdder applied = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private final LongAdder badSignatures = new LongAdder();

    /** {@code secret} checks every request's signature; {@code seed} drives the faults. */
    public SupplierSimulator(String secret, long seed) {
        this.secret = secret;
        this.random = new SplittableRandom(seed);
        this.server = new SimServer("surge-sim", Handler::new);
    }

    public Knobs knobs() {
        return knobs;
    }

    /** Binds and listens; port 0 picks a free one. Returns the bound address. */
    public InetSocketAddress start(String bindHost, int bindPort) {
        return server.start(bindHost, bindPort);
    }

    /** The base URL of a supplier name, for {@code PUT /admin/suppliers/{id}}. */
    @Override
    public String url(String name) {
        return server.url(name);
    }

    @Override
    public int port() {
        return server.port();
    }

    /** Down: stops listening and drops every connection, so connections are refused. */
    public void down() {
        server.down();
    }

    /** Up again, on the same port. */
    public void up() {
        server.up();
    }

    // ---- what was applied -----------------------------------------------------------------------

    /** Recharges applied to an account, over every supplier name. */
    public long applied(String account) {
        LongAdder a = appliedByAccount.get(account);
        return a == null ? 0 : a.sum();
    }

    /** Recharges applied, by account (a copy). */
    public Map<String, Long> appliedByAccount() {
        Map<String, Long> m = new TreeMap<>();
        appliedByAccount.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public long applied() {
        return applied.sum();
    }

    public long requests() {
        return requests.sum();
    }

    /** Requests refused for a missing or wrong signature. */
    public long badSignatures() {
        return badSignatures.sum();
    }

    /** Recharge requests (POST) received. */
    public long posts() {
        return posts.sum();
    }

    /** Status queries (GET) received. */
    public long queries() {
        return queries.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long timeoutsGiven() {
        return timeouts.sum();
    }

    public long failuresGiven() {
        return failures.sum();
    }

    /** The status a supplier name has for a delivery, or null when it never saw it. */
    public String status(String name, String deliveryId) {
        Delivery d = ledger(name).get(deliveryId);
        return d == null ? null : d.status;
    }

    /** The supplier name's statement: deliveryId,account,status,time, one row per delivery it saw. */
    public String statement(String name) {
        StringBuilder b = new StringBuilder("deliveryId,account,status,time\n");
        new TreeMap<>(ledger(name)).values().forEach(d -> b.append(d.deliveryId).append(',').append(d.account)
            .append(',').append(d.status).append(',').append(Instant.ofEpochMilli(d.time)).append('\n'));
        return b.toString();
    }

    private Map<String, Delivery> ledger(String name) {
        return ledgers.computeIfAbsent(name, k -> new ConcurrentHashMap<>());
    }

    private double roll() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private void apply(Delivery d) {
        d.status = "DELIVERED";
        d.time = System.currentTimeMillis();
        applied.increment();
        appliedByAccount.computeIfAbsent(d.account, k -> new LongAdder()).increment();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    /** One connection's requests; its Mac is confined to the connection's event loop. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Signature signature = new Signature(secret);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.increment();
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String[] path = q.path().substring(1).split("/");
            byte[] body = ByteBufUtil.getBytes(req.content());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (path.length >= 1 && path[0].equals("_sim")) {
                control(ctx, req, q, path, keepAlive);
            } else if (req.method().equals(HttpMethod.POST) && path.length == 1 && Ids.isValid(path[0])) {
                recharge(ctx, req, path[0], body, keepAlive);
            } else if (req.method().equals(HttpMethod.GET) && path.length == 2 && Ids.isValid(path[0])) {
                query(ctx, req, path[0], path[1], keepAlive);
            } else {
                reply(ctx, HttpResponseStatus.NOT_FOUND, "{\"error\":\"no such route\"}", keepAlive, 0);
            }
        }

        private void recharge(ChannelHandlerContext ctx, FullHttpRequest req, String name, byte[] body,
                              boolean keepAlive) {
            long latency = knobs.latencyMs;
            posts.increment();
            if (!signature.verify(body, req.headers().get(Signature.HEADER))) {
                badSignatures.increment();
                reply(ctx, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"bad signature\"}", keepAlive, latency);
                return;
            }
            String[] fields = fields(body);
            String deliveryId = fields[0];
            String account = fields[1];
            String key = req.headers().get("Idempotency-Key");
            if (deliveryId == null || account == null || !deliveryId.equals(key)) {
                reply(ctx, HttpResponseStatus.BAD_REQUEST,
                    "{\"error\":\"deliveryId and account are required; Idempotency-Key must equal deliveryId\"}",
                    keepAlive, latency);
                return;
            }
            Map<String, Delivery> ledger = ledger(name);
            Delivery seen = ledger.get(deliveryId);
            if (seen != null) {
                duplicate(ctx, seen, keepAlive, latency);
                return;
            }
            Knobs k = knobs;
            FaultKnobs.Fault fault = k.draw(roll());
            if (fault == FaultKnobs.Fault.FAIL) {
                failures.increment();
                reply(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error\":\"simulated failure\"}", keepAlive,
                    latency);
                return;
            }
            if (fault == FaultKnobs.Fault.TIMEOUT) {
                timeouts.increment();
                if (roll() < k.timeoutAppliedRate) {
                    Delivery d = new Delivery(deliveryId, account, "PENDING");
                    if (ledger.putIfAbsent(deliveryId, d) == null) {
                        apply(d);
                    }
                }
                // silent: the caller's timeout decides; the connection is dropped much later
                ctx.executor().schedule(() -> {
                    ctx.close();
                }, HOLD_SILENT_MS, TimeUnit.MILLISECONDS);
                return;
            }
            if (fault == FaultKnobs.Fault.REJECT) {
                rejections.increment();
                Delivery d = new Delivery(deliveryId, account, "FAILED");
                Delivery other = ledger.putIfAbsent(deliveryId, d);
                if (other != null) {
                    duplicate(ctx, other, keepAlive, latency);
                } else {
                    reply(ctx, HttpResponseStatus.UNPROCESSABLE_ENTITY, "{\"status\":\"FAILED\",\"error\":\"simulated "
                        + "rejection\"}", keepAlive, latency);
                }
                return;
            }
            Delivery d = new Delivery(deliveryId, account, "PENDING");
            Delivery other = ledger.putIfAbsent(deliveryId, d);
            if (other != null) {
                duplicate(ctx, other, keepAlive, latency);
                return;
            }
            // accepted: applied when its latency is over, answered then
            Runnable done = () -> {
                apply(d);
                write(ctx, HttpResponseStatus.OK, "{\"status\":\"DELIVERED\"}", keepAlive);
            };
            if (latency <= 0) {
                done.run();
            } else {
                ctx.executor().schedule(done, latency, TimeUnit.MILLISECONDS);
            }
        }

        private void duplicate(ChannelHandlerContext ctx, Delivery seen, boolean keepAlive, long latency) {
            duplicates.increment();
            if (seen.status.equals("FAILED")) {
                reply(ctx, HttpResponseStatus.UNPROCESSABLE_ENTITY, "{\"status\":\"FAILED\"}", keepAlive, latency);
            } else {
                reply(ctx, HttpResponseStatus.CONFLICT, "{\"status\":\"" + seen.status + "\"}", keepAlive, latency);
            }
        }

        private void query(ChannelHandlerContext ctx, FullHttpRequest req, String name, String deliveryId,
                           boolean keepAlive) {
            long latency = knobs.latencyMs;
            queries.increment();
            if (!signature.verify(deliveryId.getBytes(StandardCharsets.UTF_8), req.headers().get(Signature.HEADER))) {
                badSignatures.increment();
                reply(ctx, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"bad signature\"}", keepAlive, latency);
                return;
            }
            if (roll() < knobs.failRate) {
                failures.increment();
                reply(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error\":\"simulated failure\"}", keepAlive,
                    latency);
                return;
            }
            Delivery d = ledger(name).get(deliveryId);
            if (d == null) {
                reply(ctx, HttpResponseStatus.NOT_FOUND, "{\"error\":\"never seen\"}", keepAlive, latency);
            } else {
                reply(ctx, HttpResponseStatus.OK, "{\"status\":\"" + d.status + "\"}", keepAlive, latency);
            }
        }

        private void control(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, String[] path,
                             boolean keepAlive) {
            if (path.length == 2 && path[1].equals("stats")) {
                reply(ctx, HttpResponseStatus.OK, statsJson(), keepAlive, 0);
            } else if (path.length == 3 && path[1].equals("statement") && Ids.isValid(path[2])) {
                SimHttp.write(ctx, HttpResponseStatus.OK, statement(path[2]), keepAlive, SimHttp.CSV);
            } else if (path.length == 2 && path[1].equals("knobs") && req.method().equals(HttpMethod.POST)) {
                try {
                    q.parameters().forEach((name, values) -> knobs.set(name, values.get(0)));
                } catch (IllegalArgumentException e) {
                    reply(ctx, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"" + e.getMessage() + "\"}", keepAlive, 0);
                    return;
                }
                reply(ctx, HttpResponseStatus.OK, "{\"knobs\":\"" + knobs + "\"}", keepAlive, 0);
            } else {
                reply(ctx, HttpResponseStatus.NOT_FOUND, "{\"error\":\"no such route\"}", keepAlive, 0);
            }
        }

        private void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive,
                           long latencyMs) {
            SimHttp.reply(ctx, status, json, keepAlive, latencyMs);
        }

        private void write(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
            SimHttp.write(ctx, status, body, keepAlive, SimHttp.JSON);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** deliveryId and account of a recharge body, null when missing or not JSON. */
    private static String[] fields(byte[] body) {
        String[] out = new String[2];
        try (JsonParser p = WireJson.parser(body, 0, body.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_STRING && name.equals("deliveryId")) {
                    out[0] = p.getText();
                } else if (t == JsonToken.VALUE_STRING && name.equals("account")) {
                    out[1] = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return new String[2];
        }
        return out;
    }

    private String statsJson() {
        ByteBuf buf = Unpooled.buffer(256);
        try (JsonGenerator g = WireJson.FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            g.writeStartObject();
            g.writeNumberField("requests", requests.sum());
            g.writeNumberField("recharges", posts.sum());
            g.writeNumberField("queries", queries.sum());
            g.writeNumberField("applied", applied.sum());
            g.writeNumberField("duplicates", duplicates.sum());
            g.writeNumberField("failures", failures.sum());
            g.writeNumberField("timeouts", timeouts.sum());
            g.writeNumberField("rejections", rejections.sum());
            g.writeNumberField("badSignatures", badSignatures.sum());
            g.writeObjectFieldStart("suppliers");
            for (Map.Entry<String, Map<String, Delivery>> e : new TreeMap<>(ledgers).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue().size());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("appliedByAccount");
            for (Map.Entry<String, Long> e : appliedByAccount().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
