package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reconcile, redeliver and what verify and dump say about deliveries. */
class DeliveryCommandsTest {
    @TempDir
    Path dir;

    /** A known delivery history; every grant's delivery id and account. */
    private static final class Deliveries {
        final CliHistory h = new CliHistory();
        final List<String> ids = new ArrayList<>();
        final List<String> accounts = new ArrayList<>();

        Deliveries() {
            CampaignSpec spring = new CampaignSpec("spring");
            spring.startsAt = CliHistory.T0;
            spring.endsAt = CliHistory.T0 + 3_600_000;
            CampaignSpec.SkuSpec rc = new CampaignSpec.SkuSpec("rc", SkuKind.DIRECT_RECHARGE);
            rc.stock = 10;
            rc.suppliers.add("primary");
            rc.suppliers.add("backup");
            spring.skus.add(rc);
            ok(h.upsert(spring));
            ok(h.configureSupplier("primary", "http://127.0.0.1:9/p", "TOPSECRET-1"));
            for (int i = 1; i <= 6; i++) {
                h.now = CliHistory.T0 + i * 1000L;
                String account = "1380000000" + i;
                ReplyView r = h.claim("u" + i, "spring", "rc", "", null, account);
                assertEquals(ResultCode.GRANTED, r.result);
                ids.add(CliHistory.grantId(r) + "-0");
                accounts.add(account);
            }
            h.now = CliHistory.T0 + 10_000;
            ok(step(0, DeliveryStatus.DELIVERED, "primary", 1, DeliveryOutcome.ACCEPTED));
            ok(step(1, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.UNKNOWN));
            ok(step(1, DeliveryStatus.DELIVERED, "primary", 2, DeliveryOutcome.CONFIRMED));
            ok(step(2, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.REJECTED));
            ok(step(2, DeliveryStatus.PENDING, "backup", 1, DeliveryOutcome.FAILOVER));
            ok(step(2, DeliveryStatus.DELIVERED, "backup", 2, DeliveryOutcome.ACCEPTED));
            ok(step(3, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.SERVER_ERROR));
            ok(step(3, DeliveryStatus.PENDING, "backup", 1, DeliveryOutcome.FAILOVER));
            h.now = CliHistory.T0 + 20_000;
            ok(step(3, DeliveryStatus.PENDING, "backup", 2, DeliveryOutcome.REJECTED));
            ok(step(3, DeliveryStatus.FAILED, "backup", 2, DeliveryOutcome.EXHAUSTED));
            h.now = CliHistory.T0 + 30_000;
            ok(step(4, DeliveryStatus.DELIVERED, "primary", 1, DeliveryOutcome.ACCEPTED));
            // item 5 has no record: granted and never finished
        }

        ReplyView step(int grant, DeliveryStatus status, String supplier, int attempt, DeliveryOutcome outcome) {
            String grantId = ids.get(grant).substring(0, ids.get(grant).length() - 2);
            return h.step(grantId, status, supplier, attempt, outcome, outcome.name().toLowerCase());
        }

        private static void ok(ReplyView r) {
            assertEquals(ResultCode.OK, r.result, r.message);
        }

        /** primary's statement as the supplier would send it, rows from {@code rows}. */
        String row(int grant, String status, String time) {
            return ids.get(grant) + "," + accounts.get(grant) + "," + status + "," + time;
        }
    }

