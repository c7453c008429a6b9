package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A revoked grant's recharge not sent yet is never sent (docs/lifecycle.md#revocation). */
@ExtendWith(NoLeakedThreads.class)
class DeliveryRevocationIT {

    @Test
    void aRevokedRechargeWaitingForItsSupplierIsCancelledAndNeverSent() throws Exception {
        try (DeliveryBed bed = new DeliveryBed()) {
            bed.campaign("rev", 10);
            List<String> grants = bed.claim("rev", 2); // parked: no supplier configured yet
            String revoked = grants.get(0);
            TestGateway.Res r = bed.t.admin("POST", "/admin/grants/" + revoked + "/revoke", "{\"reason\":\"refund\"}");
            assertEquals(200, r.status(), r.body());
            bed.suppliers(1000, 4); // after the revocation in ring order: the dispatcher has cancelled it
            assertArrayEquals(new long[] {0, 1, 1}, bed.awaitSettled("rev", 30_000));

            TestGateway.Res view = bed.t.get("/v1/grants/" + revoked, bed.t.token(bed.userOf(revoked)));
            assertEquals("REVOKED", view.at("status"), view.body());
            assertEquals("FAILED", view.at("delivery"), view.body());
            assertEquals(0, bed.primary.applied(bed.accounts.get(revoked)) + bed.backup.applied(bed.accounts.get(revoked)),
                "never sent");
            assertEquals(1, bed.primary.applied(bed.accounts.get(grants.get(1))), "the other one is delivered");
            TestGateway.Res redrive = bed.t.admin("POST", "/admin/deliveries/redrive", "{}");
            assertEquals(0L, redrive.at("redriven"), "a cancelled item never comes back");
        }
    }
}
