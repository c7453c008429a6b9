package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.StateMachine;
import org.junit.jupiter.api.Test;

/** replay --until: the counters and grants of that moment, with or without a snapshot. */
class ReplayCommandTest {
    private final CliHistory.Standard s = CliHistory.standard();
    private final CliRunner cli = new CliRunner(s.h.events);

    /** The campaign's counters as replay --json prints them, from a state machine replayed independently. */
    private static String expectedJson(StateMachine m, String campaign) {
        CampaignCounters c = m.campaign(campaign);
        StringBuilder sb = new StringBuilder();
        sb.append("\"granted\":").append(c.granted()).append(",\"redeemed\":").append(c.redeemed());
        sb.append(",\"rejected\":{");
        String sep = "";
        for (var e : c.rejected().entrySet()) {
            sb.append(sep).append('"').append(e.getKey().name()).append("\":").append(e.getValue());
            sep = ",";
        }
        sb.append("},\"deliveries\":{\"pending\":").append(c.deliveriesPending()).append(",\"delivered\":")
            .append(c.deliveriesDelivered()).append(",\"failed\":").append(c.deliveriesFailed()).append("},\"skus\":[");
        sep = "";
        for (CampaignCounters.SkuCounters k : c.skus()) {
            sb.append(sep).append("{\"id\":\"").append(k.id()).append("\",\"kind\":\"").append(k.kind())
                .append("\",\"granted\":").append(k.granted()).append(",\"stockLeft\":").append(k.stockLeft())
                .append(",\"codesLoaded\":").append(k.codesLoaded()).append('}');
            sep = ",";
        }
        return sb.append(']').toString();
    }

    @Test
    void untilASequenceGivesTheCountersOfThatMoment() {
        for (int until : new int[] {6, (int) s.endOfFirstMinute, s.h.events.size()}) {
            CliRunner.Result r = cli.run("replay", "--until", Integer.toString(until), "--json", "--campaign", "spring");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("{\"sequence\":" + until + ","), r.out());
            assertTrue(r.out().contains("\"snapshotSequence\":null,\"eventsApplied\":" + until), r.out());
            assertTrue(r.out().contains(expectedJson(s.h.replay(until), "spring")), () -> "until " + until + ": " + r.out());
        }
    }

    @Test
    void untilATimeStopsAfterTheLastEventAtOrBeforeIt() {
        CliRunner.Result r = cli.run("replay", "--until", "2025-06-18T20:00:59Z");
        assertEquals(0, r.code(), r.err());
        StateMachine expected = s.h.replay((int) s.endOfFirstMinute);
        assertTrue(r.out().startsWith("State at seq " + s.endOfFirstMinute + " (2025-06-18T20:00:03.000Z), from the start, "
            + s.endOfFirstMinute + " events applied; codes encrypted (counts only)"), r.out());
        assertTrue(r.out().contains("  granted " + s.grantedAtEndOfFirstMinute + ", redeemed 0, rejected "
            + "LIMIT_REACHED 2, UNKNOWN_SKU 1"), r.out());
        assertTrue(r.out().contains("  deliveries: 1 pending, 1 delivered, 0 failed"), r.out());
        assertTrue(r.out().matches("(?s).*\n  video +CODE +3 +2 +5\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\n  rc +DIRECT_RECHARGE +2 +1 +0\n.*"), r.out());
        assertEquals(expected.campaign("spring").granted(), s.grantedAtEndOfFirstMinute);
    }

    @Test
    void startsFromTheNewestSnapshotNotAfterTheMoment() {
        cli.withKey().snapshot(s.h.replay(10)).snapshot(s.h.replay(18));
        CliRunner.Result r = cli.run("replay", "--until", "15", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"sequence\":15,"), r.out());
        assertTrue(r.out().contains("\"snapshotSequence\":10,\"eventsApplied\":5,\"codesDecrypted\":true,\"digest\":\""
            + Long.toHexString(s.h.replay(15).digest()) + "\""), r.out());
        CliRunner.Result early = cli.run("replay", "--until", "9", "--json");
        assertTrue(early.out().contains("\"snapshotSequence\":null,\"eventsApplied\":9,"), early.out());
        CliRunner.Result noSnapshot = cli.run("replay", "--until", "20", "--json", "--no-snapshot");
        assertTrue(noSnapshot.out().contains("\"snapshotSequence\":null,\"eventsApplied\":20,"), noSnapshot.out());
        assertTrue(noSnapshot.out().contains("\"digest\":\"" + Long.toHexString(s.h.replay(20).digest()) + "\""),
            noSnapshot.out());
    }

    @Test
    void printsAUsersGrantsWithCodesMaskedUnlessRevealed() {
        cli.withKey();
        CliRunner.Result r = cli.run("replay", "--until", Long.toString(s.h.lastSequence()), "--user", "u1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Grants of user u1, newest first"), r.out());
        assertTrue(r.out().matches("(?s).*\n  " + s.firstVideoGrant
            + " +2025-06-18T20:00:01.000Z +spring/video +video #0 VX8K-\\*\\*\\*\\*-\\*\\*\\*\\* DELIVERED"
            + " +2025-06-18T20:01:05.000Z\n.*"), r.out());
        CliRunner.Result revealed = cli.run("replay", "--until", "6", "--user", "u1", "--reveal-codes", "--json");
        assertTrue(revealed.out().contains("\"user\":{\"id\":\"u1\",\"grants\":[{\"grantId\":\"" + s.firstVideoGrant
            + "\",\"campaign\":\"spring\",\"sku\":\"video\",\"createdAt\":\"2025-06-18T20:00:01.000Z\",\"redeemedAt\":null,"
            + "\"items\":[{\"sku\":\"video\",\"codeIndex\":0,\"code\":\"VX8K-1000-Q000\",\"status\":\"DELIVERED\"}]}]}"),
            revealed.out());
        CliRunner.Result rc = cli.run("replay", "--until", "2025-06-18T21:00:00Z", "--user", "u6");
        assertTrue(rc.out().contains("rc FAILED via backup"), rc.out());
    }

    @Test
    void aMomentBeforeTheFirstEventOrAnUnknownFormIsAClearError() {
        CliRunner.Result before = cli.run("replay", "--until", "2020-01-01T00:00:00Z");
        assertEquals(2, before.code());
        assertEquals("journal replay: no event at or before 2020-01-01T00:00:00.000Z (the journal starts later)\n",
            before.err());
        CliRunner.Result bad = cli.run("replay", "--until", "noon");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("journal replay: --until: 'noon' is not a time"), bad.err());
        CliRunner.Result missing = cli.run("replay");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("journal replay: Missing required option: '--until=MOMENT'"), missing.err());
    }
}
