package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StateMachineTest {
    private EngineDriver d;

    @BeforeEach
    void setUp() {
        d = new EngineDriver();
        CampaignSpec spec = EngineDriver.campaign("spring", 2);
        spec.perDeviceLimit = 3;
        spec.perIpLimit = 5;
        EngineDriver.sku(spec, "video", SkuKind.CODE).perUserLimit = 1;
        EngineDriver.sku(spec, "music", SkuKind.CODE);
        CampaignSpec.SkuSpec recharge = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        recharge.stock = 2;
        recharge.suppliers.add("primary");
        CampaignSpec.SkuSpec bundle = EngineDriver.sku(spec, "pack", SkuKind.BUNDLE);
        bundle.items.add(new CampaignSpec.BundleItem("video", 1));
        bundle.items.add(new CampaignSpec.BundleItem("music", 2));
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        ReplyView loaded = d.load("spring", "video", List.of("V1", "V2", "V3", "V2", "V1"));
        assertEquals(3, loaded.loaded);
        assertEquals(2, loaded.duplicatesSkipped);
        assertEquals(3, loaded.available);
        assertEquals(4, d.load("spring", "music", List.of("M1", "M2", "M3", "M4", "V1")).loaded);
    }

    @Test
    void grantsCodesInLoadOrderAndRefusesUnknowns() {
        ReplyView r = d.claim("alice", "k1", "spring", "video");
        assertEquals(ResultCode.GRANTED, r.result);
        assertEquals("V1", r.items.get(0).code());
        assertEquals(DeliveryStatus.DELIVERED, r.delivery);
        assertTrue(r.grantId().startsWith("g_"));
        assertEquals(ResultCode.UNKNOWN_CAMPAIGN, d.claim("alice", "k2", "nope", "video").result);
        assertEquals(ResultCode.UNKNOWN_SKU, d.claim("alice", "k3", "spring", "nope").result);
    }

    @Test
    void perSkuAndPerCampaignLimits() {
        assertEquals(ResultCode.GRANTED, d.claim("bob", "1", "spring", "video").result);
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("bob", "2", "spring", "video").result);
        assertEquals(ResultCode.GRANTED, d.claim("bob", "3", "spring", "music").result);
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("bob", "4", "spring", "music").result);
    }

    @Test
    void deviceAndIpLimits() {
        byte[] ip = {10, 0, 0, 1};
        for (int i = 0; i < 3; i++) {
            assertEquals(ResultCode.GRANTED, d.claim("u" + i, "k", "spring", "music", "dev1", ip, "").result);
        }
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("u9", "k", "spring", "music", "dev1", ip, "").result);
        assertEquals(ResultCode.GRANTED, d.claim("u10", "k", "spring", "video", "dev2", ip, "").result);
        assertEquals(ResultCode.GRANTED, d.claim("u11", "k", "spring", "video", "dev3", ip, "").result);
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("u12", "k", "spring", "video", "dev4", ip, "").result);
    }

    @Test
    void soldOutNeverOversells() {
        Set<String> codes = new HashSet<>();
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            ReplyView r = d.claim("user" + i, "k", "spring", "video");
            if (r.result == ResultCode.GRANTED) {
                granted++;
                assertTrue(codes.add(r.items.get(0).code()));
            } else {
                assertEquals(ResultCode.SOLD_OUT, r.result);
            }
        }
        assertEquals(3, granted);
    }

    @Test
    void idempotentReplayReturnsTheOriginalAndRefusesAnotherBody() {
        ReplyView first = d.claim("carol", "same", "spring", "video");
        int events = d.events.size();
        ReplyView again = d.claim("carol", "same", "spring", "video");
        assertEquals(ResultCode.GRANTED, again.result);
        assertTrue(again.replayed);
        assertEquals(first.grantId(), again.grantId());
        assertEquals(first.items, again.items);
        assertEquals(events, d.events.size(), "a replay writes no event");
        assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, d.claim("carol", "same", "spring", "music").result);
        // the same key from another user is another request
        assertEquals(ResultCode.GRANTED, d.claim("dave", "same", "spring", "video").result);
    }

    @Test
    void rejectionsAreReplayedToo() {
        d.status("spring", CampaignStatus.PAUSED);
        assertEquals(ResultCode.PAUSED, d.claim("erin", "k", "spring", "video").result);
        d.status("spring", CampaignStatus.ACTIVE);
        ReplyView again = d.claim("erin", "k", "spring", "video");
        assertEquals(ResultCode.PAUSED, again.result);
        assertTrue(again.replayed);
    }

    @Test
    void timeWindowAndClose() {
        CampaignSpec later = EngineDriver.campaign("later", 0);
        later.startsAt = d.now + 1000;
        later.endsAt = d.now + 2000;
        EngineDriver.sku(later, "x", SkuKind.CODE);
        d.upsert(later);
        d.load("later", "x", EngineDriver.codes("L", 5));
        assertEquals(ResultCode.NOT_STARTED, d.claim("f", "1", "later", "x").result);
        d.now += 1000;
        assertEquals(ResultCode.GRANTED, d.claim("f", "2", "later", "x").result);
        d.now += 1000;
        assertEquals(ResultCode.ENDED, d.claim("f", "3", "later", "x").result);
        d.status("spring", CampaignStatus.CLOSED);
        assertEquals(ResultCode.ENDED, d.claim("f", "4", "spring", "video").result);
        assertEquals(ResultCode.INVALID, d.status("spring", CampaignStatus.ACTIVE).result);
    }

    @Test
    void bundleIsAllOrNothing() {
        ReplyView r = d.claim("g", "1", "spring", "pack");
        assertEquals(ResultCode.GRANTED, r.result);
        assertEquals(3, r.items.size());
        assertEquals(ResultCode.GRANTED, d.claim("h", "1", "spring", "pack").result);
        // music has 0 left after two bundles (4 loaded, 2 each); video still has one
        ReplyView third = d.claim("i", "1", "spring", "pack");
        assertEquals(ResultCode.SOLD_OUT, third.result);
        assertEquals(1, d.machine.campaign("spring").skus().get(0).stockLeft());
    }

    @Test
    void rechargeNeedsAccountAndStartsPending() {
        assertEquals(ResultCode.ACCOUNT_REQUIRED, d.claim("j", "1", "spring", "vip").result);
        ReplyView r = d.claim("j", "2", "spring", "vip", "", null, "13800000000");
        assertEquals(ResultCode.GRANTED, r.result);
        assertEquals(DeliveryStatus.PENDING, r.delivery);
        assertEquals(ResultCode.NOT_DELIVERED, d.redeemGrant("j", "r1", r.grantId()).result);
        assertEquals(ResultCode.OK, d.delivery(r.grantId(), 0, DeliveryStatus.DELIVERED, "primary").result);
        ReplyView q = d.query("j", r.grantId());
        assertEquals(DeliveryStatus.DELIVERED, q.delivery);
        assertEquals("primary", q.items.get(0).supplier());
        assertEquals(ResultCode.REDEEMED, d.redeemGrant("j", "r2", r.grantId()).result);
        assertEquals("13800000000", d.machine.account(r.grantId()));
    }

    @Test
    void stockAdjustmentsNeverGoBelowGranted() {
        d.claim("k", "1", "spring", "vip", "", null, "1");
        assertEquals(ResultCode.INVALID, d.adjust("spring", "vip", -2).result);
        assertEquals(ResultCode.OK, d.adjust("spring", "vip", -1).result);
        assertEquals(ResultCode.SOLD_OUT, d.claim("l", "1", "spring", "vip", "", null, "2").result);
        assertEquals(ResultCode.OK, d.adjust("spring", "vip", 5).result);
        assertEquals(ResultCode.GRANTED, d.claim("l", "2", "spring", "vip", "", null, "2").result);
        assertEquals(ResultCode.OK, d.adjust("spring", "video", -3).result);
        assertEquals(ResultCode.SOLD_OUT, d.claim("m", "1", "spring", "video").result);
        assertEquals(ResultCode.INVALID, d.adjust("spring", "video", 4).result);
        assertEquals(ResultCode.OK, d.adjust("spring", "video", 1).result);
        assertEquals(ResultCode.GRANTED, d.claim("m", "2", "spring", "video").result);
    }

    @Test
    void redemptionByOwnerAndByCode() {
        byte[] shop = EngineDriver.keyHash(1);
        assertEquals(ResultCode.OK, d.createRedeemer("shop", shop, "spring").result);
        ReplyView g = d.claim("n", "1", "spring", "video");
        assertEquals(ResultCode.NOT_OWNER, d.redeemGrant("o", "1", g.grantId()).result);
        assertEquals(ResultCode.REDEEMED, d.redeemCode("shop", shop, "1", g.items.get(0).code()).result);
        assertEquals(ResultCode.ALREADY_REDEEMED, d.redeemGrant("n", "2", g.grantId()).result);
        assertEquals(ResultCode.NOT_FOUND, d.redeemCode("shop", shop, "2", "NO-SUCH").result);
        assertEquals(ResultCode.NOT_FOUND, d.redeemCode("shop", shop, "3", "V3").result, "loaded but not issued");
        assertEquals(ResultCode.NOT_FOUND, d.query("someone-else", g.grantId()).result);
        assertEquals(ResultCode.FOUND, d.query("n", g.grantId()).result);
    }

    @Test
    void configUpdatesCannotRemoveOrRetypeSkus() {
        CampaignSpec spec = EngineDriver.campaign("spring", 2);
        EngineDriver.sku(spec, "video", SkuKind.CODE);
        ReplyView r = d.upsert(spec);
        assertEquals(ResultCode.INVALID, r.result);
        assertTrue(r.message.contains("cannot be removed"), r.message);
    }

    @Test
    void replayAndSnapshotReproduceTheState() throws Exception {
        for (int i = 0; i < 5; i++) {
            d.claim("p" + i, "1", "spring", i % 2 == 0 ? "video" : "music");
        }
        d.claim("q", "1", "spring", "vip", "dev", new byte[] {1, 2, 3, 4}, "139");
        long live = d.machine.digest();
        assertEquals(live, d.replay().digest());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.machine.writeSnapshot(new DataOutputStream(bytes));
        StateMachine restored = StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            d.machine.config());
        assertEquals(live, restored.digest());
        // and the restored machine decides exactly as the live one does
        ReplyView a = d.claim("r", "1", "spring", "music");
        assertNotEquals(live, d.machine.digest());
        assertFalse(a.replayed);
        assertEquals(d.events.size(), d.machine.lastSequence());
    }
}
