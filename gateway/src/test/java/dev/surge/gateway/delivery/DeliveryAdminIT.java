package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery side of the API: supplier configuration, what the owner and the operator see
 * (PENDING, DELIVERED, FAILED and which supplier), re-drives by an operator, metrics.
 */
@ExtendWith(NoLeakedThreads.class)
class DeliveryAdminIT {

    @Test
    void supplierConfigurationIsValidatedAndNeverEchoesTheSecret() {
        try (DeliveryBed bed = new DeliveryBed()) {
            TestGateway t = bed.t;
            TestGateway.Res ok = t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\"" + bed.primary.url("primary")
                + "\",\"secret\":\"" + DeliveryBed.SECRET + "\"}");
            assertEquals(200, ok.status(), ok.body());
            assertEquals(2000L, ok.at("timeoutMs"));
            assertEquals(64L, ok.at("maxConcurrency"));
            assertFalse(ok.body().contains(DeliveryBed.SECRET));
            assertBad(t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\"ftp://x\",\"secret\":\"" + DeliveryBed.SECRET
                + "\"}"), "url");
            assertBad(t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\"http://x\",\"secret\":\"short\"}"), "secret");
            assertBad(t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\"http://x\",\"secret\":\"" + DeliveryBed.SECRET
                + "\",\"timeoutMs\":0}"), "timeoutMs");
            assertBad(t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\"http://x\",\"secret\":\"" + DeliveryBed.SECRET
                + "\",\"colour\":1}"), "colour");
            assertBad(t.admin("PUT", "/admin/suppliers/bad$id", "{}"), "id");
            assertEquals(401, t.send("PUT", "/admin/suppliers/primary", "{}", "Content-Type", "application/json").status());
        }
    }

    @Test
    void failedEverywhereThenRedrivenByAnOperatorAndDelivered() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.primary.knobs().rejectRate = 1.0;
            bed.backup.knobs().rejectRate = 1.0;
            bed.suppliers(1000, 4);
            bed.campaign("redo", 10);
            List<String> grants = bed.claim("redo", 3);
            assertArrayEquals(new long[] {0, 0, 3}, bed.awaitSettled("redo", 30_000));
            TestGateway.Res failed = bed.t.get("/v1/grants/" + grants.get(0), bed.t.token(bed.userOf(grants.get(0))));
            assertEquals("FAILED", failed.at("delivery"), failed.body());
            assertEquals("backup", failed.at("items", 0, "supplier"), "the supplier it failed at last");

            // the backup is fixed; its ledger remembers the rejections, so re-drive against a fresh one
            bed.backup.knobs().rejectRate = 0;
            try (var fresh = new dev.surge.simulator.SupplierSimulator(DeliveryBed.SECRET, 5)) {
                fresh.start("127.0.0.1", 0);
                bed.supplier("backup", fresh.url("backup"), 1000, 4);
                assertEquals(404, bed.t.admin("POST", "/admin/deliveries/redrive", "{\"campaignId\":\"nope\"}").status());
                assertEquals(400, bed.t.admin("POST", "/admin/deliveries/redrive",
                    "{\"from\":\"2030-01-01T00:00:00Z\",\"to\":\"2020-01-01T00:00:00Z\"}").status());
                TestGateway.Res none = bed.t.admin("POST", "/admin/deliveries/redrive",
                    "{\"campaignId\":\"redo\",\"supplierId\":\"primary\"}");
                assertEquals(0L, none.at("redriven"), "they failed last at the backup");
                TestGateway.Res redo = bed.t.admin("POST", "/admin/deliveries/redrive",
                    "{\"campaignId\":\"redo\",\"supplierId\":\"backup\",\"requestedBy\":\"ops:carol\"}");
                assertEquals(200, redo.status(), redo.body());
                assertEquals(3L, redo.at("redriven"));
                assertTrue(((String) redo.at("requestedBy")).startsWith("ops:carol via 127.0.0.1"), redo.body());
                assertArrayEquals(new long[] {0, 3, 0}, bed.awaitSettled("redo", 30_000));
                for (String g : grants) {
                    TestGateway.Res r = bed.t.get("/v1/grants/" + g, bed.t.token(bed.userOf(g)));
                    assertEquals("DELIVERED", r.at("delivery"), r.body());
                    assertEquals("backup", r.at("items", 0, "supplier"));
                    assertEquals(1, fresh.applied(bed.accounts.get(g)));
                }
                assertEquals(0, bed.primary.applied() + bed.backup.applied());
            }
            String metrics = bed.t.send("GET", "/metrics", null).body();
            assertTrue(metrics.contains("surge_delivery_requests_total{supplier=\"primary\",outcome=\"REJECTED\"}"), metrics);
            assertTrue(metrics.contains("surge_deliveries_finished_total{status=\"FAILED\"} 3"), metrics);
            assertTrue(metrics.contains("surge_deliveries_finished_total{status=\"DELIVERED\"} 3"), metrics);
        }
    }

    @Test
    void pendingUntilItsSupplierIsConfiguredThenDelivered() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.campaign("later", 5);
            List<String> grants = bed.claim("later", 2);
            Thread.sleep(200);
            TestGateway.Res pending = bed.t.get("/v1/grants/" + grants.get(0), bed.t.token(bed.userOf(grants.get(0))));
            assertEquals("PENDING", pending.at("delivery"), pending.body());
            assertEquals(0, bed.primary.requests(), "nothing is sent to a supplier nobody configured");
            bed.suppliers(1000, 4);
            assertArrayEquals(new long[] {0, 2, 0}, bed.awaitSettled("later", 30_000));
            bed.assertExactlyOnce();
        }
    }

    @Test
    void aSupplierThatCannotVerifyOurSignatureRefusesAndTheBackupDelivers() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.suppliers(1000, 4);
            TestGateway.Res wrong = bed.t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\""
                + bed.primary.url("primary") + "\",\"secret\":\"not-the-simulators-secret\"}");
            assertEquals(200, wrong.status(), wrong.body());
            bed.campaign("signed", 5);
            bed.claim("signed", 3);
            assertArrayEquals(new long[] {0, 3, 0}, bed.awaitSettled("signed", 30_000));
            bed.assertExactlyOnce();
            assertEquals(3, bed.primary.badSignatures(), "401 for each: a permanent refusal for that supplier");
            assertEquals(3, bed.backup.applied());
        }
    }

    private static void assertBad(TestGateway.Res r, String field) {
        assertEquals(400, r.status(), r.body());
        assertEquals(field, r.errorField(), r.body());
    }
}
