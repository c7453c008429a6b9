package dev.surge.journal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code journal reconcile}: a supplier's statement against the journal; exit 1 when they disagree. */
@Command(name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
        "Compares a supplier's statement (对账单) with the journal; exit 1 on any disagreement.",
        "",
        "The statement is CSV, one row per delivery: deliveryId,account,status,time",
        "(a header row naming the columns is optional; statuses DELIVERED/SUCCESS,",
        "FAILED, PENDING; times ISO-8601 or epoch ms). For every delivery the question",
        "is whether this supplier recharged it. Listed: deliveries only in the journal",
        "(delivered by the supplier, missing from the statement), only in the",
        "statement (never sent to it, or never granted), status mismatches, another",
        "account than granted, duplicate rows, and accounts recharged more often than",
        "they were granted recharges this supplier could deliver.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/journal reconcile --supplier primary --statement primary-2025-06-18.csv",
        "  scripts/journal reconcile --supplier primary --statement s.csv \\",
        "      --from 2025-06-18T00:00:00+08:00 --to 2025-06-19T00:00:00+08:00 --json",
    })
final class ReconcileCommand extends JournalCommand {
    @Option(names = "--supplier", required = true, paramLabel = "ID", description = "The supplier the statement is from.")
    String supplier;

    @Option(names = "--statement", required = true, paramLabel = "FILE.csv", description = "The supplier's statement.")
    Path statement;

    @Option(names = "--from", paramLabel = "TIME",
        description = "Compare only deliveries at or after TIME (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Compare only deliveries before TIME.")
    String to;

    @Option(names = "--json", description = "One JSON object: counts and findings.")
    boolean json;

    @Override
    public Integer call() {
        long fromMs = from == null ? Long.MIN_VALUE : TimeArgs.parseTime("--from", from);
        long toMs = to == null ? Long.MAX_VALUE : TimeArgs.parseTime("--to", to);
        if (fromMs >= toMs) {
            throw new CliException("--to: must be after --from");
        }
        List<SupplierStatement.Row> rows = SupplierStatement.read(statement);
        DeliveryLedger ledger;
        try (JournalPass pass = readJournal(codeKey(), "reconcile", false)) {
            ledger = DeliveryLedger.read(pass.events(), pass.progress());
        }
        Reconciliation r = new Reconciliation(ledger, supplier, rows, fromMs, toMs);
        if (json) {
            printJson(r);
        } else {
            printText(r);
        }
        out().flush();
        return r.findings().isEmpty() ? JournalCli.EXIT_OK : JournalCli.EXIT_FINDINGS;
    }

    private void printText(Reconciliation r) {
        PrintWriter out = out();
        out.println("reconcile " + supplier + " against " + statement);
        out.println("  journal    " + Table.number(r.sentToSupplier()) + " deliveries sent to " + supplier + ", "
            + Table.number(r.deliveredBySupplier()) + " delivered by it");
        out.println("  statement  " + Table.number(r.rowsCompared()) + " rows compared");
        out.println();
        if (!r.findings().isEmpty()) {
            Table t = new Table("FINDING", "DELIVERY ID", "ACCOUNT", "JOURNAL", "STATEMENT", "LINE");
            for (Reconciliation.Finding f : r.findings()) {
                t.row(f.kind(), f.deliveryId(), f.account(), f.journal(), f.statement(),
                    f.line() == 0 ? "" : Integer.toString(f.line()));
            }
            t.print(out, "  ");
            out.println();
            out.println("DISAGREE: " + Table.number(r.findings().size()) + " finding"
                + (r.findings().size() == 1 ? "" : "s"));
        } else {
            out.println("OK: the statement and the journal agree");
        }
    }

    private void printJson(Reconciliation r) {
        StringBuilder sb = new StringBuilder(1024);
        JsonWriter j = new JsonWriter(sb);
        j.beginObject().field("ok", r.findings().isEmpty()).field("supplier", supplier)
            .field("sentToSupplier", r.sentToSupplier()).field("deliveredBySupplier", r.deliveredBySupplier())
            .field("rowsCompared", r.rowsCompared());
        j.name("findings").beginArray();
        for (Reconciliation.Finding f : r.findings()) {
            j.beginObject().field("kind", f.kind()).field("deliveryId", f.deliveryId()).field("account", f.account())
                .field("journal", f.journal()).field("statement", f.statement()).field("line", f.line()).endObject();
        }
        j.endArray().endObject();
        out().println(sb);
    }
}
