package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.RiskWorkload;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Risk refusals in the CLI: reasons in dump, counts in stats, and who was refused in stats --risk. */
class RiskCliTest {
    private final RiskWorkload.Outcome attack = RiskWorkload.run(2);
    private final CliRunner cli = new CliRunner(attack.driver().events);
    private final Map<String, Integer> bot = attack.botResults();
    private final long refusals = bot.entrySet().stream()
        .filter(e -> !e.getKey().equals("GRANTED") && !e.getKey().equals("LIMIT_REACHED"))
        .mapToLong(Map.Entry::getValue).sum();

    private static void assertLine(String out, String regex) {
        assertTrue(Pattern.compile("(?m)^" + regex + "$").matcher(out).find(), () -> "no line /" + regex + "/ in\n" + out);
    }

    private static String n(long v) {
        return String.format(java.util.Locale.ROOT, "%,d", v);
    }

    @Test
    void dumpNamesTheReasonAndFiltersByIt() {
        CliRunner.Result r = cli.run("dump", "--reason", "device-shared");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals((long) bot.get("DEVICE_SHARED"), lines.size());
        assertTrue(lines.get(0).contains("\"device\":\"bot-device-1\",\"ip\":\"203.0.113."), lines.get(0));
        assertTrue(lines.get(0).endsWith("\"result\":\"RISK_REJECTED\",\"reason\":\"DEVICE_SHARED\"}"), lines.get(0));

        CliRunner.Result csv = cli.run("dump", "--reason", "BLOCKED_DEVICE", "--format", "csv", "--limit", "1");
        assertTrue(csv.lines().get(1).contains(",RISK_REJECTED,BLOCKED_DEVICE,"), csv.out());

        CliRunner.Result change = cli.run("dump", "--type", "BLOCKLIST_CHANGED");
        assertEquals(1, change.lines().size(), change.out());
        assertTrue(change.out().contains("\"type\":\"BLOCKLIST_CHANGED\",\"mode\":\"ADD\",\"users\":[],"
            + "\"devices\":[\"bot-device-1\"],\"ips\":[\"198.51.100.0/24\"]}"), change.out());

        CliRunner.Result bad = cli.run("dump", "--reason", "SOLD_OUT");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--reason: unknown reason 'SOLD_OUT' (one of BLOCKED_USER, "), bad.err());
    }

    @Test
    void statsCountsRefusalsByReasonPerCampaign() {
        CliRunner.Result r = cli.run("stats");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertLine(out, "Risk refusals by reason \\(stats --risk for who\\)");
        assertLine(out, "  launch +" + n(refusals) + " .*");
        assertTrue(out.contains("DEVICE_SHARED"), out);
        CliRunner.Result json = cli.run("stats", "--json");
        assertTrue(json.out().contains("\"riskRefusals\":{\"byReason\":{"), json.out());
        assertTrue(json.out().contains("\"DEVICE_SHARED\":" + bot.get("DEVICE_SHARED")), json.out());
    }

    @Test
    void statsRiskNamesTheAttackersDeviceAndPrefixAndNoHonestUser() {
        CliRunner.Result r = cli.run("stats", "--risk", "--campaign", "launch", "--top", "3");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        long claims = RiskWorkload.BOT_USERS * 2L + RiskWorkload.HONEST;
        assertTrue(out.startsWith(n(refusals) + " of " + n(claims) + " claims of campaign launch refused by risk rules ("),
            out);
        assertLine(out, "  DEVICE_SHARED +" + n(bot.get("DEVICE_SHARED")) + " +[0-9.]+%");
        assertLine(out, "Top 1 refused devices, of 1");
        assertLine(out, "  bot-device-1 +" + n(refusals) + " +" + n(RiskWorkload.BOT_USERS * 2L) + " +"
            + bot.getOrDefault("GRANTED", 0) + " .*");
        assertLine(out, "Top 1 refused IP prefixes \\(IPv4 /24, IPv6 /64\\), of 1");
        assertLine(out, "  203\\.0\\.113\\.0/24 +" + n(refusals) + " .*");
        assertLine(out, "Top 3 refused users, of [0-9,]+");
        assertTrue(!out.contains("human-"), "no honest user was refused:\n" + out);

        CliRunner.Result json = cli.run("stats", "--risk", "--json", "--top", "1");
        assertTrue(json.out().contains("\"topDevices\":[{\"device\":\"bot-device-1\",\"refused\":" + refusals), json.out());
        assertTrue(json.out().contains("\"topIpPrefixes\":[{\"prefix\":\"203.0.113.0/24\""), json.out());

        CliRunner.Result none = cli.run("stats", "--risk", "--campaign", "nope");
        assertEquals("No risk refusals among 0 claims of campaign nope.\n", none.out());
    }

    @Test
    void replayShowsTheRulesAndRefusals() {
        CliRunner.Result r = cli.run("replay", "--until", Long.toString(attack.driver().events.size()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  risk rules: perUser=2/60s perDevice=5/600s perIp=20/600s perIpPrefix=40/600s "
            + "maxAccountsPerDevice=3 minTokenAgeSeconds=0 requireDevice=false; refused "), r.out());
        assertTrue(r.out().contains("DEVICE_SHARED " + n(bot.get("DEVICE_SHARED"))), r.out());
    }
}
