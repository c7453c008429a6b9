package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reserving room changes how much memory the tables hold, never what they answer. */
class ReserveTest {

    @Test
    void reservingMidSaleChangesNoDecisionAndNoDigest() {
        EngineDriver plain = new EngineDriver(7);
        EngineDriver reserved = new EngineDriver(7);
        reserved.machine.reserve(50_000);
        List<ResultCode> plainResults = new ArrayList<>();
        List<ResultCode> reservedResults = new ArrayList<>();
        for (EngineDriver d : new EngineDriver[] {plain, reserved}) {
            CampaignSpec spec = EngineDriver.campaign("sale", 2);
            EngineDriver.sku(spec, "pass", SkuKind.CODE);
            d.upsert(spec);
            d.load("sale", "pass", EngineDriver.codes("C", 3_000));
        }
        for (int i = 0; i < 6_000; i++) {
            if (i == 2_500) {
                reserved.machine.reserve(200_000); // grows tables that already hold entries
            }
            String user = "u" + (i % 1_700);
            plainResults.add(plain.claim(user, "k" + i, "sale", "pass").result);
            reservedResults.add(reserved.claim(user, "k" + i, "sale", "pass").result);
            if (i % 5 == 0) { // a retried request: answered from the idempotency record
                plainResults.add(plain.claim(user, "k" + i, "sale", "pass").result);
                reservedResults.add(reserved.claim(user, "k" + i, "sale", "pass").result);
            }
        }
        assertEquals(plainResults, reservedResults);
        assertEquals(plain.machine.digest(), reserved.machine.digest());
        assertEquals(plain.machine.digest(), reserved.replay().digest());
        assertEquals(plain.machine.grantsOf("u3", 100).size(), reserved.machine.grantsOf("u3", 100).size());
    }

    /**
     * A sale within the reservation never stops the writer to grow a table (grants and their
     * items, the users' index, the shared counters); the same sale unreserved does, and
     * {@link TableGrowth} counts it, as {@code /metrics} shows an operator.
     */
    @Test
    void aSaleWithinItsReservationNeverGrowsATableOnTheWriter() {
        int users = 20_000;
        EngineDriver reserved = new EngineDriver(7);
        reserved.machine.reserve(users);
        EngineDriver plain = new EngineDriver(7);
        for (EngineDriver d : new EngineDriver[] {reserved, plain}) {
            CampaignSpec spec = EngineDriver.campaign("sale", 1);
            CampaignSpec.SkuSpec sku = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
            sku.stock = users;
            sku.suppliers.add("primary");
            d.upsert(spec);
            d.machine.growth().reset();
            for (int i = 0; i < users; i++) {
                byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
                assertEquals(ResultCode.GRANTED,
                    d.claim("u" + i, "k" + i, "sale", "vip", "dev-" + i, ip, "13800000000").result);
            }
        }
        assertEquals(0, reserved.machine.growth().count());
        assertTrue(plain.machine.growth().count() > 0, "the unreserved sale grew its tables");
        assertEquals(plain.machine.digest(), reserved.machine.digest());
    }
}
