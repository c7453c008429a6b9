package dev.surge.simulator;

import dev.surge.delivery.Signature;
import dev.surge.delivery.SimulatedPaymentProvider;
import dev.surge.engine.util.Ids;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A simulated payment provider (WeChat Pay, Alipay...) for paid flash sales, the thing tests and
 * demos judge payments and refunds against (docs/payment-simulator.md; the protocol is
 * docs/payments.md). It serves any number of provider names, each with its own secret and ledger:
 *
 * <ul>
 *   <li>the refund API, {@code POST /{provider}/refunds} and {@code GET /{provider}/refunds/{refundId}}
 *       (decided by {@link RefundDesk}, with the faults of {@link Knobs});</li>
 *   <li>the payer, {@code POST /_sim/pay} or {@link #pay}: makes an order's payments on time,
 *       twice, late or never, and notifies Surge of each, signed, resent until a 2xx ({@link Payer});</li>
 *   <li>{@code GET /_sim/payments} (the ledger), {@code /_sim/stats}, {@code /_sim/statement/{provider}}
 *       (refunds as CSV) and {@code POST /_sim/knobs?name=value&...}.</li>
 * </ul>
 *
 * <p>In process: {@code PaymentSimulator.start(0, Map.of("alipay", secret))}, then
 * {@link #url} for {@code PUT /admin/suppliers/{id}}, {@link #pay}, {@link #payments()},
 * {@link #refunds()}, {@link #knobs()}, {@link #close()}.
 *
 * <p>Threading: thread-safe; its own two event loop threads ({@code surge-paysim}), which also
 * send the notifications. Faults are drawn from one seeded random.
 */
public final class PaymentSimulator implements SimulatedPaymentProvider {
    /** The refund API's faults ({@link FaultKnobs}) and how notifications are resent; read per use. */
    public static final class Knobs extends FaultKnobs {
        /** Deliveries of a notification until one gets a 2xx (WeChat Pay and Alipay: 15). */
        public volatile int notifyAttempts = 15;
        /** The wait before the first resend, doubled for each one after. */
        public volatile long notifyBackoffMs = 100;
        public volatile long notifyBackoffMaxMs = 5000;
        /** Connect and answer timeout of one delivery. */
        public volatile long notifyTimeoutMs = 2000;
        /** A refund must name a transaction this provider was paid, within what was paid. */
        public volatile boolean checkTransactions = true;

        @Override
        protected boolean setKnown(String name, String value) {
            switch (name) {
                case "notifyAttempts" -> notifyAttempts = (int) within(name, value, 1, 1000);
                case "notifyBackoffMs" -> notifyBackoffMs = nonNegative(name, value);
                case "notifyBackoffMaxMs" -> notifyBackoffMaxMs = nonNegative(name, value);
                case "notifyTimeoutMs" -> notifyTimeoutMs = within(name, value, 1, 600_000);
                case "checkTransactions" -> checkTransactions = bool(name, value);
                default -> {
                    return super.setKnown(name, value);
                }
            }
            return true;
        }

        private static long within(String name, String value, long min, long max) {
            long v = Long.parseLong(value);
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + ": must be " + min + ".." + max);
            }
            return v;
        }

        private static boolean bool(String name, String value) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException(name + ": true or false");
            }
            return Boolean.parseBoolean(value);
        }

        @Override
        public String toString() {
            return super.toString() + " notifyAttempts=" + notifyAttempts + " notifyBackoffMs=" + notifyBackoffMs
                + " notifyBackoffMaxMs=" + notifyBackoffMaxMs + " notifyTimeoutMs=" + notifyTimeoutMs
                + " checkTransactions=" + checkTransactions;
        }
    }

    /** An order the simulator was asked to pay, with the transaction ids of the payments it makes (none for NEVER). */
    public record Order(String provider, String orderId, long amount, String currency, PayRequest.Mode mode,
                        long requestedAt, long payBy, String notifyUrl, List<String> transactionIds) {
    }

    /**
     * A payment: {@code state} SCHEDULED, NOTIFYING (paid, no 2xx yet), ACKNOWLEDGED or GAVE_UP;
     * times in epoch ms ({@code paidAt} 0 until paid); the last answer's HTTP status (0: none)
     * and its body's {@code status}; {@code refunded}: the amount refunded against it.
     */
    public record Payment(String provider, String transactionId, String orderId, long amount, String currency,
                          PayRequest.Mode mode, String state, long dueAt, long paidAt, int notifyAttempts,
                          int acknowledgements, int lastStatusCode, String lastStatus, String lastError,
                          long refunded) {
    }

    /** A refund received: {@code status} PENDING, REFUNDED or FAILED ({@code error} says why). */
    public record Refund(String provider, String refundId, String transactionId, String orderId, long amount,
                         String currency, String reason, String status, long time, String error) {
    }

    private static final long HOLD_SILENT_MS = 120_000;

    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final String fallbackSecret;
    private final Set<String> notifyHosts = ConcurrentHashMap.newKeySet();
    private final Knobs knobs = new Knobs();
    private final SplittableRandom random;
    private final SimServer server;
    private final PaymentLedger ledger = new PaymentLedger();
    private final RefundDesk desk;
    private final Payer payer;

    /**
     * {@code secrets}: provider name to its HMAC secret; {@code fallbackSecret} (may be null) is
     * the secret of every other name; {@code seed} drives the faults.
     */
    public PaymentSimulator(Map<String, String> secrets, String fallbackSecret, long seed) {
        secrets.forEach(this::provider);
        this.fallbackSecret = fallbackSecret;
        this.random = new SplittableRandom(seed);
        this.server = new SimServer("surge-paysim", Handler::new);
        this.desk = new RefundDesk(ledger, knobs, this::roll, System::currentTimeMillis);
        this.payer = new Payer(server.group(), ledger, knobs, this::secret, notifyHosts, System::currentTimeMillis);
    }

    /** Listening on 127.0.0.1:{@code port} (0: a free one), these providers only, seed 1. */
    public static PaymentSimulator start(int port, Map<String, String> secrets) {
        PaymentSimulator sim = new PaymentSimulator(secrets, null, 1);
        sim.start("127.0.0.1", port);
        return sim;
    }

    /** Binds and listens; port 0 picks a free one. Returns the bound address. */
    public InetSocketAddress start(String bindHost, int bindPort) {
        return server.start(bindHost, bindPort);
    }

    /** Adds a provider name, or changes its secret. */
    public void provider(String name, String secret) {
        if (!Ids.isValid(name) || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a provider is an id with a non-empty secret: " + name);
        }
        secrets.put(name, secret);
    }

    /** Lets notifications go to {@code host} too (a name or an address), besides loopback. */
    public void allowNotifyHost(String notifyHost) {
        notifyHosts.add(notifyHost.toLowerCase(Locale.ROOT));
    }

    /** The base of a provider's refund API, for {@code PUT /admin/suppliers/{id}}: Surge POSTs {@code {url}/refunds}. */
    @Override
    public String url(String provider) {
        return server.url(provider);
    }

    /** Where {@code POST /_sim/pay} is. */
    @Override
    public String payUrl() {
        return server.url("_sim/pay");
    }

    @Override
    public int port() {
        return server.port();
    }

    public Knobs knobs() {
        return knobs;
    }

    /** Down: stops listening and drops every connection, so refund requests are refused. Notifications go on. */
    public void down() {
        server.down();
    }

    /** Up again, on the same port. */
    public void up() {
        server.up();
    }

    // ---- the payer and the ledger ---------------------------------------------------------------

    /** Records the order and schedules its payments; IllegalArgumentException naming the field when refused. */
    public Order pay(PayRequest request) {
        return payer.pay(request);
    }

    public List<Order> orders() {
        return ledger.orders();
    }

    /** Every payment, scheduled or made, in the order they were asked for. */
    public List<Payment> payments() {
        return ledger.payments();
    }

    /** Every refund received into a ledger, in the order received. */
    public List<Refund> refunds() {
        return ledger.refunds();
    }

    /** {@code GET /_sim/payments} as JSON ({@code orderId} null for every order). */
    public String ledgerJson(String orderId) {
        return ledger.json(orderId);
    }

    /** {@code GET /_sim/stats} as JSON. */
    public String statsJson() {
        return ledger.statsJson();
    }

    /** A provider's refunds as CSV: {@code refundId,transactionId,orderId,amount,currency,reason,status,time}. */
    public String statement(String provider) {
        return ledger.statement(provider);
    }

    /** Requests refused for a missing or wrong signature, or an unknown provider. */
    public long badSignatures() {
        return ledger.counts.badSignatures.sum();
    }

    /** Refund requests answered 409 or 422 because the refund id was seen before. */
    public long duplicates() {
        return ledger.counts.duplicates.sum();
    }

    @Override
    public void close() {
        server.close();
    }

    private String secret(String provider) {
        String s = secrets.get(provider);
        return s != null ? s : fallbackSecret;
    }

    private double roll() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    /** One connection's requests; its Macs are confined to the connection's event loop. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** By secret, so that a changed secret takes effect at once. */
        private final Map<String, Signature> signatures = new HashMap<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            ledger.counts.requests.increment();
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String[] path = q.path().substring(1).split("/");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean post = req.method().equals(HttpMethod.POST);
            boolean get = req.method().equals(HttpMethod.GET);
            if (path[0].equals("_sim")) {
                control(ctx, req, q, path, keepAlive);
            } else if (post && path.length == 2 && path[1].equals("refunds") && Ids.isValid(path[0])) {
                refund(ctx, req, path[0], keepAlive);
            } else if (get && path.length == 3 && path[1].equals("refunds") && Ids.isValid(path[0])) {
                query(ctx, req, path[0], path[2], keepAlive);
            } else {
                SimHttp.reply(ctx, HttpResponseStatus.NOT_FOUND, SimHttp.error("no such route"), keepAlive, 0);
            }
        }

        private void refund(ChannelHandlerContext ctx, FullHttpRequest req, String provider, boolean keepAlive) {
            long latency = knobs.latencyMs;
            ledger.counts.refundRequests.increment();
            byte[] body = ByteBufUtil.getBytes(req.content());
            if (!signed(provider, body, req)) {
                SimHttp.reply(ctx, HttpResponseStatus.UNAUTHORIZED, SimHttp.error("bad signature"), keepAlive, latency);
                return;
            }
            answer(ctx, desk.refund(provider, body, req.headers().get("Idempotency-Key")), keepAlive, latency);
        }

        private void query(ChannelHandlerContext ctx, FullHttpRequest req, String provider, String refundId,
                           boolean keepAlive) {
            long latency = knobs.latencyMs;
            ledger.counts.refundQueries.increment();
            if (!signed(provider, refundId.getBytes(StandardCharsets.UTF_8), req)) {
                SimHttp.reply(ctx, HttpResponseStatus.UNAUTHORIZED, SimHttp.error("bad signature"), keepAlive, latency);
                return;
            }
            answer(ctx, desk.query(provider, refundId), keepAlive, latency);
        }

        /** The signature of {@code signed} under the provider's secret; an unknown provider fails it. */
        private boolean signed(String provider, byte[] signedBytes, FullHttpRequest req) {
            String secret = secret(provider);
            boolean ok = secret != null && signatures.computeIfAbsent(secret, Signature::new)
                .verify(signedBytes, req.headers().get(Signature.HEADER));
            if (!ok) {
                ledger.counts.badSignatures.increment();
            }
            return ok;
        }

        private void answer(ChannelHandlerContext ctx, RefundDesk.Answer a, boolean keepAlive, long latency) {
            if (a.silent()) {
                // the caller's timeout decides; the connection is dropped much later
                ctx.executor().schedule(() -> ctx.close(), HOLD_SILENT_MS, TimeUnit.MILLISECONDS);
                return;
            }
            Runnable done = () -> {
                if (a.before() != null) {
                    a.before().run();
                }
                SimHttp.write(ctx, a.status(), a.json(), keepAlive, SimHttp.JSON);
            };
            if (latency <= 0) {
                done.run();
            } else {
                ctx.executor().schedule(done, latency, TimeUnit.MILLISECONDS);
            }
        }

        private void control(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, String[] path,
                             boolean keepAlive) {
            boolean get = req.method().equals(HttpMethod.GET);
            boolean post = req.method().equals(HttpMethod.POST);
            String route = path.length >= 2 ? path[1] : "";
            if (post && path.length == 2 && route.equals("pay")) {
                pay(ctx, ByteBufUtil.getBytes(req.content()), keepAlive);
            } else if (get && path.length == 2 && route.equals("payments")) {
                List<String> orderId = q.parameters().get("orderId");
                SimHttp.reply(ctx, HttpResponseStatus.OK, ledger.json(orderId == null ? null : orderId.get(0)),
                    keepAlive, 0);
            } else if (get && path.length == 2 && route.equals("stats")) {
                SimHttp.reply(ctx, HttpResponseStatus.OK, ledger.statsJson(), keepAlive, 0);
            } else if (get && path.length == 3 && route.equals("statement") && Ids.isValid(path[2])) {
                SimHttp.write(ctx, HttpResponseStatus.OK, ledger.statement(path[2]), keepAlive, SimHttp.CSV);
            } else if (post && path.length == 2 && route.equals("knobs")) {
                try {
                    q.parameters().forEach((name, values) -> knobs.set(name, values.get(0)));
                } catch (IllegalArgumentException e) {
                    SimHttp.reply(ctx, HttpResponseStatus.BAD_REQUEST, SimHttp.error(e.getMessage()), keepAlive, 0);
                    return;
                }
                SimHttp.reply(ctx, HttpResponseStatus.OK, SimHttp.json(g -> {
                    g.writeStartObject();
                    g.writeStringField("knobs", knobs.toString());
                    g.writeEndObject();
                }), keepAlive, 0);
            } else {
                SimHttp.reply(ctx, HttpResponseStatus.NOT_FOUND, SimHttp.error("no such route"), keepAlive, 0);
            }
        }

        private void pay(ChannelHandlerContext ctx, byte[] body, boolean keepAlive) {
            Order o;
            try {
                o = payer.pay(PayRequest.parse(body));
            } catch (IllegalArgumentException e) {
                SimHttp.reply(ctx, HttpResponseStatus.BAD_REQUEST, SimHttp.error(e.getMessage()), keepAlive, 0);
                return;
            }
            SimHttp.reply(ctx, HttpResponseStatus.ACCEPTED, SimHttp.json(g -> {
                g.writeStartObject();
                g.writeStringField("result", "SCHEDULED");
                g.writeStringField("provider", o.provider());
                g.writeStringField("orderId", o.orderId());
                g.writeStringField("mode", o.mode().name());
                g.writeArrayFieldStart("transactionIds");
                for (String t : o.transactionIds()) {
                    g.writeString(t);
                }
                g.writeEndArray();
                g.writeEndObject();
            }), keepAlive, 0);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
