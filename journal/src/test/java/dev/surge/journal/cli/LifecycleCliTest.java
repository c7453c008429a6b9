package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.util.GrantIds;
import dev.surge.engine.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal CLI and the lifecycle of grants (docs/lifecycle.md): dump and stats show the new
 * events, replay reproduces the state, verify passes a clean history and flags each broken rule.
 */
class LifecycleCliTest {
    private CliHistory h;
    private String revoked;
    private String reissuedOld;
    private String reissuedNew;
    private String gift;
    private String dated;
    private String kept;

    @BeforeEach
    void history() {
        h = new CliHistory();
        CampaignSpec spec = new CampaignSpec("spring");
        spec.startsAt = CliHistory.T0 - 1000;
        spec.endsAt = CliHistory.T0 + 3_600_000;
        spec.skus.add(new CampaignSpec.SkuSpec("video", SkuKind.CODE));
        CampaignSpec.SkuSpec d = new CampaignSpec.SkuSpec("dated", SkuKind.CODE);
        d.codeValidUntil = CliHistory.T0 + 60_000;
        spec.skus.add(d);
        assertEquals(ResultCode.OK, h.upsert(spec).result);
        assertEquals(ResultCode.OK, h.load("spring", "video", CliHistory.codes("VID", 6), CliHistory.T0 + 10_000_000).result);
        assertEquals(ResultCode.OK, h.load("spring", "dated", CliHistory.codes("DAT", 2)).result);
        revoked = CliHistory.grantId(h.claim("u1", "spring", "video"));
        assertEquals(ResultCode.OK, h.revoke(revoked, "chargeback").result);
        reissuedOld = CliHistory.grantId(h.claim("u2", "spring", "video"));
        reissuedNew = CliHistory.grantId(h.reissue(reissuedOld, "code did not work"));
        gift = CliHistory.grantId(h.claim("u3", "spring", "video"));
        assertEquals(ResultCode.TRANSFERRED, h.transfer("u3", gift, "friend").result);
        assertEquals(ResultCode.REDEEMED, h.redeem("friend", gift).result);
        dated = CliHistory.grantId(h.claim("u4", "spring", "dated"));
        kept = CliHistory.grantId(h.claim("u5", "spring", "video"));
    }

