package dev.surge.simulator;

import static dev.surge.simulator.NotifyReceiver.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.delivery.Signature;
import dev.surge.delivery.SimulatedPaymentProvider;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.NoLeakedThreads;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The payer: each mode against a tiny receiver standing in for Surge's notify route; signatures,
 * resends until a 2xx, repeats, and the refund check against what was paid.
 */
@ExtendWith(NoLeakedThreads.class)
class PaymentPayerIT {
    static final String SECRET = "alipay-secret-0123456789";
    static final String ORDER_A = "aaaaaaaaaaaaaaaaaaaaaaaa";
    static final String ORDER_B = "bbbbbbbbbbbbbbbbbbbbbbbb";

    PaymentSimulator sim;
    NotifyReceiver surge;
    SimClient client;

    @BeforeEach
    void start() throws Exception {
        sim = PaymentSimulator.start(0, Map.of("alipay", SECRET));
        sim.knobs().notifyBackoffMs = 10;
        sim.knobs().notifyBackoffMaxMs = 40;
        surge = new NotifyReceiver();
        client = new SimClient(sim.port());
    }

    @AfterEach
    void stop() {
        sim.close();
        surge.close();
    }

    PayRequest order(String orderId) {
        return PayRequest.onTime("alipay", orderId, 990, "CNY", surge.url());
    }

    PaymentSimulator.Payment payment(String transactionId) {
        return sim.payments().stream().filter(p -> p.transactionId().equals(transactionId)).findFirst().orElseThrow();
    }

    boolean settled(String transactionId) {
        String s = payment(transactionId).state();
        return s.equals("ACKNOWLEDGED") || s.equals("GAVE_UP");
    }

    /** The body is the contract's, and the signature is HMAC-SHA256 of the raw body under the provider's secret. */
    static Map<String, Object> verified(NotifyReceiver.Received n) {
        assertEquals("alipay", n.provider());
        assertTrue(new Signature(SECRET).verify(n.raw(), n.signature()), "signature of " + n.body());
        assertTrue(n.contentType().startsWith("application/json"), n.contentType());
        Map<String, Object> body = JsonTree.object(n.body());
        assertEquals(List.of("transactionId", "orderId", "amount", "currency"), List.copyOf(body.keySet()));
        return body;
    }

    @Test
    void onTimePaysOnceWithASignedNotification() throws Exception {
        PaymentSimulator.Order o = sim.pay(order(ORDER_A).withDelayMs(50));
        assertEquals(1, o.transactionIds().size());
        String tx = o.transactionIds().get(0);
        assertTrue(RefundDesk.isToken(tx), tx);
        await("the notification acknowledged", () -> settled(tx));

        List<NotifyReceiver.Received> got = surge.of(ORDER_A);
        assertEquals(1, got.size());
        Map<String, Object> body = verified(got.get(0));
        assertEquals(Map.of("transactionId", tx, "orderId", ORDER_A, "amount", 990L, "currency", "CNY"), body);
        PaymentSimulator.Payment p = payment(tx);
        assertEquals("ACKNOWLEDGED", p.state());
        assertEquals(1, p.notifyAttempts());
        assertEquals(200, p.lastStatusCode());
        assertEquals("PAID", p.lastStatus());
        assertTrue(p.paidAt() >= p.dueAt(), "paid at " + p.paidAt() + ", due at " + p.dueAt());
    }

    @Test
    void twicePaysTwoTransactionsOneAfterTheOther() throws Exception {
        PaymentSimulator.Order o = sim.pay(order(ORDER_A).withMode(PayRequest.Mode.TWICE));
        List<String> txs = o.transactionIds();
        assertEquals(2, txs.size());
        assertNotEquals(txs.get(0), txs.get(1));
        await("both notifications acknowledged", () -> settled(txs.get(0)) && settled(txs.get(1)));

        List<NotifyReceiver.Received> got = surge.of(ORDER_A);
        assertEquals(2, got.size());
        assertEquals(txs.get(0), verified(got.get(0)).get("transactionId"));
        assertEquals(txs.get(1), verified(got.get(1)).get("transactionId"));
        assertTrue(payment(txs.get(1)).paidAt() >= payment(txs.get(0)).paidAt());
    }

    @Test
    void latePaysAtPayByPlusLateBy() throws Exception {
        long payBy = System.currentTimeMillis() + 300;
        PaymentSimulator.Order o = sim.pay(order(ORDER_A).withMode(PayRequest.Mode.LATE).withPayBy(payBy, 200));
        String tx = o.transactionIds().get(0);
        await("the late notification", () -> settled(tx));
        List<NotifyReceiver.Received> got = surge.of(ORDER_A);
        assertEquals(1, got.size());
        verified(got.get(0));
        assertTrue(got.get(0).at() >= payBy + 200, "arrived " + (got.get(0).at() - payBy) + " ms after payBy");
        assertTrue(payment(tx).paidAt() >= payBy + 200);
    }

