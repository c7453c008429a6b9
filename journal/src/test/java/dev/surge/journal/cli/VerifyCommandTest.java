package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** verify: exit 0 on a clean journal, 1 with each finding placed on a doctored one. */
class VerifyCommandTest {
    private final CliHistory.Standard s = CliHistory.standard();

    @Test
    void aCleanJournalVerifiesWithPendingDeliveriesAsInformation() {
        CliRunner.Result r = new CliRunner(s.h.events).run("verify");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("versions and checksums OK"), r.out());
        assertTrue(r.out().contains("  events    seq 1.." + s.h.lastSequence() + ", consecutive"), r.out());
        assertTrue(r.out().contains("  codes     11 loaded, 7 issued (SURGE_CODE_KEY not set: code texts not compared)"),
            r.out());
        assertTrue(r.out().contains("  delivery  3 recharge items, 1 pending, 1 failed; 1 redemptions"), r.out());
        assertTrue(r.out().contains("info      delivery-pending at seq " + (s.endOfFirstMinute + 1)), r.out());
        assertTrue(r.out().contains("grant " + s.rechargePending + " item 0 (rc, user u7) has no final delivery"), r.out());
        assertTrue(r.out().endsWith("OK: no violations (2 informational)\n"), r.out());
    }

    @Test
    void aDoctoredJournalFailsWithEachForgedEventNamed() {
        List<byte[]> events = new ArrayList<>(s.h.events);
        long seq = s.h.lastSequence();
        long ts = s.h.now + 1_000;
        // re-issue video code #1 (u2's) to mallory
        long reissue = ++seq;
        events.add(Forge.claimGranted(reissue, ts, "mallory", "spring", "video", "", 0x1234L, 1, new Forge.Item("video", 1)));
        // u2 already has 1 of the campaign's 2, and video's per-user limit is 1: a second video is over it
        long overLimit = ++seq;
        events.add(Forge.claimGranted(overLimit, ts, "u2", "spring", "video", "", 0x1235L, 2, new Forge.Item("video", 3)));
        CliRunner.Result r = new CliRunner(events).withKey().run("verify", "--no-info");
        assertEquals(1, r.code(), r.out() + r.err());
        String out = r.out();
        long reissueIndex = ListEventSource.FIRST_INDEX + reissue - 1;
        assertTrue(out.contains("VIOLATION code-reissued at seq " + reissue + " (index " + reissueIndex + "): grant "
            + dev.surge.engine.util.GrantIds.format(0x1234L, 1) + " issues spring/video code #1, already issued at seq 8"),
            out);
        assertTrue(out.contains("VIOLATION sku-user-limit at seq " + overLimit + " (index " + (reissueIndex + 1)
            + "): user u2 now has 2 grants of spring/video, over the SKU's per-user limit of 1"), out);
        assertTrue(out.endsWith("FAILED: 2 violations\n"), out);
        assertTrue(!out.contains("delivery-pending at"), "--no-info hides informational findings");
    }

    @Test
    void codeTextsIssuedTwiceAcrossSkusAreFoundOnlyWithTheKey() {
        List<byte[]> events = new ArrayList<>(s.h.events);
        long seq = s.h.lastSequence();
        // load video's code #0 text into autumn/card (the engine would have skipped it as a duplicate) ...
        CliHistory h = new CliHistory();
        h.now = s.h.now;
        byte[] load = loadEvent(++seq, s.h.now, "autumn", "card", "VX8K-1000-Q000");
        events.add(load);
        // ... and issue it (autumn/card #2) even though the campaign is closed
        long forged = ++seq;
        events.add(Forge.claimGranted(forged, s.h.now, "eve", "autumn", "card", "", 0x99L, 9, new Forge.Item("card", 2)));
        CliRunner.Result withKey = new CliRunner(events).withKey().run("verify", "--json");
        assertEquals(1, withKey.code(), withKey.out());
        assertTrue(withKey.out().contains("\"violationsByKind\":{\"grant-while-closed\":1,\"code-text-reissued\":1}"),
            withKey.out());
        assertTrue(withKey.out().contains("\"infoByKind\":{\"code-loaded-twice\":1,"), withKey.out());

        CliRunner.Result withoutKey = new CliRunner(events).run("verify", "--json");
        assertEquals(1, withoutKey.code(), withoutKey.out());
        assertTrue(withoutKey.out().contains("\"violationsByKind\":{\"grant-while-closed\":1}"), withoutKey.out());
    }

    @Test
    void aBadRecordIsAViolationNamingItsIndex() {
        List<byte[]> events = new ArrayList<>(s.h.events);
        events.add(new byte[] {5, 1, 2});
        CliRunner.Result r = new CliRunner(events).run("verify");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("FIRST BAD RECORD at index " + (ListEventSource.FIRST_INDEX + s.h.events.size())),
            r.out());
        assertTrue(r.out().contains("VIOLATION corrupt-record (index "), r.out());
    }

    /** CODES_LOADED: campaign, sku, duplicatesSkipped:4, count:4, code * count. */
    private static byte[] loadEvent(long seq, long ts, String campaign, String sku, String... codes) {
        org.agrona.ExpandableArrayBuffer b = new org.agrona.ExpandableArrayBuffer(256);
        dev.surge.engine.wire.WireWriter w = new dev.surge.engine.wire.WireWriter().wrap(b, 0);
        w.putByte(dev.surge.engine.event.EventType.CODES_LOADED.code()).putLong(seq).putLong(ts)
            .putString(campaign).putString(sku).putInt(0).putInt(codes.length);
        for (String c : codes) {
            w.putString(c);
        }
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }
}
