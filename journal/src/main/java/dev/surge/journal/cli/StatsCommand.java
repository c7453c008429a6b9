package dev.surge.journal.cli;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.RiskReason;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code journal stats}: counts by campaign, SKU and result; claims per second over time; with
 * {@code --risk}, who was refused by the risk rules.
 */
@Command(name = "stats",
    mixinStandardHelpOptions = true,
    description = {
        "Counts by campaign, SKU and result; claims per second over time.",
        "",
        "Events by type; claims by result, per campaign and per SKU (ITEMS counts",
        "bundle parts against their own SKUs, CODES the codes loaded); risk refusals",
        "by reason; redemptions and delivery outcomes; claims per second: the peak",
        "second, and a table per --interval seconds with the average and peak rate.",
        "",
        "With --risk instead: claims refused by risk rules (RISK_REJECTED) by reason,",
        "and the --top users, devices and client IP prefixes (IPv4 /24, IPv6 /64)",
        "with the most refusals, each with its claims, grants, reasons and the first",
        "and last refusal. Narrow it with --campaign, --from and --to.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/journal stats",
        "  scripts/journal stats --campaign vip --from 2025-06-18T20:00Z --interval 5",
        "  scripts/journal stats --json | jq .claimsByResult",
        "  scripts/journal stats --risk --campaign vip --from 2025-06-18T20:00Z --to 2025-06-18T20:05Z --top 20",
    })
final class StatsCommand extends JournalCommand {
    @Option(names = "--from", paramLabel = "TIME", description = "Only events at or after TIME (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Only events at or before TIME (ISO-8601 or epoch ms).")
    String to;

