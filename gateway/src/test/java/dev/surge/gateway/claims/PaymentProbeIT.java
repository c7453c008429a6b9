package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.delivery.Signature;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.TestGateway.Res;
import dev.surge.simulator.PaymentSimulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The paid-sale contract probe over HTTP (docs/payments.md): 1,000 users reserve 300 units; a
 * random third never pay, a third pay twice, a third pay late. At the end exactly the orders paid
 * in time hold grants (no code twice), every late or second payment got one refund request at
 * the provider (the payment simulator's ledger), and the stock left is 300 minus what was granted.
 */
class PaymentProbeIT {
    private static final String SECRET = "probe-provider-secret";
    private static final int USERS = 1_000;
    private static final int UNITS = 300;

    @Test
    void reserveNeverPayPayTwicePayLate() throws Exception {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        try (PaymentSimulator provider = PaymentSimulator.start(0, Map.of("alipay", SECRET));
             TestGateway t = TestGateway.start(c -> c.clock(now::get))) { // rate limit off in tests
            provider.knobs().checkTransactions = false; // the test pays, not the simulator's payer
            assertEquals(200, t.admin("PUT", "/admin/suppliers/alipay", "{\"url\":\"" + provider.url("alipay")
                + "\",\"secret\":\"" + SECRET + "\",\"timeoutMs\":2000,\"maxConcurrency\":8}").status());
            assertEquals(200, t.admin("PUT", "/admin/campaigns/probe", "{\"name\":\"probe\",\"perUserLimit\":1,\"skus\":"
                + "[{\"id\":\"vip\",\"kind\":\"CODE\",\"price\":990,\"currency\":\"CNY\",\"paymentWindowSeconds\":60,"
                + "\"paymentProvider\":\"alipay\"}]}").status());
            StringBuilder codes = new StringBuilder();
            for (int i = 0; i < UNITS; i++) {
                codes.append("PROBE-").append(i).append('\n');
            }
            assertEquals(200, t.upload("probe", "vip", codes.toString()).status());

            Map<String, String> orders = new HashMap<>(); // order id -> user
            for (int u = 0; u < USERS; u++) {
                Res r = t.claim("user-" + u, "k", "probe", "vip");
                if ("RESERVED".equals(r.at("result"))) {
                    orders.put((String) r.at("orderId"), "user-" + u);
                } else {
                    assertEquals("SOLD_OUT", r.at("result"), r.body());
                }
            }
            assertEquals(UNITS, orders.size());

            SplittableRandom rnd = new SplittableRandom(42);
            List<String> twice = new ArrayList<>();
            List<String> late = new ArrayList<>();
            for (String orderId : orders.keySet().stream().sorted().toList()) {
                int kind = rnd.nextInt(3);
                if (kind == 1) {
                    twice.add(orderId);
                } else if (kind == 2) {
                    late.add(orderId);
                }
            }
            for (String orderId : twice) {
                assertEquals("PAID", notify(t, "A-" + orderId, orderId).at("status"));
                assertEquals("REFUND_REQUIRED", notify(t, "B-" + orderId, orderId).at("status"));
            }
            now.addAndGet(61_000);
            for (String orderId : late) {
                assertEquals("REFUND_REQUIRED", notify(t, "L-" + orderId, orderId).at("status"));
            }
            Set<String> codesGranted = new HashSet<>();
            for (Map.Entry<String, String> o : orders.entrySet()) {
                String orderId = o.getKey();
                boolean paidInTime = twice.contains(orderId);
                t.awaitOrderStatus(o.getValue(), orderId, paidInTime ? "PAID" : "EXPIRED");
                if (paidInTime) {
                    Res order = t.get("/v1/orders/" + orderId, t.token(o.getValue()));
                    Res grant = t.get("/v1/grants/" + order.at("grantId"), t.token(o.getValue()));
                    assertTrue(codesGranted.add((String) grant.at("items", 0, "code")), "no code twice");
                }
            }
            Res campaign = t.admin("GET", "/admin/campaigns/probe", null);
            assertEquals(twice.size(), ((Number) campaign.at("granted")).intValue());
            assertEquals(UNITS - twice.size(), ((Number) campaign.at("stockLeft")).intValue());

            // every late or second payment: exactly one refund request at the provider
            Set<String> owed = new HashSet<>();
            twice.forEach(id -> owed.add("B-" + id));
            late.forEach(id -> owed.add("L-" + id));
            long deadline = System.currentTimeMillis() + 30_000;
            while (provider.refunds().size() < owed.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            Map<String, Integer> refundedTx = new HashMap<>();
            for (PaymentSimulator.Refund r : provider.refunds()) {
                refundedTx.merge(r.transactionId(), 1, Integer::sum);
            }
            assertEquals(owed, refundedTx.keySet(), "refunds go to exactly the late and second payments");
            assertTrue(refundedTx.values().stream().allMatch(n -> n == 1), "one refund request each: " + refundedTx);
        }
    }

    private static Res notify(TestGateway t, String tx, String orderId) {
        String body = "{\"transactionId\":\"" + tx + "\",\"orderId\":\"" + orderId + "\",\"amount\":990,\"currency\":\"CNY\"}";
        Res r = t.send("POST", "/v1/payments/notify", body, "Content-Type", "application/json",
            "X-Surge-Provider", "alipay", Signature.HEADER, new Signature(SECRET).sign(body));
        assertEquals(200, r.status(), r.body());
        return r;
    }
}
