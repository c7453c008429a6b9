package dev.surge.journal.cli;

import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.state.StateMachine;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code journal dump}: events as JSON lines or CSV, filtered; codes masked unless revealed. */
@Command(name = "dump",
    mixinStandardHelpOptions = true,
    description = {
        "Prints journal events as JSON lines or CSV, filtered; codes masked.",
        "",
        "One event a line, oldest first. Each row has the Chronicle index (of the",
        "document holding the event: a ring batch's events share one), the event",
        "sequence (seq: the 'index' operators quote), the time (ts in epoch ms, time",
        "in ISO-8601 UTC), the type, and the event's fields. Filters combine (AND).",
        "Card codes are masked (VX8K-****-****) unless --reveal-codes. Code texts",
        "live encrypted in the journal: without SURGE_CODE_KEY, granted items show",
        "their code index only and code uploads show their count.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/journal dump --from 2025-06-18T20:00:00Z --to 2025-06-18T20:01:00Z",
        "  scripts/journal dump --campaign spring-vip --user u-1001",
        "  scripts/journal dump --result SOLD_OUT,LIMIT_REACHED --format csv > out.csv",
        "  scripts/journal dump --from-seq 1200 --to-seq 1300 --type CLAIM_GRANTED",
        "  SURGE_CODE_KEY=... scripts/journal dump --user u-1001 --reveal-codes",
        "  scripts/journal dump --type DELIVERY_RECORDED --result FAILED",
        "  scripts/journal dump --type REFUND_RECORDED --result REFUND_FAILED",
        "  scripts/journal dump --campaign spring-vip --reason VELOCITY_DEVICE,DEVICE_SHARED --from 2025-06-18T20:00Z",
    })
final class DumpCommand extends JournalCommand {
    enum Format {
        json, csv
    }

