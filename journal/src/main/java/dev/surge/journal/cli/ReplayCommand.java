package dev.surge.journal.cli;

import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.GrantSummary;
import dev.surge.engine.state.StateMachine;
import dev.surge.engine.wire.WireWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agrona.ExpandableArrayBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code journal replay --until}: the engine's state as it was at a moment, rebuilt by the
 * engine's own state machine from the newest snapshot at or before that moment (or from the
 * start) plus the events up to it.
 */
@Command(name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Rebuilds the state as it was at a moment: counters, a user's grants.",
        "",
        "Prints every campaign's counters (status, granted, redeemed, rejections by",
        "result, deliveries; per SKU granted, stock left, codes loaded) and, with",
        "--user, that user's grants. The engine's state machine starts from the",
        "newest snapshot taken at or before the moment (or from the first event)",
        "and applies the events up to and including the moment.",
        "",
        "MOMENT is an event sequence (a bare number: the seq that dump and verify",
        "print), or a time: ISO-8601 (2025-06-18T20:05:00Z, or with an offset such",
        "as +08:00) or @epoch-millis.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/journal replay --until 2025-06-18T20:05:00Z",
        "  scripts/journal replay --until 184467 --user u-1001",
        "  scripts/journal replay --until @1750277100000 --campaign spring-vip --json",
        "  scripts/journal replay --until 1844 --user u-1 --reveal-codes",
    })
final class ReplayCommand extends JournalCommand {
    @Option(names = "--until", required = true, paramLabel = "MOMENT",
        description = "Last event to apply: an event sequence, or a time (ISO-8601 or @epoch-ms).")
    String until;

    @Option(names = "--user", paramLabel = "USER", description = "Also print this user's grants, newest first.")
    String user;

    @Option(names = "--campaign", paramLabel = "ID", description = "Print only this campaign.")
    String campaign;

    @Option(names = "--grants", paramLabel = "N", defaultValue = "100",
        description = "At most N grants of --user (default: ${DEFAULT-VALUE}).")
    int grantLimit;

    @Option(names = "--reveal-codes", description = "Print the user's card codes in full (needs SURGE_CODE_KEY).")
    boolean revealCodes;

    @Option(names = "--no-snapshot", description = "Replay from the first event even when a snapshot would be quicker.")
    boolean noSnapshot;

    @Option(names = "--json", description = "One JSON object instead of tables.")
    boolean json;

    /** How the state was rebuilt, for the header. */
    private record Origin(long snapshotSequence, long eventsApplied, boolean codesReal) {
    }

    @Override
    public Integer call() {
        TimeArgs.Moment moment = TimeArgs.parseMoment("--until", until);
        if (grantLimit < 1) {
            throw new CliException("--grants: must be at least 1");
        }
        String key = revealCodes ? requireCodeKey("--reveal-codes") : codeKey();
        StateMachine machine;
        Origin origin;
        try (JournalPass pass = readJournal(key, "replay", false)) {
            JournalAccess.Loaded loaded = noSnapshot ? null
                : pass.journal().loadNewestAtOrBefore(moment, warning -> err().println("replay: " + warning));
            machine = loaded == null ? pass.journal().newMachine() : loaded.machine();
            pass.countEventsAfter(machine.lastSequence());
            origin = replay(machine, pass.events(), moment, pass.progress(),
                loaded == null ? 0 : machine.lastSequence(), loaded == null ? -1 : loaded.snapshot().journalIndex());
        }
        if (machine.lastSequence() == 0) {
            throw new CliException("no event at or before " + moment.describe() + " (the journal starts later)");
        }
        if (moment.isSequence() && machine.lastSequence() < moment.value()) {
            err().println("replay: the journal ends at sequence " + machine.lastSequence() + ", before " + moment.value()
                + "; showing the state at its end");
        }
        List<CampaignCounters> campaigns = new ArrayList<>();
        for (CampaignCounters c : machine.campaigns()) {
            if (campaign == null || campaign.equals(c.id())) {
                campaigns.add(c);
            }
        }
        if (campaign != null && campaigns.isEmpty()) {
            err().println("replay: campaign " + campaign + " did not exist at " + moment.describe());
        }
        List<GrantSummary> grants = user == null ? List.of() : machine.grantsOf(user, grantLimit);
        if (json) {
            printJson(machine, origin, campaigns, grants);
        } else {
            printText(machine, origin, campaigns, grants);
        }
        out().flush();
        return JournalCli.EXIT_OK;
    }

