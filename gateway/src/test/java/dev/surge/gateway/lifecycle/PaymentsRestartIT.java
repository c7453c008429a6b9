package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.delivery.Signature;
import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restart between a reservation and its payBy (docs/payments.md): the order, its deadline and
 * the provider's secret come back from the journal; the order still expires at payBy, and a
 * payment after that is refunded, not granted.
 */
@ExtendWith(NoLeakedThreads.class)
class PaymentsRestartIT {
    private static final String SECRET = "restart-provider-secret";

    @Test
    void anOrderReservedBeforeARestartStillExpiresAtPayBy() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        String orderId;
        try (TestGateway t = TestGateway.start(c -> c.clock(now::get), storage, true)) {
            t.admin("PUT", "/admin/suppliers/pay", "{\"url\":\"http://127.0.0.1:9/pay\",\"secret\":\"" + SECRET
                + "\",\"timeoutMs\":1000,\"maxConcurrency\":1}");
            assertEquals(200, t.admin("PUT", "/admin/campaigns/s", "{\"name\":\"s\",\"perUserLimit\":1,\"skus\":[{"
                + "\"id\":\"vip\",\"kind\":\"CODE\",\"price\":990,\"currency\":\"CNY\",\"paymentWindowSeconds\":30,"
                + "\"paymentProvider\":\"pay\"}]}").status());
            t.upload("s", "vip", "ONLY-ONE\n");
            orderId = (String) t.claim("alice", "k1", "s", "vip").at("orderId");
            assertEquals("SOLD_OUT", t.claim("bob", "k1", "s", "vip").at("result"));
        }
        try (TestGateway t = TestGateway.start(c -> c.clock(now::get), storage, true)) {
            assertEquals("RESERVED", t.get("/v1/orders/" + orderId, t.token("alice")).at("status"));
            assertEquals("SOLD_OUT", t.claim("bob", "k2", "s", "vip").at("result"), "still held");
            now.addAndGet(31_000);
            t.awaitOrderStatus("alice", orderId, "EXPIRED");
            assertEquals("RESERVED", t.claim("bob", "k3", "s", "vip").at("result"), "the unit is back on sale");
            String body = "{\"transactionId\":\"T1\",\"orderId\":\"" + orderId + "\",\"amount\":990,\"currency\":\"CNY\"}";
            TestGateway.Res late = t.send("POST", "/v1/payments/notify", body, "Content-Type", "application/json",
                "X-Surge-Provider", "pay", Signature.HEADER, new Signature(SECRET).sign(body));
            assertEquals(200, late.status(), "the provider's secret came back too: " + late.body());
            assertEquals("REFUND_REQUIRED", late.at("status"));
        }
    }
}
