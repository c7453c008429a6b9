package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.RandomizedRiskHistory;
import dev.surge.engine.state.RandomizedHistory;
import dev.surge.engine.state.RandomizedOrderHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * One authoritative model: the engine's randomized histories (the ones its property tests check
 * against their naive reference models) also pass the invariant auditor that operators run as
 * {@code surge-journal verify}, and a doctored copy of such a history does not. If the engine and
 * the auditor ever disagree on what a valid journal is, this test names the seed.
 */
class InvariantAuditorModelTest {
    private static final int CLAIM_HISTORIES = Integer.getInteger("surge.auditorSequences", 300);
    private static final int RISK_HISTORIES = Integer.getInteger("surge.auditorRiskSequences", 60);
    private static final int ORDER_HISTORIES = Integer.getInteger("surge.auditorOrderSequences", 60);

    @Test
    void everyRandomizedClaimHistoryPassesTheAuditor() {
        long events = 0;
        for (int seed = 0; seed < CLAIM_HISTORIES; seed++) {
            RandomizedHistory h = new RandomizedHistory(seed);
            h.run();
            events += assertClean(h.events(), "claim history seed " + seed);
        }
        assertTrue(events > CLAIM_HISTORIES * 50L, "the histories must hold events: " + events);
    }

    @Test
    void everyRandomizedRiskHistoryPassesTheAuditor() throws IOException {
        for (int seed = 0; seed < RISK_HISTORIES; seed++) {
            RandomizedRiskHistory h = new RandomizedRiskHistory(seed);
            h.run();
            assertClean(h.events(), "risk history seed " + seed);
        }
    }

    @Test
    void aDuplicatedGrantInARandomizedHistoryIsAViolation() {
        List<byte[]> events = firstHistoryWith(EventType.CLAIM_GRANTED, ResultCode.GRANTED);
        byte[] grant = first(events, EventType.CLAIM_GRANTED, ResultCode.GRANTED);
        List<byte[]> doctored = new ArrayList<>(events);
        doctored.add(grant); // the same grant journaled twice, at the end
        InvariantAuditor a = audit(doctored);
        assertTrue(a.violationsByKind().containsKey("duplicate-grant-id"), () -> a.findings().toString());
    }

    @Test
    void aDuplicatedRedemptionInARandomizedHistoryIsAViolation() {
        List<byte[]> events = firstHistoryWith(EventType.REDEMPTION, ResultCode.REDEEMED);
        List<byte[]> doctored = new ArrayList<>(events);
        doctored.add(first(events, EventType.REDEMPTION, ResultCode.REDEEMED));
        InvariantAuditor a = audit(doctored);
        assertTrue(a.violationsByKind().containsKey("redeemed-twice"), () -> a.findings().toString());
    }

    @Test
    void everyRandomizedOrderHistoryPassesTheAuditor() {
        for (int seed = 0; seed < ORDER_HISTORIES; seed++) {
            RandomizedOrderHistory h = new RandomizedOrderHistory(seed).run();
            InvariantAuditor a = audit(h.events());
            assertEquals(0, a.violations(), "order history seed " + seed + ": " + a.findings());
            assertTrue(a.summary().get("ordersReserved") > 0, "order history seed " + seed);
        }
    }

    @Test
    void aSecondRecordOfTheSamePaymentOrExpiryIsAViolation() {
        List<byte[]> events = new RandomizedOrderHistory(1).run().events();
        List<byte[]> doctored = new ArrayList<>(events);
        doctored.add(first(events, EventType.PAYMENT_RECORDED, ResultCode.PAID));
        InvariantAuditor a = audit(doctored);
        assertTrue(a.violationsByKind().containsKey("payment-twice"), () -> a.findings().toString());
        assertTrue(a.violationsByKind().containsKey("paid-not-reserved"), () -> a.findings().toString());

        List<byte[]> expiredTwice = new ArrayList<>(events);
        expiredTwice.add(events.get(events.size() - 1)); // the final sweep, again
        InvariantAuditor b = audit(expiredTwice);
        assertTrue(b.violationsByKind().containsKey("order-ended-twice"), () -> b.findings().toString());
    }

    private static long assertClean(List<byte[]> events, String what) {
        InvariantAuditor a = audit(events);
        assertEquals(0, a.violations(), () -> what + " (rerun the engine side with -Dsurge.seed): "
            + a.findings());
        assertEquals((long) events.size(), a.summary().get("events"), what);
        return events.size();
    }

    private static InvariantAuditor audit(List<byte[]> events) {
        InvariantAuditor a = new InvariantAuditor(true);
        EventView view = new EventView();
        long index = 0;
        for (byte[] e : events) {
            assertTrue(view.wrap(new UnsafeBuffer(e), 0, e.length), "well-formed event");
            a.onEvent(index++, view);
        }
        a.finish();
        return a;
    }

    /** The events of the first clean claim history that holds an event of this type and result. */
    private static List<byte[]> firstHistoryWith(EventType type, ResultCode result) {
        for (int seed = 0; seed < CLAIM_HISTORIES; seed++) {
            RandomizedHistory h = new RandomizedHistory(seed);
            h.run();
            if (first(h.events(), type, result) != null) {
                assertClean(h.events(), "claim history seed " + seed);
                return h.events();
            }
        }
        throw new AssertionError("no history with a " + type + " " + result);
    }

    private static byte[] first(List<byte[]> events, EventType type, ResultCode result) {
        EventView view = new EventView();
        for (byte[] e : events) {
            if (view.wrap(new UnsafeBuffer(e), 0, e.length) && view.type == type && view.result == result) {
                return e;
            }
        }
        return null;
    }
}
