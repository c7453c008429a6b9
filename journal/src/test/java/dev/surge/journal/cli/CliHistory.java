package dev.surge.journal.cli;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.StateConfig;
import dev.surge.journal.CodeCipher;
import dev.surge.engine.state.StateMachine;
import dev.surge.engine.util.GrantIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A known history for the CLI tests: drives the engine's state machine one command at a time
 * (as the ring's decide stage would) and keeps every event it decided, in order. Time is
 * explicit, so every run writes the same events. (Like the engine's EngineDriver,
 * plus the one fixed history, {@link #standard()}, whose numbers these tests assert.)
 */
final class CliHistory {
    static final long T0 = Instant.parse("2025-06-18T20:00:00Z").toEpochMilli();

    /** The SURGE_CODE_KEY of the tests' journals, and the state config it gives (so CLI and test digests compare). */
    static final String CODE_KEY = CodeCipher.newKeyBase64();
    static final StateConfig CONFIG = CodeCipher.fromBase64(CODE_KEY).stateConfig();

    final StateMachine machine = new StateMachine(CONFIG);
    final List<byte[]> events = new ArrayList<>();
    private final CommandSlot slot = new CommandSlot();
    private final CommandWriter writer = new CommandWriter();
    long now = T0;

    ReplyView claim(String user, String campaign, String sku, String device, byte[] ip, String account) {
        writer.claim(slot, now, user, "k-" + events.size(), campaign, sku, device,
            ip, account);
        return run();
    }

    ReplyView claim(String user, String campaign, String sku) {
        return claim(user, campaign, sku, "", null, "");
    }

    ReplyView upsert(CampaignSpec spec) {
        writer.upsertCampaign(slot, now, spec);
        return run();
    }

    ReplyView status(String campaign, CampaignStatus status) {
        writer.setStatus(slot, now, campaign, status);
        return run();
    }

    ReplyView load(String campaign, String sku, List<String> codes) {
        writer.loadCodes(slot, now, campaign, sku, codes);
        return run();
    }

    ReplyView adjust(String campaign, String sku, long delta) {
        writer.adjustStock(slot, now, campaign, sku, delta);
        return run();
    }

    ReplyView delivery(String grantId, int item, DeliveryStatus status, String supplier) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.recordDelivery(slot, now, id[0], (int) id[1], item, status, supplier, 1, "");
        return run();
    }

    ReplyView step(String grantId, DeliveryStatus status, String supplier, int attempt,
                   dev.surge.engine.DeliveryOutcome outcome, String detail) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.recordDelivery(slot, now, id[0], (int) id[1], 0, status, supplier, attempt, detail, outcome);
        return run();
    }

    ReplyView redrive(String actor, String campaign, String supplier, long from, long to) {
        writer.redriveDeliveries(slot, now, actor, campaign, supplier, from, to);
        return run();
    }

    ReplyView configureSupplier(String id, String url, String secret) {
        writer.configureSupplier(slot, now, id, url, 2000, 8, secret);
        return run();
    }

    ReplyView redeem(String user, String grantId) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.redeemGrant(slot, now, user, "r-" + events.size(), id[0], (int) id[1]);
        return run();
    }

    ReplyView createRedeemer(String redeemer, byte[] keyHash, String... campaigns) {
        writer.createRedeemer(slot, now, redeemer, keyHash, List.of(campaigns));
        return run();
    }

    // the lifecycle of grants (docs/lifecycle.md)
    ReplyView load(String campaign, String sku, List<String> codes, long validUntil) {
        writer.loadCodes(slot, now, campaign, sku, codes, validUntil);
        return run();
    }

    ReplyView revoke(String grantId, String reason) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.revokeGrant(slot, now, "ops", reason, id[0], (int) id[1]);
        return run();
    }

    ReplyView reissue(String grantId, String reason) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.reissueGrant(slot, now, "ops", reason, id[0], (int) id[1]);
        return run();
    }

    ReplyView transfer(String from, String grantId, String to) {
        long[] id = new long[2];
        GrantIds.parse(grantId, id);
        writer.transferGrant(slot, now, from, "t-" + events.size(), id[0], (int) id[1], to);
        return run();
    }

    private ReplyView run() {
        machine.decide(slot);
        if (slot.eventLength > 0) {
            byte[] event = new byte[slot.eventLength];
            slot.event.getBytes(0, event);
            events.add(event);
        }
        return new ReplyView().read(slot.type, slot.reply, slot.replyLength);
    }

    long lastSequence() {
        return machine.lastSequence();
    }

    /** A fresh state machine with the first {@code count} events applied. */
    StateMachine replay(int count) {
        StateMachine m = new StateMachine(CONFIG);
        for (int i = 0; i < count; i++) {
            byte[] e = events.get(i);
            if (!m.apply(new UnsafeBuffer(e), 0, e.length)) {
                throw new AssertionError("event " + (i + 1) + " did not apply");
            }
        }
        return m;
    }

    static String grantId(ReplyView r) {
        return GrantIds.format(r.grantHi, r.grantLo);
    }

    static List<String> codes(String prefix, int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(String.format("%s-%04d-Q%03d", prefix, 1000 + i, i));
        }
        return list;
    }

    /** What {@link #standard()} built, for the tests' expectations. */
    static final class Standard {
        final CliHistory h;
        String rechargeDelivered;
        String rechargeFailed;
        String rechargePending;
        String firstVideoGrant;
        /** Sequence after which the second minute of claims starts. */
        long endOfFirstMinute;
        /** Counters at endOfFirstMinute, for replay tests. */
        long grantedAtEndOfFirstMinute;

        Standard(CliHistory h) {
            this.h = h;
        }
    }

    /**
     * Two campaigns. "spring": per-user limit 2, per-device 2; SKUs video (CODE, 5 codes,
     * per-user 1), music (CODE, 4 codes), rc (DIRECT_RECHARGE, stock 3), pack (BUNDLE of video +
     * music). "autumn": one CODE SKU with 2 codes. Claims over two minutes, with SOLD_OUT,
     * LIMIT_REACHED, UNKNOWN_SKU; recharge deliveries DELIVERED, FAILED and one still PENDING;
     * a redemption; a withdrawal of one music code.
     */
    static Standard standard() {
        CliHistory h = new CliHistory();
        Standard s = new Standard(h);
        CampaignSpec spring = new CampaignSpec("spring");
        spring.name = "Spring \"VIP\" 春";
        spring.startsAt = T0;
        spring.endsAt = T0 + 3_600_000;
        spring.perUserLimit = 2;
        spring.perDeviceLimit = 2;
        CampaignSpec.SkuSpec video = new CampaignSpec.SkuSpec("video", SkuKind.CODE);
        video.perUserLimit = 1;
        spring.skus.add(video);
        spring.skus.add(new CampaignSpec.SkuSpec("music", SkuKind.CODE));
        CampaignSpec.SkuSpec rc = new CampaignSpec.SkuSpec("rc", SkuKind.DIRECT_RECHARGE);
        rc.stock = 3;
        rc.suppliers.add("primary");
        rc.suppliers.add("backup");
        spring.skus.add(rc);
        CampaignSpec.SkuSpec pack = new CampaignSpec.SkuSpec("pack", SkuKind.BUNDLE);
        pack.items.add(new CampaignSpec.BundleItem("video", 1));
        pack.items.add(new CampaignSpec.BundleItem("music", 1));
        spring.skus.add(pack);
        expect(h.upsert(spring), ResultCode.OK);
        CampaignSpec autumn = new CampaignSpec("autumn");
        autumn.startsAt = T0;
        autumn.endsAt = T0 + 3_600_000;
        autumn.skus.add(new CampaignSpec.SkuSpec("card", SkuKind.CODE));
        expect(h.upsert(autumn), ResultCode.OK);
        expect(h.load("spring", "video", codes("VX8K", 5)), ResultCode.OK);
        expect(h.load("spring", "music", codes("MU5C", 4)), ResultCode.OK);
        expect(h.load("autumn", "card", codes("AUTM", 2)), ResultCode.OK);

        // first minute: 20:00:01 .. 20:00:03
        h.now = T0 + 1_000;
        byte[] ip = {10, 0, 0, 1};
        ReplyView first = expect(h.claim("u1", "spring", "video", "dev-1", ip, ""), ResultCode.GRANTED);
        s.firstVideoGrant = grantId(first);
        expect(h.claim("u1", "spring", "video", "dev-1", ip, ""), ResultCode.LIMIT_REACHED); // SKU limit 1
        expect(h.claim("u2", "spring", "video"), ResultCode.GRANTED);
        h.now = T0 + 2_000;
        expect(h.claim("u3", "spring", "pack"), ResultCode.GRANTED);   // video #2 + music #0
        expect(h.claim("u1", "spring", "music", "dev-1", ip, ""), ResultCode.GRANTED);
        expect(h.claim("u1", "spring", "music"), ResultCode.LIMIT_REACHED); // campaign limit 2
        expect(h.claim("u4", "spring", "nope"), ResultCode.UNKNOWN_SKU);
        h.now = T0 + 3_000;
        s.rechargeDelivered = grantId(expect(h.claim("u5", "spring", "rc", "", null, "13800000005"), ResultCode.GRANTED));
        s.rechargeFailed = grantId(expect(h.claim("u6", "spring", "rc", "", null, "13800000006"), ResultCode.GRANTED));
        expect(h.delivery(s.rechargeDelivered, 0, DeliveryStatus.DELIVERED, "primary"), ResultCode.OK);
        s.endOfFirstMinute = h.lastSequence();
        s.grantedAtEndOfFirstMinute = h.machine.campaign("spring").granted();

        // second minute: 20:01:05 .. 20:01:06
        h.now = T0 + 65_000;
        s.rechargePending = grantId(expect(h.claim("u7", "spring", "rc", "", null, "13800000007"), ResultCode.GRANTED));
        expect(h.claim("u8", "spring", "rc", "", null, "13800000008"), ResultCode.SOLD_OUT);
        expect(h.delivery(s.rechargeFailed, 0, DeliveryStatus.FAILED, "backup"), ResultCode.OK);
        expect(h.adjust("spring", "music", -1), ResultCode.OK);
        expect(h.redeem("u1", s.firstVideoGrant), ResultCode.REDEEMED);
        h.now = T0 + 66_000;
        expect(h.claim("u9", "autumn", "card"), ResultCode.GRANTED);
        expect(h.claim("u10", "autumn", "card"), ResultCode.GRANTED);
        expect(h.claim("u11", "autumn", "card"), ResultCode.SOLD_OUT);
        expect(h.status("autumn", CampaignStatus.CLOSED), ResultCode.OK);
        return s;
    }

    private static ReplyView expect(ReplyView r, ResultCode result) {
        if (r.result != result) {
            throw new AssertionError("expected " + result + ", engine answered " + r.result + " " + r.message);
        }
        return r;
    }
}
