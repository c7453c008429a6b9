package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.delivery.Signature;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.event.EventType;
import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.TestGateway.Res;
import dev.surge.gateway.config.Configuration;
import dev.surge.simulator.PayRequest;
import dev.surge.simulator.PaymentSimulator;
import dev.surge.testkit.NoLeakedThreads;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Refunds over HTTP (docs/refunds.md): a payment that cannot be honoured is refunded at the
 * provider that took it, signed, through retries and timeouts, exactly once, and the order shows
 * it; an owed refund survives a restart, and one in doubt is asked about before anything else.
 */
@ExtendWith(NoLeakedThreads.class)
class RefundsIT {
    private static final String SECRET = "alipay-secret-0123456789";
    private final FakeProvider provider = new FakeProvider(SECRET);
    private final List<TestGateway> gateways = new ArrayList<>();
    private TestGateway t;
    private int users;

    @AfterEach
    void tearDown() {
        gateways.forEach(TestGateway::close);
        provider.close();
    }

    /** Fast retries (docs/delivery.md settings), then {@code more}. */
    private TestGateway start(MemoryStorage storage, Consumer<Configuration> more) {
        TestGateway g = TestGateway.start(c -> {
            c.set(Configuration.Option.DELIVERY_BACKOFF_MS, "5").set(Configuration.Option.DELIVERY_BACKOFF_MAX_MS, "100");
            more.accept(c);
        }, storage, true);
        gateways.add(g);
        t = g;
        return g;
    }

    private void start() {
        start(new MemoryStorage(), c -> {
        });
        configure(2000);
    }