    @Option(names = "--format", paramLabel = "json|csv", defaultValue = "json",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--from", paramLabel = "TIME", description = "Only events at or after TIME (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Only events at or before TIME (ISO-8601 or epoch ms).")
    String to;

    @Option(names = "--from-seq", paramLabel = "SEQ", description = "Only events with sequence >= SEQ.")
    Long fromSeq;

    @Option(names = "--to-seq", paramLabel = "SEQ", description = "Only events with sequence <= SEQ.")
    Long toSeq;

    @Option(names = "--campaign", paramLabel = "ID", description = "Only events of this campaign.")
    String campaign;

    @Option(names = "--user", paramLabel = "USER",
        description = "Only this user's claims, and the redemptions and deliveries of their grants.")
    String user;

    @Option(names = "--result", paramLabel = "RESULT", split = ",",
        description = "Only these outcomes, comma-separated: claim results (GRANTED, SOLD_OUT, LIMIT_REACHED, ...), "
            + "redemption results (REDEEMED, ...), delivery statuses (PENDING, DELIVERED, FAILED), paid sales' "
            + "(RESERVED, PAID, REFUND_REQUIRED, AMOUNT_MISMATCH, CANCELLED, EXPIRED) or refund statuses "
            + "(REFUNDED, REFUND_FAILED).")
    List<String> results;

    @Option(names = "--reason", paramLabel = "REASON", split = ",",
        description = "Only claims refused by these risk rules, comma-separated: BLOCKED_USER, BLOCKED_DEVICE, "
            + "BLOCKED_IP, VELOCITY_USER, VELOCITY_DEVICE, VELOCITY_IP, VELOCITY_IP_PREFIX, DEVICE_SHARED, "
            + "TOKEN_TOO_NEW, DEVICE_REQUIRED.")
    List<String> reasons;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
        description = "Only these event types, comma-separated: ${COMPLETION-CANDIDATES}.")
    List<EventType> types;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N rows.")
    Long limit;

    @Option(names = "--reveal-codes", description = "Print card codes in full (needs SURGE_CODE_KEY).")
    boolean revealCodes;

    @Override
    public Integer call() {
        EventFilter filter = filter();
        if (limit != null && limit < 0) {
            throw new CliException("--limit: must be 0 or more");
        }
        if (limit != null && limit == 0) {
            return JournalCli.EXIT_OK;
        }
        String key = revealCodes ? requireCodeKey("--reveal-codes") : codeKey();
        PrintWriter out = out();
        try (JournalPass pass = readJournal(key, "dump", true)) {
            pass.countEventsAfter(0);
            EventSource source = pass.events();
            Progress progress = pass.progress();
            // code texts: CODES_LOADED replayed into a state machine as we go (with the key only)
            StateMachine machine = source.codesReadable() ? pass.journal().newMachine() : null;
            EventFormatter formatter = new EventFormatter(machine == null ? null : machine::code, revealCodes);
            StringBuilder line = new StringBuilder(512);
            JsonWriter json = new JsonWriter(line);
            if (format == Format.csv) {
                EventFormatter.csvHeader(line);
                out.append(line);
                line.setLength(0);
            }
            long[] counts = new long[2]; // events read, rows printed
            boolean[] stale = new boolean[1];
            // seeking ahead is safe only when nothing before the range is needed (codes, grant owners)
            boolean needsHistory = machine != null || campaign != null || user != null;
            long start = needsHistory ? 1 : Math.max(1, filter.fromSequence);
            source.scan(start, -1, new EventSource.Visitor() {
                @Override
                public boolean onEvent(long index, EventView e) {
                    progress.update(++counts[0]);
                    if (machine != null && !stale[0] && !machine.apply(e.buffer(), e.offset(), e.length())) {
                        stale[0] = true;
                        err().println("dump: event " + e.sequence + " does not follow " + machine.lastSequence()
                            + " in a replay from the start; codes after it are not shown (run verify)");
                    }
                    if (filter.beyond(e)) {
                        return false;
                    }
                    if (!filter.matches(e)) {
                        return true;
                    }
                    if (format == Format.json) {
                        formatter.json(json, index, e, owner(filter, e));
                        line.append('\n');
                    } else {
                        formatter.csv(line, index, e, owner(filter, e));
                    }
                    return emit(out, line, ++counts[1]);
                }

                @Override
                public boolean onSealedCodes(long index, long sequence, long timestamp, String c, String sku, int count) {
                    progress.update(++counts[0]);
                    if (sequence > filter.toSequence || timestamp > filter.toTime) {
                        return false;
                    }
                    if (!filter.matchesSealed(sequence, timestamp, c)) {
                        return true;
                    }
                    if (format == Format.json) {
                        formatter.jsonSealed(json, index, sequence, timestamp, c, sku, count);
                        line.append('\n');
                    } else {
                        formatter.csvSealed(line, index, sequence, timestamp, c, sku, count);
                    }
                    return emit(out, line, ++counts[1]);
                }

                @Override
                public void onBadRecord(long index, long sequence, String problem) {
                    out.flush();
                    throw new CliException("stopped at a bad record (index " + index + "): " + problem
                        + "; rows before it were printed; run 'journal verify' for details");
                }
            });
        }
        out.flush();
        return JournalCli.EXIT_OK;
    }

    private boolean emit(PrintWriter out, StringBuilder line, long rows) {
        out.append(line);
        line.setLength(0);
        if ((rows & 1023) == 0 && out.checkError()) {
            return false; // the reader went away (dump | head): stop quietly
        }
        return limit == null || rows < limit;
    }

    private static EventFilter.Owner owner(EventFilter filter, EventView e) {
        return switch (e.type) {
            case REDEMPTION, DELIVERY_RECORDED, GRANT_REVOKED, GRANT_REISSUED, ORDER_CANCELLED, PAYMENT_RECORDED,
                REFUND_RECORDED -> filter.ownerOf(e);
            default -> null;
        };
    }

    private EventFilter filter() {
        EventFilter f = new EventFilter();
        f.times(from, to);
        if (f.fromTime > f.toTime) {
            throw new CliException("--from is after --to");
        }
        if (fromSeq != null) {
            f.fromSequence = fromSeq;
        }
        if (toSeq != null) {
            f.toSequence = toSeq;
        }
        if (f.fromSequence > f.toSequence) {
            throw new CliException("--from-seq is after --to-seq");
        }
        f.campaign = campaign;
        f.user = user;
        if (results != null) {
            f.results = EventFilter.parseResults("--result", results);
        }
        if (reasons != null) {
            f.reasons = EventFilter.parseReasons("--reason", reasons);
        }
        if (types != null) {
            f.types = EnumSet.copyOf(types);
        }
        return f;
    }
}
