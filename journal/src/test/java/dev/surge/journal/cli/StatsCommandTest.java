package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** stats: counts by campaign, SKU and result, and claims per second. */
class StatsCommandTest {
    private final CliHistory.Standard s = CliHistory.standard();
    private final CliRunner cli = new CliRunner(s.h.events);

    private static void assertLine(String out, String regex) {
        assertTrue(Pattern.compile("(?m)^" + regex + "$").matcher(out).find(), () -> "no line /" + regex + "/ in\n" + out);
    }

    @Test
    void countsClaimsByResultCampaignAndSku() {
        CliRunner.Result r = cli.run("stats");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertLine(out, s.h.events.size() + " events, seq 1\\.\\." + s.h.events.size()
            + ", 2025-06-18T20:00:00.000Z \\.\\. 2025-06-18T20:01:06.000Z");
        assertLine(out, "  GRANTED +9 +64\\.3%");
        assertLine(out, "  LIMIT_REACHED +2 +14\\.3%");
        assertLine(out, "  SOLD_OUT +2 +14\\.3%");
        assertLine(out, "  UNKNOWN_SKU +1 +7\\.1%");
        assertLine(out, "  CAMPAIGN +CLAIMS +GRANTED +SOLD_OUT +LIMIT_REACHED +UNKNOWN_SKU");
        assertLine(out, "  spring +11 +7 +1 +2 +1");
        assertLine(out, "  autumn +3 +2 +1 +0 +0");
        assertLine(out, "  CAMPAIGN/SKU +CLAIMS +GRANTED +SOLD_OUT +LIMIT_REACHED +UNKNOWN_SKU +ITEMS +CODES");
        assertLine(out, "  spring/video +3 +2 +0 +1 +0 +3 +5");
        assertLine(out, "  spring/music +2 +1 +0 +1 +0 +2 +4");
        assertLine(out, "  spring/pack +1 +1 +0 +0 +0 +0 +0");
        assertLine(out, "  spring/rc +4 +3 +1 +0 +0 +3 +0");
        assertLine(out, "  REDEMPTION +REDEEMED +1");
        assertLine(out, "  DELIVERY_RECORDED +FAILED +1");
    }

    @Test
    void claimsPerSecondShowsThePeakAndPerMinuteRows() {
        CliRunner.Result r = cli.run("stats");
        String out = r.out();
        assertLine(out, "Claims per second: peak 4/s at 2025-06-18T20:00:02.000Z; 5 seconds saw claims, 2\\.8/s on average over them");
        assertLine(out, "  per 1 min \\(intervals without claims left out\\)");
        assertLine(out, "  2025-06-18T20:00:00.000Z +9 +6 +0\\.2 +4");
        assertLine(out, "  2025-06-18T20:01:00.000Z +5 +3 +0\\.1 +3");
        CliRunner.Result perSecond = cli.run("stats", "--interval", "1", "--campaign", "autumn");
        assertLine(perSecond.out(), "  2025-06-18T20:01:06.000Z +3 +2 +3\\.0 +3");
    }

    @Test
    void jsonCarriesTheSameCounts() {
        CliRunner.Result r = cli.run("stats", "--json", "--from", "2025-06-18T20:01:00Z");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("\"claims\":5,\"claimsByResult\":{\"GRANTED\":3,\"SOLD_OUT\":2}"), out);
        assertTrue(out.contains("{\"campaign\":\"spring\",\"sku\":\"rc\",\"claims\":2,\"byResult\":{\"GRANTED\":1,"
            + "\"SOLD_OUT\":1},\"itemsGranted\":1,\"codesLoaded\":0}"), out);
        assertTrue(out.contains("\"peakSecond\":{\"time\":\"2025-06-18T20:01:06.000Z\",\"claims\":3}"), out);
    }

    @Test
    void anIntervalBelowOneSecondIsRefused() {
        CliRunner.Result r = cli.run("stats", "--interval", "0");
        assertEquals(2, r.code());
        assertEquals("journal stats: --interval: must be at least 1 second\n", r.err());
    }
}