    @Test
    void dumpShowsWhoDidWhatToWhichGrant() {
        CliRunner.Result r = new CliRunner(h.events).run("dump", "--type", "GRANT_REVOKED,GRANT_REISSUED,GRANT_TRANSFERRED");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).contains("\"type\":\"GRANT_REVOKED\",\"grantId\":\"" + revoked
            + "\",\"requestedBy\":\"ops\",\"reason\":\"chargeback\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"grantId\":\"" + reissuedOld + "\",\"newGrantId\":\"" + reissuedNew
            + "\",\"codeIndex\":2"), lines.get(1));
        assertTrue(lines.get(2).contains("\"grantId\":\"" + gift + "\",\"from\":\"u3\",\"to\":\"friend\""), lines.get(2));
        assertTrue(lines.get(2).contains("\"result\":\"TRANSFERRED\""), lines.get(2));

        CliRunner.Result byUser = new CliRunner(h.events).run("dump", "--user", "friend");
        assertEquals(2, byUser.lines().size(), "the gift and the recipient's redemption: " + byUser.out());
        CliRunner.Result loads = new CliRunner(h.events).withKey().run("dump", "--type", "CODES_LOADED");
        assertTrue(loads.lines().get(0).contains("\"validUntil\":\"2025-06-18T22:46:40.000Z\""), loads.out());
    }

    @Test
    void verifyPassesAndStatsAndReplayUnderstandTheEvents() {
        CliRunner cli = new CliRunner(h.events).withKey();
        CliRunner.Result verify = cli.run("verify");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        CliRunner.Result stats = cli.run("stats");
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().contains("GRANT_TRANSFERRED"), stats.out());
        assertTrue(stats.out().contains("GRANT_REISSUED"), stats.out());
        CliRunner.Result replay = cli.run("replay", "--until", "2025-06-19T00:00:00Z");
        assertEquals(0, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains(Long.toHexString(h.machine.digest())), replay.out());
    }

    @Test
    void verifyFlagsEachBrokenLifecycleRule() {
        List<byte[]> events = new ArrayList<>(h.events);
        long seq = h.lastSequence();
        long late = CliHistory.T0 + 3_000_000;
        events.add(redemption(++seq, late, "u1", revoked));        // its grant was revoked
        events.add(redemption(++seq, late, "u4", dated));          // after the SKU's codeValidUntil
        events.add(redemption(++seq, late, "mallory", kept));      // not the owner's
        events.add(transfer(++seq, late, "u3", reissuedNew, "x")); // u2's grant, given away by u3
        events.add(reissue(++seq, late, revoked, 77, 1, 5));      // re-issue of a revoked grant
        InvariantAuditor a = new InvariantAuditor(true);
        EventView view = new EventView();
        long index = 1;
        for (byte[] e : events) {
            assertTrue(view.wrap(new UnsafeBuffer(e), 0, e.length), "well-formed");
            a.onEvent(index++, view);
        }
        a.finish();
        Map<String, Long> kinds = a.violationsByKind();
        assertEquals(1L, kinds.get("redeemed-after-revoked"), kinds::toString);
        assertEquals(1L, kinds.get("redeemed-after-valid-until"), kinds::toString);
        assertEquals(1L, kinds.get("redeemed-by-non-owner"), kinds::toString);
        assertEquals(1L, kinds.get("transfer-not-owner"), kinds::toString);
        assertEquals(1L, kinds.get("reissue-of-revoked"), kinds::toString);
        assertEquals(5, a.violations(), () -> a.findings().toString());
        assertEquals(1L, a.summary().get("grantsReissued") - 1, "the forged one counted too");
    }

    @Test
    void verifyWithoutViolationsOnTheEnginesOwnRefusals() {
        assertEquals(ResultCode.REVOKED, h.redeem("u1", revoked).result);
        assertEquals(ResultCode.NOT_FOUND, h.transfer("u3", gift, "x").result);
        h.now = CliHistory.T0 + 3_000_000;
        assertEquals(ResultCode.EXPIRED, h.redeem("u4", dated).result);
        ReplyView again = h.reissue(revoked, "again");
        assertEquals(ResultCode.REVOKED, again.result);
        CliRunner.Result verify = new CliRunner(h.events).withKey().run("verify");
        assertEquals(0, verify.code(), verify.out() + verify.err());
    }

    // ---- forged events, in EventView's layouts ------------------------------------------------

    private static WireWriter header(byte[] into, EventType type, long seq, long ts) {
        return new WireWriter().wrap(new UnsafeBuffer(into), 0).putByte(type.code()).putLong(seq).putLong(ts);
    }

    private static byte[] done(byte[] buffer, WireWriter w) {
        return java.util.Arrays.copyOf(buffer, w.position());
    }

    private static long[] id(String grantId) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        return id;
    }

    private static byte[] redemption(long seq, long ts, String user, String grantId) {
        byte[] b = new byte[512];
        long[] id = id(grantId);
        WireWriter w = header(b, EventType.REDEMPTION, seq, ts).putByte(EventView.ACTOR_USER).putString(user)
            .putString("forged-" + seq).putLong(seq).putLong(id[0]).putInt((int) id[1]).putByte(ResultCode.REDEEMED.code());
        return done(b, w);
    }

    private static byte[] transfer(long seq, long ts, String from, String grantId, String to) {
        byte[] b = new byte[512];
        long[] id = id(grantId);
        WireWriter w = header(b, EventType.GRANT_TRANSFERRED, seq, ts).putString(from).putString("forged-" + seq)
            .putLong(seq).putLong(id[0]).putInt((int) id[1]).putString(to).putByte(ResultCode.TRANSFERRED.code());
        return done(b, w);
    }

    private static byte[] reissue(long seq, long ts, String grantId, long newHi, int newLo, int code) {
        byte[] b = new byte[512];
        long[] id = id(grantId);
        WireWriter w = header(b, EventType.GRANT_REISSUED, seq, ts).putString("ops").putString("forged")
            .putLong(id[0]).putInt((int) id[1]).putLong(newHi).putInt(newLo).putInt(code);
        return done(b, w);
    }
}