    @Option(names = "--campaign", paramLabel = "ID", description = "Only this campaign's events.")
    String campaign;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60",
        description = "Width of a row of the claims-over-time table (default: ${DEFAULT-VALUE}).")
    int interval;

    @Option(names = "--json", description = "One JSON object instead of tables.")
    boolean json;

    @Option(names = "--risk", description = "Who the risk rules refused: reasons, top users, devices, IP prefixes.")
    boolean risk;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
        description = "With --risk: how many users, devices and prefixes to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
        if (interval < 1) {
            throw new CliException("--interval: must be at least 1 second");
        }
        if (top < 1) {
            throw new CliException("--top: must be at least 1");
        }
        EventFilter filter = new EventFilter();
        filter.times(from, to);
        filter.campaign = campaign;
        StatsCollector stats = new StatsCollector();
        RiskStats riskStats = new RiskStats();
        boolean complete;
        try (JournalPass pass = readJournal(codeKey(), "stats", false)) {
            pass.countEventsAfter(0);
            EventSource source = pass.events();
            Progress progress = pass.progress();
            long[] read = new long[1];
            boolean[] bad = new boolean[1];
            source.scan(1, -1, new EventSource.Visitor() {
                @Override
                public boolean onEvent(long index, EventView e) {
                    progress.update(++read[0]);
                    if (filter.beyond(e)) {
                        return false;
                    }
                    if (filter.matches(e)) {
                        if (risk) {
                            riskStats.onEvent(e);
                        } else {
                            stats.onEvent(e);
                        }
                    }
                    return true;
                }

                @Override
                public boolean onSealedCodes(long index, long sequence, long timestamp, String c, String sku, int count) {
                    progress.update(++read[0]);
                    if (filter.matchesSealed(sequence, timestamp, c)) {
                        stats.onSealedCodes(sequence, timestamp, c, sku, count);
                    }
                    return timestamp <= filter.toTime;
                }

                @Override
                public void onBadRecord(long index, long sequence, String problem) {
                    bad[0] = true;
                    err().println("stats: stopped at a bad record (index " + index + "): " + problem
                        + "; counts cover the events before it (run 'journal verify')");
                }
            });
            complete = !bad[0];
        }
        if (risk && json) {
            printRiskJson(riskStats);
        } else if (risk) {
            printRiskText(riskStats);
        } else if (json) {
            printJson(stats);
        } else {
            printText(stats);
        }
        out().flush();
        return complete ? JournalCli.EXIT_OK : JournalCli.EXIT_ERROR;
    }

    private void printText(StatsCollector s) {
        PrintWriter out = out();
        if (s.events == 0) {
            out.println("No events" + (campaign != null || from != null || to != null ? " match." : " in the journal."));
            return;
        }
        out.printf(Locale.ROOT, "%s events, seq %d..%d, %s .. %s%n", Table.number(s.events), s.firstSequence,
            s.lastSequence, TimeArgs.format(s.firstTime), TimeArgs.format(s.lastTime));

        out.println();
        out.println("Events by type");
        Table types = new Table("TYPE", "EVENTS");
        s.byType.forEach((t, n) -> types.row(t.name(), n));
        types.print(out, "  ");

        if (s.claims > 0) {
            out.println();
            out.println("Claims by result");
            Table results = new Table("RESULT", "CLAIMS", "SHARE");
            s.claimsByResult.forEach((r, n) -> results.row(r.name(), n,
                String.format(Locale.ROOT, "%.1f%%", 100.0 * n / s.claims)));
            results.print(out, "  ");
        }

        List<ResultCode> columns = new ArrayList<>(s.claimsByResult.keySet());
        if (!s.byCampaign.isEmpty()) {
            out.println();
            out.println("By campaign");
            Table t = new Table(headers("CAMPAIGN", columns, false));
            s.byCampaign.forEach((id, c) -> t.row(cells(id, c, columns, false)));
            t.print(out, "  ");
        }
        if (!s.bySku.isEmpty()) {
            out.println();
            out.println("By SKU (ITEMS: units granted, bundle parts included; CODES: codes loaded)");
            Table t = new Table(headers("CAMPAIGN/SKU", columns, true));
            s.bySku.forEach((id, c) -> t.row(cells(id, c, columns, true)));
            t.print(out, "  ");
        }
        if (!s.riskByReason.isEmpty()) {
            out.println();
            out.println("Risk refusals by reason (stats --risk for who)");
            List<Integer> reasons = new ArrayList<>(s.riskByReason.keySet());
            List<String> h = new ArrayList<>(List.of("CAMPAIGN", "RISK_REJECTED"));
            reasons.forEach(r -> h.add(RiskReason.nameOf(r)));
            Table t = new Table(h.toArray(new String[0]));
            s.riskByCampaign.forEach((id, byReason) -> {
                List<Object> cells = new ArrayList<>(List.of(id, sum(byReason)));
                reasons.forEach(r -> cells.add(byReason.getOrDefault(r, 0L)));
                t.row(cells.toArray());
            });
            t.print(out, "  ");
        }
        if (!s.redemptionsByResult.isEmpty() || !s.deliveriesByStatus.isEmpty() || !s.transfersByResult.isEmpty()) {
            out.println();
            out.println("Redemptions, deliveries and gifts");
            Table t = new Table("EVENT", "OUTCOME", "COUNT");
            s.redemptionsByResult.forEach((r, n) -> t.row("REDEMPTION", r == null ? "UNKNOWN" : r.name(), n));
            s.deliveriesByStatus.forEach((d, n) -> t.row("DELIVERY_RECORDED", d.name(), n));
            s.transfersByResult.forEach((r, n) -> t.row("GRANT_TRANSFERRED", r == null ? "UNKNOWN" : r.name(), n));
            t.print(out, "  ");
        }

        long[] peak = s.peakSecond();
        if (peak != null) {
            out.println();
            out.printf(Locale.ROOT, "Claims per second: peak %s/s at %s; %s seconds saw claims, %,.1f/s on average over them%n",
                Table.number(peak[1]), TimeArgs.format(peak[0] * 1000), Table.number(s.perSecond.size()),
                (double) s.claims / s.perSecond.size());
            Table t = new Table("FROM", "CLAIMS", "GRANTED", "AVG/S", "PEAK/S");
            for (StatsCollector.Interval i : s.intervals(interval).values()) {
                t.row(TimeArgs.format(i.startSecond() * 1000), i.claims(), i.granted(),
                    String.format(Locale.ROOT, "%,.1f", i.averagePerSecond()), i.peakPerSecond());
            }
            out.println("  per " + (interval % 60 == 0 ? interval / 60 + " min" : interval + " s")
                + " (intervals without claims left out)");
            t.print(out, "  ");
        }
    }

    private static String[] headers(String first, List<ResultCode> results, boolean sku) {
        List<String> h = new ArrayList<>();
        h.add(first);
        h.add("CLAIMS");
        for (ResultCode r : results) {
            h.add(r.name());
        }
        if (sku) {
            h.add("ITEMS");
            h.add("CODES");
        }
        return h.toArray(new String[0]);
    }

    private static Object[] cells(String id, StatsCollector.Counts c, List<ResultCode> results, boolean sku) {
        List<Object> cells = new ArrayList<>();
        cells.add(id);
        cells.add(c.claims);
        for (ResultCode r : results) {
            cells.add(c.byResult.getOrDefault(r, 0L));
        }
        if (sku) {
            cells.add(c.itemsGranted);
            cells.add(c.codesLoaded);
        }
        return cells.toArray();
    }

    private void printJson(StatsCollector s) {
        StringBuilder sb = new StringBuilder(4096);
        JsonWriter j = new JsonWriter(sb);
        j.beginObject().field("events", s.events).field("firstSequence", s.firstSequence)
            .field("lastSequence", s.lastSequence);
        if (s.events > 0) {
            j.field("firstTime", TimeArgs.format(s.firstTime)).field("lastTime", TimeArgs.format(s.lastTime));
        }
        j.name("eventsByType").beginObject();
        s.byType.forEach((t, n) -> j.field(t.name(), n));
        j.endObject();
        j.field("claims", s.claims);
        j.name("claimsByResult").beginObject();
        s.claimsByResult.forEach((r, n) -> j.field(r.name(), n));
        j.endObject();
        j.name("campaigns").beginArray();
        s.byCampaign.forEach((id, c) -> counts(j.beginObject().field("campaign", id), c, false).endObject());
        j.endArray();
        j.name("skus").beginArray();
        s.bySku.forEach((id, c) -> {
            int slash = id.indexOf('/');
            counts(j.beginObject().field("campaign", id.substring(0, slash)).field("sku", id.substring(slash + 1)), c, true)
                .endObject();
        });
        j.endArray();
        j.name("riskRefusals").beginObject();
        reasons(j.name("byReason"), s.riskByReason);
        j.name("byCampaign").beginObject();
        s.riskByCampaign.forEach((id, byReason) -> reasons(j.name(id), byReason));
        j.endObject().endObject();
        j.name("redemptionsByResult").beginObject();
        s.redemptionsByResult.forEach((r, n) -> j.field(r == null ? "UNKNOWN" : r.name(), n));
        j.endObject();
        j.name("transfersByResult").beginObject();
        s.transfersByResult.forEach((r, n) -> j.field(r == null ? "UNKNOWN" : r.name(), n));
        j.endObject();
        j.name("deliveriesByStatus").beginObject();
        for (DeliveryStatus d : EnumSet.allOf(DeliveryStatus.class)) {
            if (s.deliveriesByStatus.containsKey(d)) {
                j.field(d.name(), s.deliveriesByStatus.get(d));
            }
        }
        j.endObject();
        long[] peak = s.peakSecond();
        if (peak != null) {
            j.name("peakSecond").beginObject().field("time", TimeArgs.format(peak[0] * 1000)).field("claims", peak[1])
                .endObject();
        }
        j.field("intervalSeconds", interval);
        j.name("claimsOverTime").beginArray();
        for (StatsCollector.Interval i : s.intervals(interval).values()) {
            j.beginObject().field("from", TimeArgs.format(i.startSecond() * 1000)).field("claims", i.claims())
                .field("granted", i.granted()).field("averagePerSecond", i.averagePerSecond())
                .field("peakPerSecond", i.peakPerSecond()).endObject();
        }
        j.endArray().endObject();
        out().println(sb);
    }

    private static long sum(Map<Integer, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void reasons(JsonWriter j, Map<Integer, Long> byReason) {
        j.beginObject();
        byReason.forEach((r, n) -> j.field(RiskReason.nameOf(r), n));
        j.endObject();
    }

    // ---- --risk ------------------------------------------------------------------------------

    private void printRiskText(RiskStats s) {
        PrintWriter out = out();
        String scope = campaign == null ? "" : " of campaign " + campaign;
        if (s.refusals == 0) {
            out.println("No risk refusals among " + Table.number(s.claims) + " claims" + scope + ".");
            return;
        }
        out.printf(Locale.ROOT, "%s of %s claims%s refused by risk rules (%.1f%%), %s .. %s%n",
            Table.number(s.refusals), Table.number(s.claims), scope, 100.0 * s.refusals / s.claims,
            TimeArgs.format(s.firstRefusal), TimeArgs.format(s.lastRefusal));
        out.println();
        out.println("By reason");
        Table reasons = new Table("REASON", "REFUSALS", "SHARE");
        s.byReason.forEach((r, n) -> reasons.row(RiskReason.nameOf(r), n,
            String.format(Locale.ROOT, "%.1f%%", 100.0 * n / s.refusals)));
        reasons.print(out, "  ");
        subjects(out, "users", "USER", s.users);
        subjects(out, "devices", "DEVICE", s.devices);
        subjects(out, "IP prefixes (IPv4 /24, IPv6 /64)", "PREFIX", s.prefixes);
    }

    private void subjects(PrintWriter out, String what, String header, Map<String, RiskStats.Subject> subjects) {
        long refused = RiskStats.refusedCount(subjects);
        if (refused == 0) {
            return;
        }
        out.println();
        out.println("Top " + Math.min(top, refused) + " refused " + what + ", of " + Table.number(refused));
        Table t = new Table(header, "REFUSED", "CLAIMS", "GRANTED", "FIRST", "LAST", "REASONS");
        for (RiskStats.Subject x : RiskStats.top(subjects, top)) {
            t.row(x.id, x.refused, x.claims, x.granted, TimeArgs.format(x.first), TimeArgs.format(x.last),
                x.reasonsText());
        }
        t.print(out, "  ");
    }

    private void printRiskJson(RiskStats s) {
        StringBuilder sb = new StringBuilder(4096);
        JsonWriter j = new JsonWriter(sb);
        j.beginObject();
        if (campaign != null) {
            j.field("campaign", campaign);
        }
        j.field("claims", s.claims).field("refusals", s.refusals);
        if (s.refusals > 0) {
            j.field("firstRefusal", TimeArgs.format(s.firstRefusal)).field("lastRefusal", TimeArgs.format(s.lastRefusal));
        }
        reasons(j.name("byReason"), s.byReason);
        subjectsJson(j, "topUsers", "user", s.users);
        subjectsJson(j, "topDevices", "device", s.devices);
        subjectsJson(j, "topIpPrefixes", "prefix", s.prefixes);
        j.endObject();
        out().println(sb);
    }

    private void subjectsJson(JsonWriter j, String name, String key, Map<String, RiskStats.Subject> subjects) {
        j.name(name).beginArray();
        for (RiskStats.Subject x : RiskStats.top(subjects, top)) {
            j.beginObject().field(key, x.id).field("refused", x.refused).field("claims", x.claims)
                .field("granted", x.granted).field("first", TimeArgs.format(x.first))
                .field("last", TimeArgs.format(x.last));
            reasons(j.name("byReason"), x.reasons);
            j.endObject();
        }
        j.endArray();
    }

    private static JsonWriter counts(JsonWriter j, StatsCollector.Counts c, boolean sku) {
        j.field("claims", c.claims);
        j.name("byResult").beginObject();
        c.byResult.forEach((r, n) -> j.field(r.name(), n));
        j.endObject();
        if (sku) {
            j.field("itemsGranted", c.itemsGranted).field("codesLoaded", c.codesLoaded);
        }
        return j;
    }
}
