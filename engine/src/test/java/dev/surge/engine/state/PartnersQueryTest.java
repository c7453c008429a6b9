package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * QUERY_PARTNERS answers what a gateway in front of a cluster checks credentials against (redeemer
 * keys, suppliers with their secrets, recharge routes), as the state holds them now, and journals nothing.
 */
class PartnersQueryTest {
    @Test
    void answersTheKeysSuppliersAndRoutesAndJournalsNothing() {
        EngineDriver d = new EngineDriver();
        ResultCode[] result = new ResultCode[1];
        Partners empty = d.partners(result);
        assertEquals(ResultCode.FOUND, result[0]);
        assertEquals(new Partners(List.of(), List.of(), Map.of()), empty);

        assertEquals(ResultCode.OK, d.configureSupplier("acme", "http://127.0.0.1:9/a", 2000, 8,
            "acme-secret-acme-secret").result);
        assertEquals(ResultCode.OK, d.configureSupplier("pay", "http://127.0.0.1:9/p", 1000, 4,
            "pay-secret-pay-secret-pay").result);
        CampaignSpec spec = EngineDriver.campaign("c1", 2);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        CampaignSpec.SkuSpec recharge = EngineDriver.sku(spec, "topup", SkuKind.DIRECT_RECHARGE);
        recharge.stock = 10;
        recharge.suppliers.addAll(List.of("acme", "pay"));
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        assertEquals(ResultCode.OK, d.createRedeemer("shop-1", EngineDriver.keyHash(1), "c1").result);
        int events = d.events.size();

        Partners p = d.partners(result);
        assertEquals(ResultCode.FOUND, result[0]);
        assertEquals(events, d.events.size(), "a query journals nothing");
        assertEquals(1, p.redeemers().size());
        assertEquals("shop-1", p.redeemers().get(0).redeemer());
        assertArrayEquals(EngineDriver.keyHash(1), p.redeemers().get(0).keyHash());
        assertEquals(List.of("c1"), p.redeemers().get(0).campaigns());
        assertEquals(d.machine.suppliers(), p.suppliers());
        assertEquals("pay-secret-pay-secret-pay", p.suppliers().get(1).secret());
        assertEquals(Map.of("c1/topup", List.of("acme", "pay")), p.routes());
    }
}