    /** The provider (its refund API below {@code url}) and a paid CODE SKU sold through it. */
    private void configure(int timeoutMs) {
        assertEquals(200, t.admin("PUT", "/admin/suppliers/alipay", "{\"url\":\"" + provider.url("alipay")
            + "\",\"secret\":\"" + SECRET + "\",\"timeoutMs\":" + timeoutMs + ",\"maxConcurrency\":4}").status());
        Res r = t.admin("PUT", "/admin/campaigns/sale", "{\"name\":\"sale\",\"skus\":[{\"id\":\"vip\","
            + "\"kind\":\"CODE\",\"price\":990,\"currency\":\"CNY\",\"paymentWindowSeconds\":600,"
            + "\"paymentProvider\":\"alipay\"}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals(200, t.upload("sale", "vip", "VIP-1\nVIP-2\nVIP-3\nVIP-4\n").status());
    }

    private Res notify(String tx, String orderId) {
        String body = "{\"transactionId\":\"" + tx + "\",\"orderId\":\"" + orderId + "\",\"amount\":990,"
            + "\"currency\":\"CNY\"}";
        return t.send("POST", "/v1/payments/notify", body, "Content-Type", "application/json",
            "X-Surge-Provider", "alipay", Signature.HEADER, new Signature(SECRET).sign(body));
    }

    /** A new user reserves, cancels, then pays: the payment is owed back. Returns the order id. */
    private String reserveCancelPay(String tx) {
        String user = "user-" + users++;
        Res r = t.claim(user, "k", "sale", "vip");
        assertEquals("RESERVED", r.at("result"), r.body());
        String orderId = (String) r.at("orderId");
        Res cancelled = t.send("POST", "/v1/orders/" + orderId + "/cancel", null, "Authorization",
            "Bearer " + t.token(user));
        assertEquals(200, cancelled.status(), cancelled.body());
        Res paid = notify(tx, orderId);
        assertEquals(200, paid.status(), paid.body());
        assertEquals("REFUND_REQUIRED", paid.at("status"));
        return orderId;
    }

    /** The order's refunds as its owner sees them in GET /v1/orders/{id}, once none is owed any more. */
    private List<?> awaitSettled(String orderId, int owner) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Res order = t.get("/v1/orders/" + orderId, t.token("user-" + owner));
            assertEquals(200, order.status(), order.body());
            List<?> refunds = (List<?>) order.at("refunds");
            if (refunds.stream().noneMatch(r -> "REFUND_REQUIRED".equals(((Map<?, ?>) r).get("status")))) {
                return refunds;
            }
            assertTrue(System.nanoTime() < deadline, "still owed after 30 s: " + order.body());
            Thread.sleep(20);
        }
    }

    private static String status(List<?> refunds, int i) {
        return (String) ((Map<?, ?>) refunds.get(i)).get("status");
    }

    private String metrics() {
        return t.get("/metrics", null).body();
    }

    private boolean journaled(DeliveryOutcome outcome) {
        return t.storage.any(e -> e.type == EventType.REFUND_RECORDED && e.outcome == outcome.code());
    }

    @Test
    void aPaymentOnACancelledOrderIsRefundedAtTheProviderSignedAndOnce() throws Exception {
        start();
        String orderId = reserveCancelPay("T-1");
        List<?> refunds = awaitSettled(orderId, 0);
        assertEquals("REFUNDED", status(refunds, 0));
        assertEquals(orderId + "-1", ((Map<?, ?>) refunds.get(0)).get("refundId"));
        assertEquals(1, provider.posts.get());
        assertEquals(0, provider.badSignatures.get(), "every request was signed with the provider's secret");
        assertEquals(0, provider.badKeys.get(), "Idempotency-Key is the refund id");
        assertEquals(1, provider.refunded(orderId + "-1"));
        Map<String, Object> body = provider.bodies.get(0);
        assertEquals(orderId + "-1", body.get("refundId"));
        assertEquals("T-1", body.get("transactionId"));
        assertEquals(orderId, body.get("orderId"));
        assertEquals(990L, ((Number) body.get("amount")).longValue());
        assertEquals("CNY", body.get("currency"));
        assertEquals("CANCELLED_ORDER", body.get("reason"));
        assertTrue(journaled(DeliveryOutcome.ACCEPTED));
        String m = metrics();
        assertTrue(m.contains("surge_refund_requests_total{provider=\"alipay\",outcome=\"ACCEPTED\"} 1\n"), m);
        assertTrue(m.contains("surge_refunds_finished_total{status=\"REFUNDED\"} 1\n"), m);
        Res campaign = t.admin("GET", "/admin/campaigns/sale", null);
        assertEquals(0L, campaign.at("refunds", "owed"), campaign.body());
        assertEquals(1L, campaign.at("refunds", "refunded"));
    }

    @Test
    void twoPaymentsOfOneOrderAreTwoRefunds() throws Exception {
        start();
        String orderId = reserveCancelPay("T-1");
        assertEquals("REFUND_REQUIRED", notify("T-2", orderId).at("status"));
        List<?> refunds = awaitSettled(orderId, 0);
        assertEquals(2, refunds.size());
        assertEquals("REFUNDED", status(refunds, 0));
        assertEquals("REFUNDED", status(refunds, 1));
        assertEquals(1, provider.refunded(orderId + "-1"));
        assertEquals(1, provider.refunded(orderId + "-2"));
        assertEquals(2, provider.refundedInAll());
    }

    @Test
    void aPaidGrantRevokedByAnOperatorIsRefunded() throws Exception {
        start();
        Res r = t.claim("user-0", "k", "sale", "vip");
        users++;
        String orderId = (String) r.at("orderId");
        Res paid = notify("T-1", orderId);
        assertEquals("PAID", paid.at("status"), paid.body());
        String grant = (String) paid.at("grantId");
        Res revoked = t.admin("POST", "/admin/grants/" + grant + "/revoke",
            "{\"reason\":\"chargeback\",\"requestedBy\":\"ops\"}");
        assertEquals(200, revoked.status(), revoked.body());
        List<?> refunds = awaitSettled(orderId, 0);
        assertEquals(1, refunds.size(), "the payment that paid it, owed back");
        assertEquals("REFUNDED", status(refunds, 0));
        assertEquals("REVOKED", ((Map<?, ?>) refunds.get(0)).get("reason"));
        assertEquals("REVOKED", provider.bodies.get(0).get("reason"));
        assertEquals(1, provider.refunded(orderId + "-1"));
    }

    @Test
    void aProviderAnswering503IsAskedAgainAfterABackoff() throws Exception {
        start();
        provider.sends.add(FakeProvider.Send.UNAVAILABLE);
        String orderId = reserveCancelPay("T-1");
        assertEquals("REFUNDED", status(awaitSettled(orderId, 0), 0));
        assertEquals(2, provider.posts.get(), "a 503, then a 200");
        assertEquals(1, provider.refundedInAll());
        assertTrue(journaled(DeliveryOutcome.SERVER_ERROR));
        assertTrue(journaled(DeliveryOutcome.ACCEPTED));
        assertTrue(metrics().contains("surge_refund_requests_total{provider=\"alipay\",outcome=\"SERVER_ERROR\"} 1\n"));
    }

    @Test
    void aProviderRefusingTheRefundFailsItForAnOperator() throws Exception {
        start();
        provider.sends.add(FakeProvider.Send.REJECT);
        String orderId = reserveCancelPay("T-1");
        assertEquals("REFUND_FAILED", status(awaitSettled(orderId, 0), 0));
        assertEquals(1, provider.posts.get(), "a 4xx is not retried");
        assertEquals(0, provider.refundedInAll());
        assertTrue(journaled(DeliveryOutcome.REJECTED));
        assertTrue(metrics().contains("surge_refunds_finished_total{status=\"REFUND_FAILED\"} 1\n"));
        assertEquals(1L, t.admin("GET", "/admin/campaigns/sale", null).at("refunds", "failed"));
    }

    @Test
    void anOperatorReDrivesAFailedRefundOnceTheProviderTakesItAgain() throws Exception {
        start();
        provider.sends.add(FakeProvider.Send.REJECT); // then the provider is fixed: it accepts
        String orderId = reserveCancelPay("T-1");
        assertEquals("REFUND_FAILED", status(awaitSettled(orderId, 0), 0));
        assertEquals(1L, t.admin("GET", "/admin/campaigns/sale", null).at("refunds", "failed"));

        assertEquals(400, t.admin("POST", "/admin/refunds/redrive", "{\"orderId\":\"" + orderId + "\"}").status(),
            "who asks is required");
        assertEquals(400, t.admin("POST", "/admin/refunds/redrive",
            "{\"orderId\":\"nope\",\"requestedBy\":\"ops\"}").status());
        Res none = t.admin("POST", "/admin/refunds/redrive", "{\"provider\":\"wechat\",\"requestedBy\":\"ops\"}");
        assertEquals(200, none.status(), none.body());
        assertEquals(0, ((Number) none.at("redriven")).intValue());
        assertTrue(!t.storage.any(e -> e.type == EventType.REFUNDS_REDRIVEN), "nothing matched: nothing journaled");

        Res r = t.admin("POST", "/admin/refunds/redrive",
            "{\"orderId\":\"" + orderId + "\",\"provider\":\"alipay\",\"requestedBy\":\"ops:erin\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("OK", r.at("result"));
        assertEquals(1, ((Number) r.at("redriven")).intValue());
        assertTrue(((String) r.at("requestedBy")).startsWith("ops:erin via "), r.body());
        assertTrue(t.storage.any(e -> e.type == EventType.REFUNDS_REDRIVEN && e.count == 1));

        List<?> refunds = awaitSettled(orderId, 0);
        assertEquals("REFUNDED", status(refunds, 0));
        assertEquals(1, provider.refunded(orderId + "-1"));
        assertEquals(2, provider.posts.get(), "the refused send, then the re-driven one");
        Res campaign = t.admin("GET", "/admin/campaigns/sale", null);
        assertEquals(0L, campaign.at("refunds", "failed"), campaign.body());
        assertEquals(0L, campaign.at("refunds", "owed"));
        assertEquals(1L, campaign.at("refunds", "refunded"));
    }

    @Test
    void aTimeoutIsFollowedByTheStatusQueryNotByASecondRefund() throws Exception {
        start(new MemoryStorage(), c -> {
        });
        configure(1000);
        provider.sends.add(FakeProvider.Send.TIMEOUT_APPLIED);
        provider.queryAnswers.add("PENDING");
        String orderId = reserveCancelPay("T-1");
        assertEquals("REFUNDED", status(awaitSettled(orderId, 0), 0));
        assertEquals(1, provider.posts.get(), "never sent again: the provider may have had it, and it had");
        assertTrue(provider.queries.get() >= 2, "PENDING, then REFUNDED (more if a query itself timed out)");
        assertEquals(1, provider.refunded(orderId + "-1"));
        assertEquals(0, provider.badSignatures.get(), "the query is signed over the refund id");
        assertTrue(journaled(DeliveryOutcome.UNKNOWN));
        assertTrue(journaled(DeliveryOutcome.IN_PROGRESS));
        assertTrue(journaled(DeliveryOutcome.CONFIRMED));
    }

    @Test
    void aTimeoutTheProviderNeverSawIsSentAgain() throws Exception {
        start(new MemoryStorage(), c -> {
        });
        configure(1000);
        provider.sends.add(FakeProvider.Send.TIMEOUT_LOST);
        String orderId = reserveCancelPay("T-1");
        assertEquals("REFUNDED", status(awaitSettled(orderId, 0), 0));
        assertEquals(2, provider.posts.get(), "lost, asked about (404), sent again");
        assertTrue(provider.queries.get() >= 1);
        assertEquals(1, provider.refunded(orderId + "-1"));
        assertTrue(journaled(DeliveryOutcome.NOT_SEEN));
    }

    @Test
    void anOwedRefundIsResumedAfterARestart() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        // first run: the provider is down (503) and retries are slow and many: the refund is owed at the stop
        start(storage, c -> c.set(Configuration.Option.DELIVERY_BACKOFF_MS, "2000")
            .set(Configuration.Option.DELIVERY_BACKOFF_MAX_MS, "2000").set(Configuration.Option.DELIVERY_RETRIES, "100"));
        configure(2000);
        provider.down = true;
        String orderId = reserveCancelPay("T-1");
        awaitJournaled(storage, DeliveryOutcome.SERVER_ERROR);
        t.close();
        gateways.clear();
        int before = provider.posts.get();
        assertEquals(0, provider.refundedInAll());

        provider.down = false;
        start(storage, c -> {
        });
        assertEquals("REFUNDED", status(awaitSettled(orderId, 0), 0));
        assertEquals(before + 1, provider.posts.get(), "sent once more, after the restart");
        assertEquals(1, provider.refunded(orderId + "-1"));
    }

    @Test
    void aRefundInDoubtAtTheStopIsAskedAboutFirstAfterTheRestart() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        // first run: the provider refunds and never answers, nor answers a status query
        start(storage, c -> {
        });
        configure(1000);
        provider.sends.add(FakeProvider.Send.TIMEOUT_APPLIED);
        provider.mute = true;
        String orderId = reserveCancelPay("T-1");
        awaitJournaled(storage, DeliveryOutcome.UNKNOWN);
        t.close();
        gateways.clear();

        provider.mute = false;
        start(storage, c -> {
        });
        assertEquals("REFUNDED", status(awaitSettled(orderId, 0), 0));
        assertEquals(1, provider.posts.get(), "never sent again");
        assertTrue(provider.queries.get() >= 1, "asked instead");
        assertEquals(1, provider.refunded(orderId + "-1"));
        assertTrue(journaled(DeliveryOutcome.CONFIRMED));
        assertTrue(!journaled(DeliveryOutcome.ACCEPTED) && !journaled(DeliveryOutcome.DUPLICATE),
            "the provider's word came from the status query, never from a second send");
    }

    @Test
    void throughThePaymentSimulatorsFaultsEveryDoublePaymentIsRefundedOnce() throws Exception {
        int n = 12;
        try (PaymentSimulator sim = new PaymentSimulator(Map.of("alipay", SECRET), null, 42)) {
            sim.start("127.0.0.1", 0);
            start(new MemoryStorage(), c -> c.set(Configuration.Option.DELIVERY_RETRIES, "20"));
            assertEquals(200, t.admin("PUT", "/admin/suppliers/alipay", "{\"url\":\"" + sim.url("alipay")
                + "\",\"secret\":\"" + SECRET + "\",\"timeoutMs\":400,\"maxConcurrency\":4}").status());
            Res c = t.admin("PUT", "/admin/campaigns/sale", "{\"name\":\"sale\",\"skus\":[{\"id\":\"vip\","
                + "\"kind\":\"CODE\",\"price\":990,\"currency\":\"CNY\",\"paymentWindowSeconds\":600,"
                + "\"paymentProvider\":\"alipay\"}]}");
            assertEquals(200, c.status(), c.body());
            StringBuilder codes = new StringBuilder();
            for (int i = 0; i < n; i++) {
                codes.append("VIP-").append(i).append('\n');
            }
            assertEquals(200, t.upload("sale", "vip", codes.toString()).status());
            sim.knobs().failRate = 0.3; // 503s on sends and status queries
            sim.knobs().timeoutRate = 0.2; // silence, half of it after refunding
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String orderId = (String) t.claim("user-" + i, "k", "sale", "vip").at("orderId");
                orders.add(orderId);
                sim.pay(PayRequest.onTime("alipay", orderId, 990, "CNY", t.base + "/v1/payments/notify")
                    .withMode(PayRequest.Mode.TWICE));
            }
            for (int i = 0; i < n; i++) {
                String orderId = orders.get(i);
                List<?> refunds = awaitRefunds(orderId, i);
                assertEquals("REFUNDED", status(refunds, 0), orderId);
                assertEquals("PAID", t.get("/v1/orders/" + orderId, t.token("user-" + i)).at("status"));
            }
            Set<String> ids = new HashSet<>();
            for (PaymentSimulator.Refund r : sim.refunds()) {
                assertEquals("REFUNDED", r.status(), r.toString());
                assertEquals("DUPLICATE_PAYMENT", r.reason());
                assertTrue(ids.add(r.refundId()), "one record per refund id: " + r);
            }
            Set<String> expected = new HashSet<>();
            orders.forEach(o -> expected.add(o + "-1"));
            assertEquals(expected, ids, "each order's second payment refunded, nothing else");
            assertEquals(n, sim.payments().stream().filter(p -> p.refunded() == 990).count(),
                "refunded once each: the simulator refuses to refund a payment beyond what was paid");
            assertEquals(0, sim.badSignatures());
            assertTrue(journaled(DeliveryOutcome.SERVER_ERROR) && journaled(DeliveryOutcome.UNKNOWN), "the faults were met: "
                + sim.statsJson());
        }
    }

    /** Once the order's second payment is in and its refund settled. */
    private List<?> awaitRefunds(String orderId, int owner) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            List<?> refunds = awaitSettled(orderId, owner);
            if (!refunds.isEmpty()) {
                return refunds;
            }
            assertTrue(System.nanoTime() < deadline, "the second payment of " + orderId + " never came");
            Thread.sleep(50);
        }
    }

    private static void awaitJournaled(MemoryStorage storage, DeliveryOutcome outcome) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!storage.any(e -> e.type == EventType.REFUND_RECORDED && e.outcome == outcome.code())) {
            assertTrue(System.nanoTime() < deadline, outcome + " never journaled");
            Thread.sleep(10);
        }
    }
}
