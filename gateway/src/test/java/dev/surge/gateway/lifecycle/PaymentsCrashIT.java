package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.delivery.Signature;
import dev.surge.gateway.TestGateway;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.SurgeProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paid sales through a SIGKILL (docs/payments.md): the real server process, reservations and
 * signed payment notifications, kill -9, a restart on the same data directory. Every order a
 * client heard RESERVED is still there, every order a notification heard PAID is still paid with
 * the same grant and code, a repeated notification still changes nothing, and
 * {@code scripts/journal verify} is clean.
 */
class PaymentsCrashIT {
    private static final String SECRET = "crash-provider-secret";
    private static final int BUYERS = 40;
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path dir;

    private static HttpResponse<String> notify(SurgeProcess s, String tx, String orderId) {
        String body = "{\"transactionId\":\"" + tx + "\",\"orderId\":\"" + orderId + "\",\"amount\":990,\"currency\":\"CNY\"}";
        return s.send("POST", "/v1/payments/notify", body, null, "Content-Type", "application/json",
            "X-Surge-Provider", "pay", Signature.HEADER, new Signature(SECRET).sign(body));
    }

    private static Map<String, Object> json(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return JsonTree.object(r.body());
    }

    @Test
    void reservedAndPaidOrdersSurviveASigkill() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> orders = new HashMap<>(); // user -> order id
        Map<String, String> grants = new HashMap<>(); // order id -> grant id, for those paid
        Map<String, String> codes = new HashMap<>(); // grant id -> code
        try (SurgeProcess first = TestGateway.process(data, "--rate-limit", "0")) {
            first.admin("PUT", "/admin/suppliers/pay", "{\"url\":\"http://127.0.0.1:9/pay\",\"secret\":\"" + SECRET
                + "\",\"timeoutMs\":1000,\"maxConcurrency\":1}");
            HttpResponse<String> c = first.admin("PUT", "/admin/campaigns/paid", "{\"name\":\"paid\",\"perUserLimit\":1,"
                + "\"skus\":[{\"id\":\"vip\",\"kind\":\"CODE\",\"price\":990,\"currency\":\"CNY\","
                + "\"paymentWindowSeconds\":3600,\"paymentProvider\":\"pay\"}]}");
            assertEquals(200, c.statusCode(), c.body());
            StringBuilder upload = new StringBuilder();
            for (int i = 0; i < BUYERS; i++) {
                upload.append("VIP-CODE-").append(i).append('\n');
            }
            first.send("POST", "/admin/campaigns/paid/skus/vip/codes", upload.toString(), TestGateway.ADMIN,
                "Content-Type", "text/plain");
            for (int u = 0; u < BUYERS; u++) {
                String user = "buyer-" + u;
                Map<String, Object> r = json(first.send("POST", "/v1/claims", "{\"campaignId\":\"paid\",\"skuId\":\"vip\"}",
                    first.token(user), "Idempotency-Key", "k-" + u, "Content-Type", "application/json"));
                assertEquals("RESERVED", r.get("result"));
                orders.put(user, (String) r.get("orderId"));
            }
            for (int u = 0; u < BUYERS; u += 2) {
                String orderId = orders.get("buyer-" + u);
                Map<String, Object> paid = json(notify(first, "T-" + u, orderId));
                assertEquals("PAID", paid.get("status"));
                String grantId = (String) paid.get("grantId");
                grants.put(orderId, grantId);
                Map<String, Object> grant = json(first.send("GET", "/v1/grants/" + grantId, null, first.token("buyer-" + u)));
                codes.put(grantId, (String) JsonTree.at(grant, "items", 0, "code"));
            }
            assertEquals(SIGKILL_EXIT, first.kill(), "killed by SIGKILL");
        }
        try (SurgeProcess second = TestGateway.process(data, "--rate-limit", "0")) {
            Set<String> seenCodes = new HashSet<>();
            for (int u = 0; u < BUYERS; u++) {
                String user = "buyer-" + u;
                String orderId = orders.get(user);
                Map<String, Object> order = json(second.send("GET", "/v1/orders/" + orderId, null, second.token(user)));
                String grantId = grants.get(orderId);
                assertEquals(grantId == null ? "RESERVED" : "PAID", order.get("status"), orderId);
                if (grantId != null) {
                    assertEquals(grantId, order.get("grantId"));
                    Map<String, Object> again = json(notify(second, "T-" + u, orderId));
                    assertEquals(true, again.get("replayed"), "the provider's resend changes nothing");
                    Map<String, Object> grant = json(second.send("GET", "/v1/grants/" + grantId, null, second.token(user)));
                    String code = (String) JsonTree.at(grant, "items", 0, "code");
                    assertEquals(codes.get(grantId), code);
                    assertTrue(seenCodes.add(code), "no code twice");
                }
            }
            // the unpaid half pays now, after the restart: each gets a code nobody else has
            for (int u = 1; u < BUYERS; u += 2) {
                Map<String, Object> paid = json(notify(second, "T-" + u, orders.get("buyer-" + u)));
                assertEquals("PAID", paid.get("status"));
            }
            second.stop();
        }
        String verify = TestGateway.journal("verify", "--data-dir", data.toString());
        assertTrue(verify.contains("OK: no violations"), verify);
    }
}
