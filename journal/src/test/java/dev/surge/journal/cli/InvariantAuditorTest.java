package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.GrantIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The independent model on a clean history, and on each kind of doctored event. */
class InvariantAuditorTest {

    private static InvariantAuditor audit(List<byte[]> events, boolean texts) {
        InvariantAuditor a = new InvariantAuditor(texts);
        EventView view = new EventView();
        long index = 1000;
        for (byte[] e : events) {
            assertTrue(view.wrap(new UnsafeBuffer(e), 0, e.length), "well-formed");
            a.onEvent(index++, view);
        }
        a.finish();
        return a;
    }

    private static Map<String, Long> kinds(InvariantAuditor a) {
        return a.findings().stream().collect(Collectors.groupingBy(Finding::kind, Collectors.counting()));
    }

    @Test
    void cleanHistoryHasNoViolationsAndReportsUnfinishedDeliveriesAsInfo() {
        CliHistory.Standard s = CliHistory.standard();
        InvariantAuditor a = audit(s.h.events, true);
        assertEquals(0, a.violations(), () -> a.findings().toString());
        assertEquals(Map.of("delivery-pending", 1L, "delivery-failed", 1L), a.infoByKind());
        Map<String, Long> summary = a.summary();
        assertEquals(s.h.events.size(), summary.get("events"));
        assertEquals(11L, summary.get("codesLoaded"));
        assertEquals(7L, summary.get("codesIssued")); // video 3, music 2, card 2
        assertEquals(3L, summary.get("rechargeItems"));
        assertEquals(1L, summary.get("redemptions"));
        assertEquals(9L, summary.get("grants"));
    }

    @Test
    void reissuedCodeIndexAndCodeTextAreViolations() {
        CliHistory.Standard s = CliHistory.standard();
        List<byte[]> events = new ArrayList<>(s.h.events);
        long seq = s.h.lastSequence() + 1;
        long ts = s.h.now;
        // video code #1 was issued to u2; issue it again to a new user
        events.add(Forge.claimGranted(seq, ts, "mallory", "spring", "video", "", 77, 1, new Forge.Item("video", 1)));
        InvariantAuditor a = audit(events, true);
        assertEquals(1, a.violations(), () -> a.findings().toString());
        Finding f = a.findings().get(0);
        assertEquals("code-reissued", f.kind());
        assertEquals(seq, f.sequence());
        assertEquals(1000 + events.size() - 1, f.index());
    }

    @Test
    void userSkuDeviceAndStockLimitsAreCheckedAgainstTheConfigurationAtTheGrant() {
        CliHistory.Standard s = CliHistory.standard();
        List<byte[]> events = new ArrayList<>(s.h.events);
        long seq = s.h.lastSequence();
        long ts = s.h.now;
        // u1 already holds video #0 and music #1 (campaign limit 2, video per-user 1, dev-1 limit 2)
        events.add(Forge.claimGranted(++seq, ts, "u1", "spring", "video", "dev-1", 91, 1, new Forge.Item("video", 3)));
        // a fourth recharge over a stock of 3
        events.add(Forge.claimGranted(++seq, ts, "u12", "spring", "rc", "", 92, 1, new Forge.Item("rc", -1)));
        // music has 4 loaded, 1 withdrawn, 2 issued: #2 is the last on sale, #3 was withdrawn
        events.add(Forge.claimGranted(++seq, ts, "u13", "spring", "music", "", 93, 1, new Forge.Item("music", 2)));
        events.add(Forge.claimGranted(++seq, ts, "u14", "spring", "music", "", 94, 1, new Forge.Item("music", 3)));
        // an index never loaded
        events.add(Forge.claimGranted(++seq, ts, "u15", "spring", "music", "", 95, 1, new Forge.Item("music", 40)));
        InvariantAuditor a = audit(events, true);
        Map<String, Long> kinds = kinds(a);
        assertEquals(1L, kinds.get("user-limit"), kinds::toString);
        assertEquals(1L, kinds.get("sku-user-limit"), kinds::toString);
        assertEquals(1L, kinds.get("device-limit"), kinds::toString);
        assertEquals(2L, kinds.get("stock-exceeded"), kinds::toString); // rc unit 4, music code 4 of 3 on sale
        assertEquals(1L, kinds.get("code-not-loaded"), kinds::toString);
        assertEquals(6, a.violations());
    }

    @Test
    void deliveriesMustReferToRechargeItemsAndNeverGoBackFromDelivered() {
        CliHistory.Standard s = CliHistory.standard();
        List<byte[]> events = new ArrayList<>(s.h.events);
        long seq = s.h.lastSequence();
        long ts = s.h.now;
        long[] id = new long[2];
        GrantIds.parse(s.rechargeDelivered, id);
        events.add(Forge.delivery(++seq, ts, id[0], (int) id[1], 0, DeliveryStatus.FAILED.code()));
        GrantIds.parse(s.firstVideoGrant, id);
        events.add(Forge.delivery(++seq, ts, id[0], (int) id[1], 0, DeliveryStatus.DELIVERED.code()));
        events.add(Forge.delivery(++seq, ts, 5, 5, 0, DeliveryStatus.DELIVERED.code()));
        GrantIds.parse(s.rechargePending, id);
        events.add(Forge.delivery(++seq, ts, id[0], (int) id[1], 0, DeliveryStatus.DELIVERED.code()));
        InvariantAuditor a = audit(events, true);
        Map<String, Long> kinds = kinds(a);
        assertEquals(1L, kinds.get("delivery-regressed"), kinds::toString);
        assertEquals(1L, kinds.get("delivery-not-recharge"), kinds::toString);
        assertEquals(1L, kinds.get("delivery-unknown-grant"), kinds::toString);
        assertEquals(3, a.violations());
        assertEquals(Map.of("delivery-failed", 1L), a.infoByKind(), "the pending one was delivered");
    }

    @Test
    void sequenceGapsAndDuplicateGrantIdsAreViolations() {
        CliHistory.Standard s = CliHistory.standard();
        List<byte[]> events = new ArrayList<>(s.h.events);
        long seq = s.h.lastSequence() + 2; // one missing
        long[] id = new long[2];
        GrantIds.parse(s.firstVideoGrant, id);
        events.add(Forge.claimGranted(seq, s.h.now, "u20", "autumn", "card", "", id[0], (int) id[1]));
        InvariantAuditor a = audit(events, true);
        Map<String, Long> kinds = kinds(a);
        assertEquals(1L, kinds.get("sequence-gap"), kinds::toString);
        assertEquals(1L, kinds.get("duplicate-grant-id"), kinds::toString);
        assertEquals(1L, kinds.get("grant-while-closed"), kinds::toString);
        assertEquals(1L, kinds.get("grant-items-mismatch"), kinds::toString); // no items at all
    }

    @Test
    void withdrawingBelowWhatIsIssuedIsAViolation() {
        CliHistory.Standard s = CliHistory.standard();
        List<byte[]> events = new ArrayList<>(s.h.events);
        // video: 5 loaded, 3 issued; withdrawing 3 leaves 2 on sale
        events.add(Forge.stockAdjusted(s.h.lastSequence() + 1, s.h.now, "spring", "video", -3));
        InvariantAuditor a = audit(events, true);
        assertEquals(Map.of("stock-below-granted", 1L), a.violationsByKind());
    }
}