    @Test
    void neverPaysNothing() throws Exception {
        PaymentSimulator.Order never = sim.pay(order(ORDER_A).withMode(PayRequest.Mode.NEVER));
        assertEquals(List.of(), never.transactionIds());
        String tx = sim.pay(order(ORDER_B)).transactionIds().get(0);
        await("the other order's notification", () -> settled(tx));

        assertEquals(List.of(), surge.of(ORDER_A));
        assertEquals(1, surge.received().size());
        assertTrue(sim.payments().stream().noneMatch(p -> p.orderId().equals(ORDER_A)));
        assertEquals(List.of(ORDER_A, ORDER_B), sim.orders().stream().map(PaymentSimulator.Order::orderId).toList());
        Map<String, Object> ledger = JsonTree.object(client.get("/_sim/payments?orderId=" + ORDER_A, null).body());
        assertEquals("NEVER", JsonTree.at(ledger, "orders", 0, "mode"));
        assertEquals(List.of(), ledger.get("payments"));
    }

    @Test
    void resendsTheSameNotificationUntilA2xx() throws Exception {
        surge.answer(503, 500, 401);
        String tx = sim.pay(order(ORDER_A)).transactionIds().get(0);
        await("the notification acknowledged", () -> settled(tx));

        List<NotifyReceiver.Received> got = surge.of(ORDER_A);
        assertEquals(4, got.size());
        for (NotifyReceiver.Received n : got) {
            verified(n);
            assertEquals(got.get(0).body(), n.body(), "a resend is the same notification");
        }
        PaymentSimulator.Payment p = payment(tx);
        assertEquals("ACKNOWLEDGED", p.state());
        assertEquals(4, p.notifyAttempts());
        assertEquals(1, p.acknowledgements());
    }

    @Test
    void givesUpAfterItsAttempts() throws Exception {
        sim.knobs().notifyAttempts = 3;
        surge.otherwise(503);
        String tx = sim.pay(order(ORDER_A)).transactionIds().get(0);
        await("the payment given up", () -> settled(tx));
        PaymentSimulator.Payment p = payment(tx);
        assertEquals("GAVE_UP", p.state());
        assertEquals(3, p.notifyAttempts());
        assertEquals(3, surge.of(ORDER_A).size());
        assertEquals(503, p.lastStatusCode());
        assertEquals("HTTP 503 SIMULATED_503", p.lastError());

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String refused = sim.pay(PayRequest.onTime("alipay", ORDER_B, 990, "CNY",
            "http://127.0.0.1:" + closedPort + "/v1/payments/notify")).transactionIds().get(0);
        await("the unreachable payment given up", () -> settled(refused));
        assertEquals("GAVE_UP", payment(refused).state());
        assertEquals(0, payment(refused).lastStatusCode());
        assertEquals("connection refused", payment(refused).lastError());
    }

    @Test
    void repeatsDeliverAgainAfterA2xx() throws Exception {
        String tx = sim.pay(order(ORDER_A).withRepeats(2)).transactionIds().get(0);
        await("three deliveries", () -> payment(tx).acknowledgements() == 3);
        List<NotifyReceiver.Received> got = surge.of(ORDER_A);
        assertEquals(3, got.size());
        got.forEach(n -> assertEquals(tx, verified(n).get("transactionId")));
        assertEquals(3, payment(tx).notifyAttempts());
    }

    @Test
    void payOverHttpAndTheLedger() throws Exception {
        SimClient.Res r = client.post("/_sim/pay", "{\"provider\":\"alipay\",\"orderId\":\"" + ORDER_A
            + "\",\"amount\":990,\"currency\":\"CNY\",\"notifyUrl\":\"" + surge.url() + "\",\"mode\":\"TWICE\"}");
        assertEquals(202, r.status(), r.body());
        assertEquals("SCHEDULED", r.json().get("result"));
        @SuppressWarnings("unchecked")
        List<String> txs = (List<String>) r.json().get("transactionIds");
        await("both acknowledged", () -> settled(txs.get(0)) && settled(txs.get(1)));

        Map<String, Object> ledger = JsonTree.object(client.get("/_sim/payments", null).body());
        assertEquals(txs.get(1), JsonTree.at(ledger, "payments", 1, "transactionId"));
        assertEquals(ORDER_A, JsonTree.at(ledger, "payments", 1, "orderId"));
        assertEquals("TWICE", JsonTree.at(ledger, "payments", 1, "mode"));
        assertEquals(1L, JsonTree.at(ledger, "payments", 1, "notifyAttempts"));
        assertEquals(200L, JsonTree.at(ledger, "payments", 1, "lastStatusCode"));
        assertEquals("PAID", JsonTree.at(ledger, "payments", 1, "lastStatus"));
        assertTrue(JsonTree.at(ledger, "payments", 1, "paidAt") instanceof Long);
        Map<String, Object> stats = JsonTree.object(client.get("/_sim/stats", null).body());
        assertEquals(2L, stats.get("paymentsMade"));
        assertEquals(2L, stats.get("acknowledged"));
    }

