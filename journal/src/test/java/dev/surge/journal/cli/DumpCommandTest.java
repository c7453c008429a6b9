package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** dump: every event once, filters, masking and revealing codes, CSV. */
class DumpCommandTest {
    private final CliHistory.Standard s = CliHistory.standard();
    private final CliRunner cli = new CliRunner(s.h.events);

    @Test
    void dumpsEveryEventAsOneJsonLineWithIndexSequenceAndTime() {
        CliRunner.Result r = cli.run("dump");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals(s.h.events.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.startsWith("{\"index\":" + (ListEventSource.FIRST_INDEX + i) + ",\"seq\":" + (i + 1) + ",\"ts\":"),
                line);
            assertTrue(line.endsWith("}"), line);
        }
        assertTrue(lines.get(0).contains("\"type\":\"CAMPAIGN_CONFIGURED\",\"campaign\":\"spring\","
            + "\"name\":\"Spring \\\"VIP\\\" 春\""), lines.get(0));
        assertTrue(lines.get(5).contains("\"time\":\"2025-06-18T20:00:01.000Z\",\"type\":\"CLAIM_GRANTED\""), lines.get(5));
        assertEquals(Path.of("./data"), cli.lastDataDir);
        assertEquals("", r.err());
    }

    @Test
    void dataDirComesFromTheOptionThenTheEnvironment() {
        cli.env.put("SURGE_DATA_DIR", "/srv/surge");
        cli.run("dump", "--limit", "1");
        assertEquals(Path.of("/srv/surge"), cli.lastDataDir);
        cli.run("dump", "--limit", "1", "--data-dir", "/tmp/x");
        assertEquals(Path.of("/tmp/x"), cli.lastDataDir);
    }

    @Test
    void withoutTheKeyGrantedItemsShowTheirCodeIndexOnlyAndUploadsTheirCount() {
        CliRunner.Result r = cli.run("dump", "--user", "u1", "--result", "GRANTED");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.lines().size(), r.out());
        assertTrue(r.out().contains("\"items\":[{\"sku\":\"video\",\"codeIndex\":0}]"), r.out());
        assertFalse(r.out().contains("VX8K"), r.out());
        CliRunner.Result loads = cli.run("dump", "--type", "CODES_LOADED");
        assertEquals(3, loads.lines().size(), loads.out());
        assertTrue(loads.lines().get(0).contains("\"campaign\":\"spring\",\"sku\":\"video\",\"count\":5,\"encrypted\":true"),
            loads.out());
    }

    @Test
    void withTheKeyCodesAreMaskedUnlessRevealed() {
        cli.withKey();
        CliRunner.Result masked = cli.run("dump", "--user", "u1", "--type", "CLAIM_GRANTED");
        assertEquals(0, masked.code(), masked.err());
        assertTrue(masked.out().contains("{\"sku\":\"video\",\"codeIndex\":0,\"code\":\"VX8K-****-****\"}"), masked.out());
        assertFalse(masked.out().contains("VX8K-1000"), masked.out());

        CliRunner.Result revealed = cli.run("dump", "--user", "u3", "--type", "CLAIM_GRANTED", "--reveal-codes");
        assertEquals(0, revealed.code(), revealed.err());
        assertTrue(revealed.out().contains("\"items\":[{\"sku\":\"video\",\"codeIndex\":2,\"code\":\"VX8K-1002-Q002\"},"
            + "{\"sku\":\"music\",\"codeIndex\":0,\"code\":\"MU5C-1000-Q000\"}]"), revealed.out());
    }

    @Test
    void revealingCodesWithoutTheKeyIsAClearError() {
        CliRunner.Result r = cli.run("dump", "--reveal-codes");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals("journal dump: --reveal-codes needs the code key: set SURGE_CODE_KEY (base64, 32 bytes) to the key "
            + "Surge ran with\n", r.err());
    }

    @Test
    void filtersByCampaignUserResultSequenceAndTime() {
        // the user filter follows u1's grant into its redemption
        CliRunner.Result u1 = cli.run("dump", "--user", "u1");
        assertEquals(5, u1.lines().size(), u1.out()); // 2 granted, 2 limit reached, 1 redemption
        assertTrue(u1.lines().get(4).contains("\"type\":\"REDEMPTION\",\"campaign\":\"spring\",\"user\":\"u1\""),
            u1.out());

        CliRunner.Result autumn = cli.run("dump", "--campaign", "autumn");
        assertEquals(6, autumn.lines().size(), autumn.out()); // configured, loaded, 3 claims, closed

        CliRunner.Result rejected = cli.run("dump", "--result", "sold_out,LIMIT_REACHED");
        assertEquals(4, rejected.lines().size(), rejected.out());

        CliRunner.Result range = cli.run("dump", "--from-seq", "6", "--to-seq", "8");
        assertEquals(3, range.lines().size(), range.out());
        assertTrue(range.lines().get(0).contains("\"seq\":6,"), range.out());

        CliRunner.Result minute2 = cli.run("dump", "--from", "2025-06-18T20:01:00Z", "--to", "@" + (CliHistory.T0 + 65_000));
        assertEquals(5, minute2.lines().size(), minute2.out()); // 2 claims, delivery, adjustment, redemption

        CliRunner.Result failed = cli.run("dump", "--type", "DELIVERY_RECORDED", "--result", "FAILED");
        assertEquals(1, failed.lines().size(), failed.out());
        assertTrue(failed.out().contains("\"grantId\":\"" + s.rechargeFailed + "\",\"item\":0,\"status\":\"FAILED\""),
            failed.out());
    }

    @Test
    void badFilterValuesAreUsageErrors() {
        CliRunner.Result r = cli.run("dump", "--result", "WON");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("journal dump: --result: unknown result 'WON' (one of NONE, GRANTED"), r.err());
        CliRunner.Result t = cli.run("dump", "--from", "soon");
        assertEquals(2, t.code());
        assertTrue(t.err().startsWith("journal dump: --from: 'soon' is not a time"), t.err());
        CliRunner.Result f = cli.run("dump", "--format", "xml");
        assertEquals(2, f.code());
        assertTrue(f.err().contains("--format"), f.err());
        assertFalse(f.err().contains("\tat "), "no stack trace");
    }

    @Test
    void csvHasAHeaderAndOneQuotedRowPerEvent() {
        cli.withKey();
        CliRunner.Result r = cli.run("dump", "--format", "csv", "--type", "CAMPAIGN_CONFIGURED,CLAIM_GRANTED",
            "--campaign", "spring", "--to-seq", "7");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals(String.join(",", EventFormatter.CSV_COLUMNS), lines.get(0));
        assertEquals(3, lines.size(), r.out()); // header, configured, u1 at seq 6 (u2 at seq 8 is past --to-seq)
        assertTrue(lines.get(1).startsWith("1000,1,"), lines.get(1));
        assertTrue(lines.get(1).contains(",CAMPAIGN_CONFIGURED,spring,"), lines.get(1));
        assertTrue(lines.get(1).contains("\"name=Spring \"\"VIP\"\" 春"), lines.get(1));
        assertTrue(lines.get(2).contains(",CLAIM_GRANTED,spring,video,u1,GRANTED,," + s.firstVideoGrant
            + ",video#0=VX8K-****-****,dev-1,10.0.0.1,"), lines.get(2));
    }

    /** A key's scope is in its REDEEMER_CREATED line; a key journaled before scopes shows none (it redeems nothing). */
    @Test
    void redeemerKeysShowTheirCampaignsAndNeverTheirHash() {
        CliHistory h = new CliHistory();
        for (String id : List.of("autumn", "winter")) {
            CampaignSpec spec = new CampaignSpec(id);
            spec.endsAt = Long.MAX_VALUE;
            spec.skus.add(new CampaignSpec.SkuSpec("card", SkuKind.CODE));
            assertEquals(ResultCode.OK, h.upsert(spec).result);
        }
        byte[] legacy = Forge.legacyRedeemerCreated(h.lastSequence() + 1, h.now, "old-shop");
        assertTrue(h.machine.apply(new UnsafeBuffer(legacy), 0, legacy.length));
        h.events.add(legacy);
        byte[] hash = new byte[32];
        java.util.Arrays.fill(hash, (byte) 0x5a);
        assertEquals(ResultCode.OK, h.createRedeemer("cafe-1", hash, "winter", "autumn").result);

        CliRunner dump = new CliRunner(h.events);
        CliRunner.Result json = dump.run("dump", "--type", "REDEEMER_CREATED");
        assertEquals(0, json.code(), json.err());
        assertEquals(2, json.lines().size(), json.out());
        assertTrue(json.lines().get(0).endsWith("\"type\":\"REDEEMER_CREATED\",\"redeemer\":\"old-shop\",\"campaigns\":[]}"),
            json.out());
        assertTrue(json.lines().get(1).endsWith(
            "\"type\":\"REDEEMER_CREATED\",\"redeemer\":\"cafe-1\",\"campaigns\":[\"winter\",\"autumn\"]}"), json.out());
        assertFalse(json.out().toLowerCase(java.util.Locale.ROOT).contains("5a5a5a"), "no key hash");

        CliRunner.Result csv = dump.run("dump", "--type", "REDEEMER_CREATED", "--format", "csv");
        assertEquals(0, csv.code(), csv.err());
        assertTrue(csv.out().contains("redeemer=cafe-1 campaigns=winter;autumn"), csv.out());
        assertTrue(csv.out().contains("redeemer=old-shop campaigns="), csv.out());

        CliRunner.Result verify = dump.run("verify");
        assertEquals(0, verify.code(), "a key from before scopes is no violation: " + verify.out() + verify.err());
    }
}