    private Origin replay(StateMachine machine, EventSource source, TimeArgs.Moment moment, Progress progress,
                          long snapshotSequence, long snapshotIndex) {
        long start = machine.lastSequence() + 1;
        long[] applied = new long[1];
        boolean[] codesReal = {true};
        ExpandableArrayBuffer sealed = new ExpandableArrayBuffer(256);
        source.scan(start, snapshotIndex, new EventSource.Visitor() {
            @Override
            public boolean onEvent(long index, EventView e) {
                if (e.sequence < start) {
                    return true; // covered by the snapshot
                }
                if (!moment.includes(e.sequence, e.timestamp)) {
                    return false;
                }
                if (!machine.apply(e.buffer(), e.offset(), e.length())) {
                    throw new CliException("event " + e.sequence + " (index " + index + ") does not apply after "
                        + machine.lastSequence() + "; the journal has a gap or a bad event (run 'journal verify')");
                }
                progress.update(++applied[0]);
                return true;
            }

            @Override
            public boolean onSealedCodes(long index, long sequence, long timestamp, String c, String sku, int count) {
                if (sequence < start) {
                    return true;
                }
                if (!moment.includes(sequence, timestamp)) {
                    return false;
                }
                if (count < 0) {
                    throw new CliException("event " + sequence + " loads codes into " + c + "/" + sku
                        + " and is encrypted: set SURGE_CODE_KEY to replay past it");
                }
                // the counters need only how many codes there were: stand-ins keep the pool's size
                int length = placeholderCodes(sealed, sequence, timestamp, c, sku, count);
                if (!machine.apply(sealed, 0, length)) {
                    throw new CliException("event " + sequence + " (index " + index + ") does not apply after "
                        + machine.lastSequence() + " (run 'journal verify')");
                }
                codesReal[0] = false;
                progress.update(++applied[0]);
                return true;
            }

            @Override
            public void onBadRecord(long index, long sequence, String problem) {
                throw new CliException("bad record at index " + index + " before the moment asked for: " + problem
                    + " (run 'journal verify')");
            }
        });
        return new Origin(snapshotSequence, applied[0], codesReal[0]);
    }

    /** A CODES_LOADED event with {@code count} unique stand-in codes, in the documented layout. */
    static int placeholderCodes(ExpandableArrayBuffer buffer, long sequence, long timestamp, String campaign,
                                String sku, int count) {
        WireWriter w = new WireWriter().wrap(buffer, 0);
        w.putByte(EventType.CODES_LOADED.code()).putLong(sequence).putLong(timestamp).putString(campaign)
            .putString(sku).putInt(0).putInt(count);
        for (int i = 0; i < count; i++) {
            w.putString("\u0000sealed:" + sequence + ":" + i);
        }
        return w.position();
    }

    private String code(GrantSummary.Item item, boolean codesReal) {
        if (item.codeIndex() < 0 || item.code() == null || !codesReal || codeKey() == null) {
            return null;
        }
        return revealCodes ? item.code() : CodeMask.mask(item.code());
    }

    private void printText(StateMachine m, Origin origin, List<CampaignCounters> campaigns, List<GrantSummary> grants) {
        PrintWriter out = out();
        out.println("State at seq " + m.lastSequence() + " (" + TimeArgs.format(m.lastTimestamp()) + "), "
            + (origin.snapshotSequence() > 0 ? "from the snapshot at seq " + origin.snapshotSequence() + " + "
            : "from the start, ") + Table.number(origin.eventsApplied()) + " events applied"
            + (origin.codesReal() ? "; digest " + Long.toHexString(m.digest()) : "; codes encrypted (counts only)"));
        for (CampaignCounters c : campaigns) {
            out.println();
            out.println("Campaign " + c.id() + (c.name().isEmpty() ? "" : " \"" + c.name() + "\"") + "  " + c.status()
                + "  " + TimeArgs.formatBound(c.startsAt()) + " .. " + TimeArgs.formatBound(c.endsAt()));
            out.println("  granted " + Table.number(c.granted()) + ", redeemed " + Table.number(c.redeemed())
                + ", rejected " + rejected(c.rejected()));
            out.println("  deliveries: " + Table.number(c.deliveriesPending()) + " pending, "
                + Table.number(c.deliveriesDelivered()) + " delivered, " + Table.number(c.deliveriesFailed()) + " failed");
            if (c.risk() != null || !c.riskRejected().isEmpty()) {
                List<String> reasons = new ArrayList<>();
                c.riskRejected().forEach((r, n) -> reasons.add(r.name() + " " + Table.number(n)));
                out.println("  risk rules: " + (c.risk() == null ? "none" : c.risk()) + "; refused "
                    + (reasons.isEmpty() ? "none" : String.join(", ", reasons)));
            }
            Table t = new Table("SKU", "KIND", "GRANTED", "STOCK LEFT", "CODES LOADED");
            for (CampaignCounters.SkuCounters k : c.skus()) {
                t.row(k.id(), k.kind(), k.granted(), k.stockLeft(), k.codesLoaded());
            }
            t.print(out, "  ");
        }
        if (user != null) {
            out.println();
            if (grants.isEmpty()) {
                out.println("User " + user + " had no grants.");
                return;
            }
            out.println("Grants of user " + user + ", newest first" + (grants.size() == grantLimit ? " (first "
                + grantLimit + ", --grants for more)" : ""));
            Table t = new Table("GRANT", "CREATED", "CAMPAIGN/SKU", "ITEMS", "REDEEMED");
            for (GrantSummary g : grants) {
                List<String> items = new ArrayList<>();
                for (GrantSummary.Item item : g.items()) {
                    String code = code(item, origin.codesReal());
                    items.add(item.sku() + (item.codeIndex() >= 0 ? " #" + item.codeIndex() : "")
                        + (code == null ? "" : " " + code) + " " + item.status()
                        + (item.supplier() == null ? "" : " via " + item.supplier()));
                }
                t.row(g.grantId(), TimeArgs.format(g.createdAt()), g.campaign() + "/" + g.sku(), String.join("; ", items),
                    g.redeemedAt() == 0 ? "-" : TimeArgs.format(g.redeemedAt()));
            }
            t.print(out, "  ");
            if (codeKey() == null) {
                out.println("  (codes not shown: SURGE_CODE_KEY is not set)");
            }
        }
    }