    @Test
    void aPayRequestNoProviderWouldMakeIs400() throws Exception {
        String ok = "\"provider\":\"alipay\",\"orderId\":\"" + ORDER_A + "\",\"amount\":990,\"currency\":\"CNY\"";
        String[][] cases = {
            {"{" + ok + ",\"notifyUrl\":\"" + surge.url() + "\",\"mode\":\"SOMETIMES\"}", "mode"},
            {"{" + ok + ",\"notifyUrl\":\"" + surge.url() + "\",\"mode\":\"LATE\"}", "payBy"},
            {"{" + ok + ",\"notifyUrl\":\"" + surge.url() + "\",\"payBy\":" + (System.currentTimeMillis() - 1) + "}",
                "delayMs"},
            {"{" + ok + ",\"notifyUrl\":\"http://10.1.2.3:8080/v1/payments/notify\"}", "notifyUrl"},
            {"{" + ok + ",\"notifyUrl\":\"https://127.0.0.1/v1/payments/notify\"}", "notifyUrl"},
            {"{" + ok.replace("alipay", "paypal") + ",\"notifyUrl\":\"" + surge.url() + "\"}", "provider"},
            {"{" + ok.replace("CNY", "yuan") + ",\"notifyUrl\":\"" + surge.url() + "\"}", "currency"},
            {"{" + ok.replace("990", "-1") + ",\"notifyUrl\":\"" + surge.url() + "\"}", "amount"},
            {"{" + ok + "}", "notifyUrl"},
        };
        for (String[] c : cases) {
            SimClient.Res r = client.post("/_sim/pay", c[0]);
            assertEquals(400, r.status(), c[0]);
            assertTrue(String.valueOf(r.json().get("error")).startsWith(c[1]), r.body());
        }
        assertEquals(List.of(), sim.orders());
        assertThrows(IllegalArgumentException.class, () -> sim.pay(order("not an id")));
    }

    @Test
    void aRefundMustNameAPaidTransactionWithinItsAmount() throws Exception {
        String tx = sim.pay(order(ORDER_A)).transactionIds().get(0);
        await("paid", () -> settled(tx));
        assertEquals(200, client.refund("alipay", SECRET, SimClient.refundBody("r-1", tx, ORDER_A, 500,
            "DUPLICATE_PAYMENT"), "r-1").status());
        SimClient.Res over = client.refund("alipay", SECRET, SimClient.refundBody("r-2", tx, ORDER_A, 491,
            "DUPLICATE_PAYMENT"), "r-2");
        assertEquals(422, over.status(), "500 + 491 > 990");
        assertTrue(String.valueOf(over.json().get("error")).contains("exceed"), over.body());
        assertEquals(200, client.refund("alipay", SECRET, SimClient.refundBody("r-3", tx, ORDER_A, 490,
            "DUPLICATE_PAYMENT"), "r-3").status());
        assertEquals(422, client.refund("alipay", SECRET, SimClient.refundBody("r-4", "sim_unknown", ORDER_A, 1,
            "LATE_PAYMENT"), "r-4").status());
        assertEquals(422, client.refund("alipay", SECRET, SimClient.refundBody("r-5", tx, ORDER_B, 1,
            "LATE_PAYMENT"), "r-5").status(), "another order's transaction");
        assertEquals(990, payment(tx).refunded());
        assertEquals("FAILED", client.status("alipay", SECRET, "r-2").json().get("status"));
    }

    @Test
    void demoModeFindsTheSimulatorThroughItsFactory() throws Exception {
        SimulatedPaymentProvider.Factory f = SimulatedPaymentProvider.factory().orElseThrow();
        try (SimulatedPaymentProvider p = f.start(Map.of("wechat", SECRET), 3, "127.0.0.1")) {
            assertEquals("http://127.0.0.1:" + p.port() + "/wechat", p.url("wechat"));
            SimClient c = new SimClient(p.port());
            assertEquals(422, c.refund("wechat", SECRET, SimClient.refundBody("r-1", "tx", ORDER_A, 1, "REVOKED"), "r-1")
                .status(), "a refund of a transaction it never paid is refused, as a provider does");
            assertEquals(401, c.refund("alipay", SECRET, SimClient.refundBody("r-1", "tx", ORDER_A, 1, "REVOKED"), "r-1")
                .status(), "only the providers it was given");
        }
    }
}
