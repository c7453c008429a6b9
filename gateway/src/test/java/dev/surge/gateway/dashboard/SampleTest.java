package dev.surge.gateway.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.state.CampaignCounters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates between two samples of the engine's counters. */
class SampleTest {

    private static CampaignCounters counters(String id, long granted, long redeemed, Map<ResultCode, Long> rejected) {
        return new CampaignCounters(id, id, CampaignStatus.ACTIVE, 0, Long.MAX_VALUE, granted, redeemed, rejected, 0, 0, 0,
            List.of(new CampaignCounters.SkuCounters("sku", SkuKind.DIRECT_RECHARGE, granted, 100 - granted, 0)), null, Map.of(), CampaignCounters.Orders.NONE);
    }

    @Test
    void ratesArePerSecondBetweenSamples() {
        DashboardAgent.Sample first = DashboardAgent.Sample.NONE.next(List.of(
            counters("a", 10, 0, Map.of(ResultCode.SOLD_OUT, 4L)),
            counters("b", 0, 0, Map.of())), 10_000);
        assertArrayEquals(new double[] {0, 0, 0}, first.campaignRates().get("a"), "no rate from one sample");

        DashboardAgent.Sample second = first.next(List.of(
            counters("a", 30, 4, Map.of(ResultCode.SOLD_OUT, 10L, ResultCode.PAUSED, 2L)),
            counters("b", 5, 0, Map.of()),
            counters("new", 50, 0, Map.of())), 12_000);
        assertArrayEquals(new double[] {10, 4, 2}, second.campaignRates().get("a"));
        assertArrayEquals(new double[] {2.5, 0, 0}, second.campaignRates().get("b"));
        assertArrayEquals(new double[] {0, 0, 0}, second.campaignRates().get("new"), "no rate before it was seen");
        assertEquals(12.5, second.granted());
        assertEquals(4.0, second.refused());
        assertEquals(2.0, second.redeemed());
        assertEquals(Map.of(ResultCode.SOLD_OUT, 3.0, ResultCode.PAUSED, 1.0), second.refusalRates());
    }
}