    private static String rejected(Map<ResultCode, Long> rejected) {
        if (rejected.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        rejected.forEach((r, n) -> parts.add(r.name() + " " + Table.number(n)));
        return String.join(", ", parts);
    }

    private void printJson(StateMachine m, Origin origin, List<CampaignCounters> campaigns, List<GrantSummary> grants) {
        StringBuilder sb = new StringBuilder(4096);
        JsonWriter j = new JsonWriter(sb);
        j.beginObject().field("sequence", m.lastSequence()).field("time", TimeArgs.format(m.lastTimestamp()))
            .field("ts", m.lastTimestamp());
        j.name("snapshotSequence");
        if (origin.snapshotSequence() > 0) {
            j.value(origin.snapshotSequence());
        } else {
            j.nullValue();
        }
        j.field("eventsApplied", origin.eventsApplied()).field("codesDecrypted", origin.codesReal());
        if (origin.codesReal()) {
            j.field("digest", Long.toHexString(m.digest()));
        }
        j.name("campaigns").beginArray();
        for (CampaignCounters c : campaigns) {
            j.beginObject().field("id", c.id()).field("name", c.name()).field("status", String.valueOf(c.status()))
                .field("startsAt", TimeArgs.formatBound(c.startsAt())).field("endsAt", TimeArgs.formatBound(c.endsAt()))
                .field("granted", c.granted()).field("redeemed", c.redeemed());
            j.name("rejected").beginObject();
            c.rejected().forEach((r, n) -> j.field(r.name(), n));
            j.endObject();
            j.name("deliveries").beginObject().field("pending", c.deliveriesPending())
                .field("delivered", c.deliveriesDelivered()).field("failed", c.deliveriesFailed()).endObject();
            j.name("skus").beginArray();
            for (CampaignCounters.SkuCounters k : c.skus()) {
                j.beginObject().field("id", k.id()).field("kind", String.valueOf(k.kind())).field("granted", k.granted())
                    .field("stockLeft", k.stockLeft()).field("codesLoaded", k.codesLoaded()).endObject();
            }
            j.endArray();
            j.name("riskRejected").beginObject();
            c.riskRejected().forEach((r, n) -> j.field(r.name(), n));
            j.endObject().endObject();
        }
        j.endArray();
        if (user != null) {
            j.name("user").beginObject().field("id", user).name("grants").beginArray();
            for (GrantSummary g : grants) {
                j.beginObject().field("grantId", g.grantId()).field("campaign", g.campaign()).field("sku", g.sku())
                    .field("createdAt", TimeArgs.format(g.createdAt()));
                j.name("redeemedAt");
                if (g.redeemedAt() == 0) {
                    j.nullValue();
                } else {
                    j.value(TimeArgs.format(g.redeemedAt()));
                }
                j.name("items").beginArray();
                for (GrantSummary.Item item : g.items()) {
                    j.beginObject().field("sku", item.sku());
                    if (item.codeIndex() >= 0) {
                        j.field("codeIndex", item.codeIndex());
                        String code = code(item, origin.codesReal());
                        if (code != null) {
                            j.field("code", code);
                        }
                    }
                    j.field("status", String.valueOf(item.status()));
                    if (item.supplier() != null) {
                        j.field("supplier", item.supplier());
                    }
                    j.endObject();
                }
                j.endArray().endObject();
            }
            j.endArray().endObject();
        }
        j.endObject();
        out().println(sb);
    }
}
