package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.simulator.SupplierSimulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Test helper: a gateway whose recharges go to two simulated suppliers, {@code primary} and
 * {@code backup} (two simulators, so that each keeps its own ledger and a delivery that reached
 * both would show), with fast retry settings; a campaign with a DIRECT_RECHARGE SKU {@code vip}
 * whose suppliers are [primary, backup]; and the exactly-once check: every granted item applied
 * once over both simulators, and the journal's view (the owner's GET /v1/grants) naming the
 * supplier that has it.
 */
public final class DeliveryBed implements AutoCloseable {
    public static final String SECRET = "sim-secret-0123456789abcdef";

    public final SupplierSimulator primary = new SupplierSimulator(SECRET, 101);
    public final SupplierSimulator backup = new SupplierSimulator(SECRET, 202);
    public final TestGateway t;
    /** grant id to the account it recharges, in claim order. */
    public final Map<String, String> accounts = new LinkedHashMap<>();
    private int claims;

    /** Fast settings: millisecond backoffs, a short open circuit. */
    public static Consumer<Configuration> fast(Consumer<Configuration> more) {
        return c -> {
            c.set(Configuration.Option.DELIVERY_BACKOFF_MS, "5")
                .set(Configuration.Option.DELIVERY_BACKOFF_MAX_MS, "200")
                .set(Configuration.Option.BREAKER_OPEN_MS, "300");
            more.accept(c);
        };
    }

    public DeliveryBed(Consumer<Configuration> tweak, MemoryStorage storage) {
        primary.start("127.0.0.1", 0);
        backup.start("127.0.0.1", 0);
        t = TestGateway.start(fast(tweak), storage, true);
    }

    public DeliveryBed() {
        this(c -> {
        }, new MemoryStorage());
    }

    public void suppliers(int timeoutMs, int maxConcurrency) {
        supplier("primary", primary.url("primary"), timeoutMs, maxConcurrency);
        supplier("backup", backup.url("backup"), timeoutMs, maxConcurrency);
    }

    public void supplier(String id, String url, int timeoutMs, int maxConcurrency) {
        TestGateway.Res r = t.admin("PUT", "/admin/suppliers/" + id, "{\"url\":\"" + url + "\",\"secret\":\"" + SECRET
            + "\",\"timeoutMs\":" + timeoutMs + ",\"maxConcurrency\":" + maxConcurrency + "}");
        assertEquals(200, r.status(), r.body());
    }

    public void campaign(String id, int stock) {
        TestGateway.Res r = t.admin("PUT", "/admin/campaigns/" + id, "{\"name\":\"" + id + "\",\"skus\":[{\"id\":\"vip\","
            + "\"kind\":\"DIRECT_RECHARGE\",\"stock\":" + stock + ",\"suppliers\":[\"primary\",\"backup\"]},"
            + "{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        assertEquals(200, r.status(), r.body());
    }

    /** {@code n} recharge claims by new users, each to its own account; returns their grant ids. */
    public List<String> claim(String campaign, int n) {
        List<String> grants = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = claims++;
            String account = "1390000" + String.format("%04d", k);
            TestGateway.Res r = t.claim("user-" + k, "key-" + k, "{\"campaignId\":\"" + campaign
                + "\",\"skuId\":\"vip\",\"account\":\"" + account + "\"}");
            assertEquals("GRANTED", r.at("result"), r.body());
            String grant = (String) r.at("grantId");
            accounts.put(grant, account);
            grants.add(grant);
        }
        return grants;
    }

    public String userOf(String grant) {
        int k = new ArrayList<>(accounts.keySet()).indexOf(grant);
        return "user-" + k;
    }

    /** The campaign's delivery counters: pending, delivered, failed. */
    long[] counters(String campaign) {
        TestGateway.Res r = t.admin("GET", "/admin/campaigns/" + campaign, null);
        return new long[] {(Long) r.at("deliveries", "pending"), (Long) r.at("deliveries", "delivered"),
            (Long) r.at("deliveries", "failed")};
    }

    /** Waits (generously: a loaded 2-core machine) until nothing of the campaign is pending. */
    long[] awaitSettled(String campaign, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long[] c = counters(campaign);
        while (c[0] > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            c = counters(campaign);
        }
        assertEquals(0, c[0], "still pending after " + timeoutMs + " ms: " + c[1] + " delivered, " + c[2] + " failed");
        return c;
    }

    /**
     * Every granted item was recharged exactly once over both simulators, nothing else was, and
     * the journal says which supplier did it, as that supplier's ledger does.
     */
    public void assertExactlyOnce() {
        long total = 0;
        for (Map.Entry<String, String> e : accounts.entrySet()) {
            String grant = e.getKey();
            String account = e.getValue();
            long times = primary.applied(account) + backup.applied(account);
            assertEquals(1, times, "account " + account + " of " + grant + " recharged " + times + " times");
            total += times;
            TestGateway.Res g = t.get("/v1/grants/" + grant, t.token(userOf(grant)));
            assertEquals("DELIVERED", g.at("delivery"), g.body());
            String supplier = (String) g.at("items", 0, "supplier");
            SupplierSimulator settled = supplier.equals("primary") ? primary : backup;
            SupplierSimulator other = settled == primary ? backup : primary;
            String otherName = settled == primary ? "backup" : "primary";
            assertEquals("DELIVERED", settled.status(supplier, grant + "-0"), "the journal names " + supplier);
            assertNotEquals("DELIVERED", other.status(otherName, grant + "-0"));
            assertEquals(1, settled.applied(account));
        }
        assertEquals(total, primary.applied() + backup.applied(), "nothing else was recharged");
    }

    @Override
    public void close() {
        t.close();
        primary.close();
        backup.close();
    }
}
