package dev.surge.journal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code journal redeliver}: lists the FAILED deliveries a re-drive would cover, from the
 * journal, then asks the running server to re-drive them. Only the server may write the journal
 * (one writer), so the re-drive itself is its admin endpoint, which journals it with who asked.
 */
@Command(name = "redeliver",
    mixinStandardHelpOptions = true,
    description = {
        "Re-drives FAILED deliveries (by campaign, supplier, time range).",
        "",
        "Lists the FAILED recharge items that match, as the journal has them, then",
        "asks the running Surge to re-drive them: POST /admin/deliveries/redrive with",
        "SURGE_ADMIN_TOKEN. The server journals the re-drive with who asked, makes",
        "the items PENDING again from their first supplier, and delivers them. The",
        "supplier filter is the supplier an item failed at last; the time range is",
        "when it failed. --dry-run only lists.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/journal redeliver --campaign spring-vip --dry-run",
        "  SURGE_ADMIN_TOKEN=... scripts/journal redeliver --supplier primary \\",
        "      --from 2025-06-18T20:00:00Z --to 2025-06-18T21:00:00Z --server http://10.0.0.5:8080",
    })
final class RedeliverCommand extends JournalCommand {
    private static final Pattern REDRIVEN = Pattern.compile("\"redriven\"\\s*:\\s*(\\d+)");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Option(names = "--campaign", paramLabel = "ID", description = "Only this campaign's items.")
    String campaign;

    @Option(names = "--supplier", paramLabel = "ID", description = "Only items that failed last at this supplier.")
    String supplier;

    @Option(names = "--from", paramLabel = "TIME", description = "Only items that failed at or after TIME.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Only items that failed before TIME.")
    String to;

    @Option(names = "--dry-run", description = "List what would be re-driven; ask the server nothing.")
    boolean dryRun;

    @Option(names = "--server", paramLabel = "URL",
        description = "The running Surge (default: $SURGE_SERVER, else http://127.0.0.1:8080).")
    String server;

    @Option(names = "--requested-by", paramLabel = "NAME",
        description = "Who asks, journaled with the re-drive (default: $USER@host).")
    String requestedBy;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "List at most N items (all are counted; default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        long fromMs = from == null ? 0 : TimeArgs.parseTime("--from", from);
        long toMs = to == null ? Long.MAX_VALUE : TimeArgs.parseTime("--to", to);
        if (fromMs >= toMs) {
            throw new CliException("--to: must be after --from");
        }
        String c = campaign == null ? "" : campaign;
        String s = supplier == null ? "" : supplier;
        List<DeliveryLedger.Item> failed;
        try (JournalPass pass = readJournal(codeKey(), "redeliver", false)) {
            failed = DeliveryLedger.read(pass.events(), pass.progress()).failed(c, s, fromMs, toMs);
        }
        PrintWriter out = out();
        if (!failed.isEmpty()) {
            Table t = new Table("DELIVERY ID", "CAMPAIGN", "SKU", "ACCOUNT", "LAST SUPPLIER", "FAILED AT", "LAST DETAIL");
            for (DeliveryLedger.Item item : failed.subList(0, Math.min(limit, failed.size()))) {
                t.row(item.deliveryId, item.campaign, item.sku, item.account, item.supplier, TimeArgs.format(item.lastAt),
                    item.lastDetail);
            }
            t.print(out, "");
            if (failed.size() > limit) {
                out.println("... " + Table.number(failed.size() - limit) + " more (--limit to see more)");
            }
        }
        out.println(Table.number(failed.size()) + " FAILED deliver" + (failed.size() == 1 ? "y" : "ies")
            + " in the journal match");
        if (dryRun) {
            out.flush();
            return JournalCli.EXIT_OK;
        }
        int redriven = askServer(c, s, fromMs, toMs);
        out.println("re-driven by the server: " + Table.number(redriven) + " (journaled as requested by " + actor() + ")");
        out.flush();
        return JournalCli.EXIT_OK;
    }

    private String actor() {
        if (requestedBy != null && !requestedBy.isBlank()) {
            return requestedBy.trim();
        }
        String user = cli.env().getOrDefault("USER", "unknown");
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return "cli:" + user + "@" + host;
    }

    private int askServer(String c, String s, long fromMs, long toMs) {
        String token = cli.env().get("SURGE_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            throw new CliException("the re-drive is made by the running server: set SURGE_ADMIN_TOKEN (or use --dry-run)");
        }
        String base = server != null ? server : cli.env().getOrDefault("SURGE_SERVER", "http://127.0.0.1:8080");
        StringBuilder body = new StringBuilder();
        JsonWriter j = new JsonWriter(body).beginObject();
        if (!c.isEmpty()) {
            j.field("campaignId", c);
        }
        if (!s.isEmpty()) {
            j.field("supplierId", s);
        }
        if (fromMs > 0) {
            j.field("from", TimeArgs.format(fromMs));
        }
        if (toMs != Long.MAX_VALUE) {
            j.field("to", TimeArgs.format(toMs));
        }
        j.field("requestedBy", actor()).endObject();
        URI uri;
        try {
            uri = URI.create(base.replaceAll("/+$", "") + "/admin/deliveries/redrive");
        } catch (IllegalArgumentException e) {
            throw new CliException("--server: not a URL: " + base);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token.trim()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach Surge at " + base + ": re-drives are journaled by the running server "
                + "(start it, give --server, or use --dry-run)");
        } catch (IOException e) {
            throw new CliException("asking " + uri + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        Matcher m = REDRIVEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            Matcher msg = MESSAGE.matcher(response.body());
            throw new CliException("the server refused the re-drive: HTTP " + response.statusCode()
                + (msg.find() ? " " + msg.group(1) : "") + String.format(Locale.ROOT, " (%s)", uri));
        }
        return Integer.parseInt(m.group(1));
    }
}