    private Path statement(String... lines) throws IOException {
        Path f = dir.resolve("statement.csv");
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private static List<String> findings(CliRunner.Result r) {
        return r.lines().stream().map(String::strip)
            .filter(l -> l.matches("^(only-in-journal|only-in-statement|status-mismatch|account-mismatch|duplicate-row"
                + "|over-recharged) .*"))
            .map(l -> l.replaceAll("\\s{2,}", " | ")).collect(Collectors.toList());
    }

    @Test
    void aMatchingStatementReconcilesAndExitsZero() throws IOException {
        Deliveries d = new Deliveries();
        Path s = statement("deliveryId,account,status,time",
            d.row(0, "DELIVERED", "2025-06-18T20:00:10Z"),
            d.row(1, "SUCCESS", "1750276810000"),
            d.row(2, "FAILED", "2025-06-18T20:00:10Z"),
            d.row(3, "FAILED", ""),
            d.row(4, "DELIVERED", "2025-06-18T20:00:30Z"));
        CliRunner.Result r = new CliRunner(d.h.events).run("reconcile", "--supplier", "primary", "--statement",
            s.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("OK: the statement and the journal agree"), r.out());
        assertTrue(r.out().contains("5 deliveries sent to primary, 3 delivered by it"), r.out());
    }

    @Test
    void aMissingAnExtraAndAMismatchedRowAreReportedExactly() throws IOException {
        Deliveries d = new Deliveries();
        String extra = "g_AAAAAAAAAAAAAAAA-0";
        Path s = statement(
            d.row(0, "DELIVERED", "2025-06-18T20:00:10Z"),
            d.row(1, "DELIVERED", "2025-06-18T20:00:10Z"),
            d.row(2, "DELIVERED", "2025-06-18T20:00:10Z"), // the journal has it delivered by backup
            extra + ",13900000000,FAILED,2025-06-18T20:00:11Z");
        // row 4 (delivered by primary per the journal) is missing
        CliRunner.Result r = new CliRunner(d.h.events).run("reconcile", "--supplier", "primary", "--statement",
            s.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(List.of(
            "status-mismatch | " + d.ids.get(2) + " | " + d.accounts.get(2) + " | DELIVERED by backup | DELIVERED | 3",
            "only-in-journal | " + d.ids.get(4) + " | " + d.accounts.get(4) + " | DELIVERED by primary | -",
            "only-in-statement | " + extra + " | 13900000000 | never granted | FAILED | 4"), findings(r), r.out());
        assertTrue(r.out().contains("DISAGREE: 3 findings"), r.out());

        CliRunner.Result json = new CliRunner(d.h.events).run("reconcile", "--supplier", "primary", "--statement",
            s.toString(), "--json");
        assertEquals(1, json.code());
        assertTrue(json.out().startsWith("{\"ok\":false,\"supplier\":\"primary\",\"sentToSupplier\":5,"), json.out());
        assertTrue(json.out().contains("{\"kind\":\"only-in-journal\",\"deliveryId\":\"" + d.ids.get(4) + "\""),
            json.out());

        CliRunner.Result ranged = new CliRunner(d.h.events).run("reconcile", "--supplier", "primary", "--statement",
            s.toString(), "--to", "2025-06-18T20:00:20Z");
        assertEquals(List.of(
            "status-mismatch | " + d.ids.get(2) + " | " + d.accounts.get(2) + " | DELIVERED by backup | DELIVERED | 3",
            "only-in-statement | " + extra + " | 13900000000 | never granted | FAILED | 4"), findings(ranged),
            "item 4 was delivered at 20:00:30, outside the range");
    }

    @Test
    void duplicateRowsOtherAccountsAndOverRechargedAccounts() throws IOException {
        Deliveries d = new Deliveries();
        Path s = statement(
            d.row(0, "DELIVERED", ""),
            d.row(0, "DELIVERED", ""),
            d.ids.get(1) + ",13999999999,DELIVERED,",
            d.row(4, "DELIVERED", ""),
            d.ids.get(5) + "," + d.accounts.get(5) + ",DELIVERED,");
        CliRunner.Result r = new CliRunner(d.h.events).run("reconcile", "--supplier", "primary", "--statement",
            s.toString());
        assertEquals(1, r.code());
        assertEquals(List.of(
            "duplicate-row | " + d.ids.get(0) + " | " + d.accounts.get(0) + " | - | DELIVERED (also on line 1) | 2",
            "account-mismatch | " + d.ids.get(1) + " | " + d.accounts.get(1) + " | account " + d.accounts.get(1)
                + " | account 13999999999 DELIVERED | 3",
            "only-in-statement | " + d.ids.get(5) + " | " + d.accounts.get(5) + " | never sent here: PENDING | DELIVERED"
                + " | 5",
            "over-recharged | " + d.accounts.get(0) + " | 1 recharge(s) granted | 2 recharged",
            "over-recharged | 13999999999 | 0 recharge(s) granted | 1 recharged"), findings(r), r.out());
    }

    @Test
    void redeliverListsFailedItemsAndAsksTheServer() throws IOException {
        Deliveries d = new Deliveries();
        CliRunner.Result dry = new CliRunner(d.h.events).run("redeliver", "--campaign", "spring", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains(d.ids.get(3)) && dry.out().contains("backup"), dry.out());
        assertTrue(dry.out().contains("1 FAILED delivery in the journal match"), dry.out());
        CliRunner.Result none = new CliRunner(d.h.events).run("redeliver", "--supplier", "primary", "--dry-run");
        assertTrue(none.out().contains("0 FAILED deliveries in the journal match"), none.out());

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> asked = new AtomicReference<>();
        server.createContext("/admin/deliveries/redrive", x -> {
            asked.set(x.getRequestHeaders().getFirst("Authorization") + " "
                + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"result\":\"OK\",\"redriven\":1}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            CliRunner cli = new CliRunner(d.h.events);
            cli.env.put("SURGE_ADMIN_TOKEN", "adm-token-0123456789");
            CliRunner.Result r = cli.run("redeliver", "--supplier", "backup", "--from", "2025-06-18T20:00:00Z",
                "--server", "http://127.0.0.1:" + server.getAddress().getPort(), "--requested-by", "ops:carol");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("re-driven by the server: 1 (journaled as requested by ops:carol)"), r.out());
            assertEquals("Bearer adm-token-0123456789 {\"supplierId\":\"backup\",\"from\":\"2025-06-18T20:00:00.000Z\","
                + "\"requestedBy\":\"ops:carol\"}", asked.get());
        } finally {
            server.stop(0);
        }
        CliRunner noToken = new CliRunner(d.h.events);
        CliRunner.Result refused = noToken.run("redeliver");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("set SURGE_ADMIN_TOKEN"), refused.err());
    }

    @Test
    void verifyFollowsRedrivesAndCatchesUnsafeDeliveries() {
        Deliveries d = new Deliveries();
        d.h.now = CliHistory.T0 + 40_000;
        ReplyView redrive = d.h.redrive("ops:carol", "spring", "", 0, Long.MAX_VALUE);
        assertEquals(1, redrive.count);
        CliRunner.Result clean = new CliRunner(d.h.events).run("verify");
        assertEquals(0, clean.code(), clean.out());
        assertTrue(clean.out().contains("info      delivery-pending"), clean.out());
        assertTrue(clean.out().contains(d.ids.get(3).substring(0, 18) + " item 0 (rc, user u4) has no final delivery "
            + "outcome yet: last REDRIVEN"), clean.out());

        long[] g = new long[2];
        dev.surge.engine.util.GrantIds.parse(d.ids.get(5).substring(0, 18), g);
        long[] delivered = new long[2];
        dev.surge.engine.util.GrantIds.parse(d.ids.get(0).substring(0, 18), delivered);
        List<byte[]> events = new ArrayList<>(d.h.events);
        long seq = d.h.lastSequence();
        long ts = d.h.now;
        events.add(Forge.delivery(++seq, ts, g[0], (int) g[1], DeliveryStatus.PENDING.code(), "primary",
            DeliveryOutcome.UNKNOWN.code()));
        events.add(Forge.delivery(++seq, ts, g[0], (int) g[1], DeliveryStatus.PENDING.code(), "backup",
            DeliveryOutcome.FAILOVER.code()));
        events.add(Forge.delivery(++seq, ts, delivered[0], (int) delivered[1], DeliveryStatus.DELIVERED.code(),
            "backup", DeliveryOutcome.ACCEPTED.code()));
        events.add(Forge.redriven(++seq, ts, "spring", 3));
        CliRunner.Result bad = new CliRunner(events).run("verify", "--no-info");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("VIOLATION left-in-doubt at seq " + (seq - 2)), bad.out());
        assertTrue(bad.out().contains("left primary (FAILOVER) while its last outcome there was UNKNOWN"), bad.out());
        assertTrue(bad.out().contains("VIOLATION delivered-twice at seq " + (seq - 1)), bad.out());
        assertTrue(bad.out().contains("VIOLATION redrive-count at seq " + seq), bad.out());
        assertTrue(bad.out().contains("says it covers 3 FAILED items; the journal has 0 that match"), bad.out());
    }

    @Test
    void dumpsShowSuppliersAndOutcomesButNeverTheSecret() {
        Deliveries d = new Deliveries();
        CliRunner.Result json = new CliRunner(d.h.events).run("dump", "--type", "SUPPLIER_CONFIGURED,DELIVERY_RECORDED");
        assertEquals(0, json.code(), json.err());
        assertFalse(json.out().contains("TOPSECRET"), json.out());
        assertTrue(json.out().contains("\"type\":\"SUPPLIER_CONFIGURED\",\"supplier\":\"primary\","
            + "\"url\":\"http://127.0.0.1:9/p\",\"timeoutMs\":2000,\"maxConcurrency\":8,\"secret\":\"(sealed)\""),
            json.out());
        assertTrue(json.out().contains("\"supplier\":\"backup\",\"attempt\":1,\"outcome\":\"FAILOVER\""), json.out());
        CliRunner.Result csv = new CliRunner(d.h.events).run("dump", "--format", "csv");
        assertFalse(csv.out().contains("TOPSECRET"), csv.out());
        assertTrue(csv.out().contains("outcome=CONFIRMED confirmed"), csv.out());
    }
}
