package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.delivery.Signature;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.TestGateway.Res;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Paid sales over HTTP (docs/payments.md): reserve, the provider's signed notification, cancel, expiry. */
class PaymentsIT {
    private static final String SECRET = "alipay-secret-0123456789";
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis()); // tokens are checked against it too
    private TestGateway t;
    /**
     * The provider's refund API: it takes connections and never answers, so that a refund owed
     * here stays REFUND_REQUIRED (in doubt, asked about) for the whole test (refunds: RefundsIT).
     */
    private ServerSocket silentProvider;

    @BeforeEach
    void setUp() throws IOException {
        silentProvider = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        t = TestGateway.start(c -> c.clock(now::get));
        assertEquals(200, t.admin("PUT", "/admin/suppliers/alipay",
            "{\"url\":\"http://127.0.0.1:" + silentProvider.getLocalPort() + "/alipay\",\"secret\":\"" + SECRET
                + "\",\"timeoutMs\":1000,\"maxConcurrency\":4}").status());
        Res r = t.admin("PUT", "/admin/campaigns/sale", "{\"name\":\"sale\",\"perUserLimit\":1,\"skus\":[{\"id\":\"vip\","
            + "\"kind\":\"CODE\",\"price\":990,\"currency\":\"CNY\",\"paymentWindowSeconds\":60,"
            + "\"paymentProvider\":\"alipay\"}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals(200, t.upload("sale", "vip", "VIP-1\nVIP-2\n").status());
    }

    @AfterEach
    void tearDown() throws IOException {
        t.close();
        silentProvider.close();
    }

    private Res notify(String provider, String secret, String tx, String orderId, long amount) {
        String body = "{\"transactionId\":\"" + tx + "\",\"orderId\":\"" + orderId + "\",\"amount\":" + amount
            + ",\"currency\":\"CNY\",\"tradeState\":\"SUCCESS\"}";
        return t.send("POST", "/v1/payments/notify", body, "Content-Type", "application/json",
            "X-Surge-Provider", provider, Signature.HEADER, new Signature(secret).sign(body));
    }

    @Test
    void reservePayAndSeeTheGrant() {
        Res r = t.claim("alice", "k1", "sale", "vip");
        assertEquals(200, r.status(), r.body());
        assertEquals("RESERVED", r.at("result"));
        String orderId = (String) r.at("orderId");
        assertTrue(orderId.startsWith("o_"), orderId);
        assertEquals(990, ((Number) r.at("amount")).intValue());
        assertEquals("CNY", r.at("currency"));
        assertNotNull(r.at("payBy"));

        Res paid = notify("alipay", SECRET, "T-1", orderId, 990);
        assertEquals(200, paid.status(), paid.body());
        assertEquals("PAID", paid.at("status"));
        assertEquals(false, paid.at("replayed"));
        String grantId = (String) paid.at("grantId");
        Res again = notify("alipay", SECRET, "T-1", orderId, 990);
        assertEquals(true, again.at("replayed"));
        assertEquals(grantId, again.at("grantId"));

        Res grant = t.get("/v1/grants/" + grantId, t.token("alice"));
        assertEquals(200, grant.status(), grant.body());
        assertEquals("VIP-1", ((Map<?, ?>) ((List<?>) grant.at("items")).get(0)).get("code"));
        Res order = t.get("/v1/orders/" + orderId, t.token("alice"));
        assertEquals("PAID", order.at("status"));
        assertEquals(404, t.get("/v1/orders/" + orderId, t.token("mallory")).status(), "only the owner sees it");
        assertTrue(t.get("/metrics", null).body().contains("surge_payments_total{result=\"PAID\"} 1"));
    }

    @Test
    void unsignedWrongOrMismatchedNotificationsAreRefused() {
        String orderId = (String) t.claim("alice", "k1", "sale", "vip").at("orderId");
        Res forged = notify("alipay", "not-the-secret", "T-1", orderId, 990);
        assertEquals(401, forged.status());
        assertEquals("BAD_SIGNATURE", forged.errorCode());
        assertEquals(401, notify("wechat", SECRET, "T-1", orderId, 990).status(), "unknown provider");
        Res wrong = notify("alipay", SECRET, "T-2", orderId, 1);
        assertEquals(422, wrong.status());
        assertEquals("AMOUNT_MISMATCH", wrong.errorCode());
        assertEquals(404, notify("alipay", SECRET, "T-3", "o_AAAAAAAAAAAAAAAA", 990).status());
        assertEquals("RESERVED", t.get("/v1/orders/" + orderId, t.token("alice")).at("status"));
    }

    @Test
    void cancelThenAPaymentIsRefundedAndTheUnitIsBackOnSale() {
        String a = (String) t.claim("alice", "k1", "sale", "vip").at("orderId");
        t.claim("bob", "k1", "sale", "vip");
        assertEquals("SOLD_OUT", t.claim("carol", "k1", "sale", "vip").at("result"));
        Res cancelled = t.send("POST", "/v1/orders/" + a + "/cancel", null, "Authorization",
            "Bearer " + t.token("alice"));
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("CANCELLED", cancelled.at("status"));
        Res late = notify("alipay", SECRET, "T-9", a, 990);
        assertEquals("REFUND_REQUIRED", late.at("status"));
        Res order = t.get("/v1/orders/" + a, t.token("alice"));
        Map<?, ?> refund = (Map<?, ?>) ((List<?>) order.at("refunds")).get(0);
        assertEquals("CANCELLED_ORDER", refund.get("reason"));
        assertEquals("REFUND_REQUIRED", refund.get("status"));
        assertEquals("RESERVED", t.claim("carol", "k2", "sale", "vip").at("result"));
        Res campaign = t.admin("GET", "/admin/campaigns/sale", null);
        assertEquals(1, ((Number) campaign.at("orders", "cancelled")).intValue(), campaign.body());
        assertEquals(2, ((Number) campaign.at("orders", "reserved")).intValue());
        assertEquals(1, ((Number) campaign.at("refunds", "owed")).intValue());
    }

    @Test
    void anOrderNotPaidByPayByExpiresOnItsOwn() throws Exception {
        String a = (String) t.claim("alice", "k1", "sale", "vip").at("orderId");
        now.addAndGet(61_000);
        t.awaitOrderStatus("alice", a, "EXPIRED");
        assertEquals("RESERVED", t.claim("alice", "k2", "sale", "vip").at("result"), "the limit is given back");
        Res cancel = t.send("POST", "/v1/orders/" + a + "/cancel", null, "Authorization", "Bearer " + t.token("alice"));
        assertEquals(409, cancel.status());
    }
}
