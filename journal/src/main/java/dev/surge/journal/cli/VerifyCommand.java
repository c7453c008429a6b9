package dev.surge.journal.cli;

import dev.surge.engine.event.EventView;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code journal verify}: records and sequence, then the invariants recomputed from the events. */
@Command(name = "verify",
    mixinStandardHelpOptions = true,
    description = {
        "Checks records, sequence and every invariant; exit 1 on a violation.",
        "",
        "  records  each record's version and checksum, the event layout,",
        "           consecutive sequences, time never running backwards;",
        "  stock    no CODE SKU issues more codes than loaded minus withdrawn, no",
        "           DIRECT_RECHARGE SKU more than its stock with adjustments;",
        "           bundle items count against their own SKUs;",
        "  limits   no user over the campaign's or the SKU's per-user limit, no",
        "           device or IP over its limit, as configured at the grant;",
        "  codes    every code index issued was loaded and is issued once; with",
        "           SURGE_CODE_KEY, no code text is issued twice across SKUs;",
        "  grants   unique ids, known campaign and SKU, campaign active and inside",
        "           its window, items exactly as the SKU or bundle is configured;",
        "  delivery deliveries and redemptions refer to real grants and recharge",
        "           items; delivered stays delivered; no redemption twice or",
        "           before delivery. Items still PENDING or FAILED at the end are",
        "           listed as information, not failures.",
        "The invariants are recomputed by an independent model, not by the",
        "engine's state machine. Each finding names the event sequence (seq) and",
        "the Chronicle index where it happened.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/journal verify           # exit 0 clean, 1 violations, 2 unreadable",
        "  scripts/journal verify --max-findings 1000 --no-info",
        "  SURGE_CODE_KEY=... scripts/journal verify   # also compares code texts",
    })
final class VerifyCommand extends JournalCommand {
    @Option(names = "--max-findings", paramLabel = "N", defaultValue = "100",
        description = "Print at most N findings (all are counted; default: ${DEFAULT-VALUE}).")
    int maxFindings;

    @Option(names = "--info", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "List informational findings such as pending deliveries (default: on).")
    boolean info;

    @Option(names = "--json", description = "One JSON object: summary, counts by kind, findings.")
    boolean json;

    @Override
    public Integer call() {
        String key = codeKey();
        InvariantAuditor auditor;
        long[] read = new long[1];
        String[] bad = new String[1];
        try (JournalPass pass = readJournal(key, "verify", false)) {
            pass.countEventsAfter(0);
            EventSource source = pass.events();
            Progress progress = pass.progress();
            auditor = new InvariantAuditor(source.codesReadable());
            InvariantAuditor a = auditor;
            source.scan(1, -1, new EventSource.Visitor() {
                @Override
                public boolean onEvent(long index, EventView e) {
                    progress.update(++read[0]);
                    a.onEvent(index, e);
                    return true;
                }

                @Override
                public boolean onSealedCodes(long index, long sequence, long timestamp, String campaign, String sku,
                                             int count) {
                    progress.update(++read[0]);
                    a.onUnreadableCodes(index, sequence, timestamp, campaign, sku, count);
                    return true;
                }

                @Override
                public void onBadRecord(long index, long sequence, String problem) {
                    bad[0] = "index " + index + ": " + problem;
                    a.onBadRecord(index, sequence, problem + " (events after it were not checked)");
                }
            });
            auditor.finish();
        }
        if (json) {
            printJson(auditor, read[0], bad[0], key != null);
        } else {
            printText(auditor, read[0], bad[0], key != null);
        }
        out().flush();
        return auditor.violations() > 0 ? JournalCli.EXIT_FINDINGS : JournalCli.EXIT_OK;
    }

    private void printText(InvariantAuditor a, long read, String bad, boolean keyed) {
        PrintWriter out = out();
        Map<String, Long> s = a.summary();
        out.println("verify " + dataDir());
        out.println("  records   " + Table.number(read) + " read; " + (bad == null
            ? "versions and checksums OK" : "FIRST BAD RECORD at " + bad));
        out.println("  events    seq " + s.get("firstSequence") + ".." + s.get("lastSequence") + ", "
            + (a.violationsByKind().containsKey("sequence-gap") ? "with gaps" : "consecutive"));
        out.printf(Locale.ROOT, "  model     %s campaigns, %s SKUs, %s grants, %s claims rejected%n",
            Table.number(s.get("campaigns")), Table.number(s.get("skus")), Table.number(s.get("grants")),
            Table.number(s.get("claimsRejected")));
        out.printf(Locale.ROOT, "  codes     %s loaded, %s issued%s%n", Table.number(s.get("codesLoaded")),
            Table.number(s.get("codesIssued")), a.unreadableCodeLoads() == 0 ? ""
                : " (" + (keyed ? "" : "SURGE_CODE_KEY not set: ") + "code texts not compared)");
        out.printf(Locale.ROOT, "  delivery  %s recharge items, %s pending, %s failed; %s redemptions%n",
            Table.number(s.get("rechargeItems")), Table.number(s.get("deliveriesPending")),
            Table.number(s.get("deliveriesFailed")), Table.number(s.get("redemptions")));
        out.println();
        if (!a.violationsByKind().isEmpty() || (info && !a.infoByKind().isEmpty())) {
            Table kinds = new Table("FINDING", "SEVERITY", "COUNT");
            a.violationsByKind().forEach((k, n) -> kinds.row(k, "violation", n));
            if (info) {
                a.infoByKind().forEach((k, n) -> kinds.row(k, "info", n));
            }
            kinds.print(out, "  ");
            out.println();
            long printed = 0;
            long listable = a.violations() + (info ? a.infos() : 0);
            for (Finding f : a.findings()) {
                if (f.severity() == Finding.Severity.INFO && !info) {
                    continue;
                }
                if (printed == maxFindings) {
                    break;
                }
                out.println("  " + f.describe());
                printed++;
            }
            if (listable > printed) {
                out.println("  ... " + Table.number(listable - printed) + " more (--max-findings to see more)");
            }
            out.println();
        }
        if (a.violations() == 0) {
            out.println("OK: no violations" + (a.infos() > 0 ? " (" + Table.number(a.infos()) + " informational)" : ""));
        } else {
            out.println("FAILED: " + Table.number(a.violations()) + " violation" + (a.violations() == 1 ? "" : "s"));
        }
    }

    private void printJson(InvariantAuditor a, long read, String bad, boolean keyed) {
        StringBuilder sb = new StringBuilder(4096);
        JsonWriter j = new JsonWriter(sb);
        j.beginObject().field("ok", a.violations() == 0).field("records", read).field("codeKey", keyed);
        j.name("firstBadRecord");
        if (bad == null) {
            j.nullValue();
        } else {
            j.value(bad);
        }
        j.name("summary").beginObject();
        a.summary().forEach(j::field);
        j.endObject();
        j.field("violations", a.violations()).field("infos", a.infos());
        j.name("violationsByKind").beginObject();
        a.violationsByKind().forEach(j::field);
        j.endObject();
        j.name("infoByKind").beginObject();
        a.infoByKind().forEach(j::field);
        j.endObject();
        j.name("findings").beginArray();
        int printed = 0;
        for (Finding f : a.findings()) {
            if ((f.severity() == Finding.Severity.INFO && !info) || printed == maxFindings) {
                continue;
            }
            printed++;
            j.beginObject().field("severity", f.severity().name()).field("kind", f.kind()).field("seq", f.sequence())
                .field("index", f.index()).field("message", f.message()).endObject();
        }
        j.endArray().endObject();
        out().println(sb);
    }
}
