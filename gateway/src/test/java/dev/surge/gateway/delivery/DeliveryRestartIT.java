package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.simulator.SupplierSimulator;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.SurgeProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is killed (SIGKILL) while deliveries are in flight to a slow supplier; after a
 * restart every recharge lands exactly once, and the journal (verify, and reconcile against
 * the supplier's statement) agrees.
 */
class DeliveryRestartIT {
    private static final int N = 40;

    @TempDir
    Path dir;

    @Test
    void killedMidDeliveryThenRestartedEverythingLandsExactlyOnce() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> accounts = new LinkedHashMap<>();
        Map<String, String> users = new LinkedHashMap<>();
        try (SupplierSimulator primary = new SupplierSimulator(DeliveryBed.SECRET, 7);
             SupplierSimulator backup = new SupplierSimulator(DeliveryBed.SECRET, 8)) {
            primary.start("127.0.0.1", 0);
            backup.start("127.0.0.1", 0);
            primary.knobs().latencyMs = 1200;
            String[] flags = {"--delivery-backoff-ms", "20", "--delivery-backoff-max-ms", "300"};
            try (SurgeProcess first = TestGateway.process(data, flags)) {
                for (String[] s : new String[][] {{"primary", primary.url("primary")}, {"backup", backup.url("backup")}}) {
                    HttpResponse<String> r = first.admin("PUT", "/admin/suppliers/" + s[0], "{\"url\":\"" + s[1]
                        + "\",\"secret\":\"" + DeliveryBed.SECRET + "\",\"timeoutMs\":5000,\"maxConcurrency\":8}");
                    assertEquals(200, r.statusCode(), r.body());
                }
                HttpResponse<String> c = first.admin("PUT", "/admin/campaigns/kill", "{\"name\":\"kill\",\"skus\":[{\"id\":"
                    + "\"vip\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":" + N + ",\"suppliers\":[\"primary\",\"backup\"]}]}");
                assertEquals(200, c.statusCode(), c.body());
                for (int i = 0; i < N; i++) {
                    String user = "u" + i;
                    String account = "1370000" + String.format("%04d", i);
                    HttpResponse<String> r = first.send("POST", "/v1/claims", "{\"campaignId\":\"kill\",\"skuId\":\"vip\","
                        + "\"account\":\"" + account + "\"}", first.token(user), "Idempotency-Key", "k" + i);
                    assertEquals(200, r.statusCode(), r.body());
                    String grant = (String) JsonTree.at(JsonTree.parse(r.body()), "grantId");
                    accounts.put(grant, account);
                    users.put(grant, user);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (primary.requests() < 8 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(primary.applied() < N, "deliveries were still in flight at the kill");
                first.kill();
            }

            try (SurgeProcess second = TestGateway.process(data, flags)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                long pending = N;
                while (pending > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    HttpResponse<String> r = second.admin("GET", "/admin/campaigns/kill", null);
                    pending = (Long) JsonTree.at(JsonTree.parse(r.body()), "deliveries", "pending");
                }
                assertEquals(0, pending, "still pending after the restart:\n" + second.log());
                for (Map.Entry<String, String> e : accounts.entrySet()) {
                    assertEquals(1, primary.applied(e.getValue()) + backup.applied(e.getValue()),
                        "account " + e.getValue() + " recharged exactly once");
                    HttpResponse<String> g = second.send("GET", "/v1/grants/" + e.getKey(), null,
                        second.token(users.get(e.getKey())));
                    Object journal = JsonTree.parse(g.body());
                    assertEquals("DELIVERED", JsonTree.at(journal, "delivery"), g.body());
                    assertEquals("primary", JsonTree.at(journal, "items", 0, "supplier"), "a slow primary is not a failed one");
                }
                assertEquals(N, primary.applied() + backup.applied());
                assertTrue(primary.duplicates() > 0,
                    "what the primary had accepted before the kill was sent again and deduplicated");
                assertEquals(0, second.stop(), "a clean stop after the recovery");
            }

            Path statement = dir.resolve("primary.csv");
            Files.writeString(statement, primary.statement("primary"), StandardCharsets.UTF_8);
            String verify = TestGateway.journal("verify", "--data-dir", data.toString());
            assertTrue(verify.contains("OK: no violations"), verify);
            assertTrue(verify.contains("delivery  " + N + " recharge items, 0 pending, 0 failed"), verify);
            String reconcile = TestGateway.journal("reconcile", "--data-dir", data.toString(), "--supplier", "primary",
                "--statement", statement.toString());
            assertTrue(reconcile.contains("OK: the statement and the journal agree"), reconcile);
        }
    }
}
