package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle of a grant (docs/lifecycle.md): validity, revocation, re-issue, gifts. */
class GrantLifecycleTest {
    private static final byte[] MERCHANT_KEY = EngineDriver.keyHash(7);
    private EngineDriver d;

    @BeforeEach
    void setUp() {
        d = new EngineDriver();
        CampaignSpec spec = EngineDriver.campaign("spring", 0);
        spec.redeemUntil = 1_000_000_000L;
        EngineDriver.sku(spec, "video", SkuKind.CODE).perUserLimit = 1;
        EngineDriver.sku(spec, "dated", SkuKind.CODE).codeValidUntil = 2_000_000L;
        CampaignSpec.SkuSpec recharge = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        recharge.stock = 5;
        recharge.suppliers.add("primary");
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        assertEquals(2, d.load("spring", "video", List.of("V1", "V2")).loaded);
        assertEquals(2, d.load("spring", "dated", List.of("D1", "D2")).loaded);
        assertEquals(ResultCode.OK, d.createRedeemer("cafe", MERCHANT_KEY, "spring").result);
    }

    // ---- validity -----------------------------------------------------------------------------

    @Test
    void aCodeIsNotRedeemableAfterItsUploadsValidityNorAfterItsSkus() {
        assertEquals(1, d.load("spring", "video", List.of("V3"), 1_500_000L).loaded);
        String v1 = d.claim("a", "k", "spring", "video").grantId();
        d.claim("b", "k", "spring", "video"); // V2
        ReplyView third = d.claim("b3", "k", "spring", "video");
        assertEquals("V3", third.items.get(0).code());
        String v3 = third.grantId();
        ReplyView dated = d.claim("c", "k", "spring", "dated");
        assertEquals(Long.MAX_VALUE, d.query("a", v1).items.get(0).validUntil(), "no validity: none shown");
        assertEquals(1_500_000L, d.query("b3", v3).items.get(0).validUntil());
        assertEquals(2_000_000L, d.query("c", dated.grantId()).items.get(0).validUntil());

        d.now = 1_500_000L; // the last millisecond of V3's validity
        assertEquals(ResultCode.REDEEMED, d.redeemCode("cafe", MERCHANT_KEY, "r1", "V3").result);
        d.now = 2_000_001L;
        assertEquals(ResultCode.EXPIRED, d.redeemGrant("c", "r2", dated.grantId()).result, "the SKU's validity");
        assertEquals(ResultCode.REDEEMED, d.redeemGrant("a", "r3", v1).result, "only the campaign's redeemUntil");
        assertReplays();
    }

    @Test
    void theEarliestOfUploadAndSkuValidityWins() {
        assertEquals(1, d.load("spring", "dated", List.of("D3"), 3_000_000L).loaded);
        d.claim("a", "k", "spring", "dated");
        d.claim("b", "k", "spring", "dated");
        ReplyView third = d.claim("c", "k", "spring", "dated");
        assertEquals("D3", third.items.get(0).code());
        assertEquals(2_000_000L, d.query("c", third.grantId()).items.get(0).validUntil());
        d.now = 2_500_000L;
        assertEquals(ResultCode.EXPIRED, d.redeemGrant("c", "r", third.grantId()).result);
    }

    @Test
    void anUploadValidityIsRefusedWhenNotATime() {
        assertEquals(ResultCode.INVALID, d.load("spring", "video", List.of("X"), 0).result);
    }

    // ---- revocation ---------------------------------------------------------------------------

    @Test
    void aRevokedGrantIsNotRedeemableAndSaysSo() {
        ReplyView g = d.claim("a", "k", "spring", "video");
        int events = d.events.size();
        assertEquals(ResultCode.OK, d.revoke("ops", "fraud report 12", g.grantId()).result);
        assertEquals(events + 1, d.events.size(), "one event");
        assertEquals(GrantStatus.REVOKED, d.query("a", g.grantId()).status);
        assertEquals(GrantStatus.REVOKED, d.machine.grantsOf("a", 10).get(0).status());
        assertEquals(ResultCode.REVOKED, d.redeemGrant("a", "r1", g.grantId()).result);
        assertEquals(ResultCode.REVOKED, d.redeemCode("cafe", MERCHANT_KEY, "r2", "V1").result);
        assertEquals(ResultCode.REVOKED, d.revoke("ops", "again", g.grantId()).result, "once");
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("a", "k2", "spring", "video").result,
            "a revocation gives no limit back");
        assertReplays();
    }

    @Test
    void revocationRefusesUnknownRedeemedAndInvalidRequests() {
        ReplyView g = d.claim("a", "k", "spring", "video");
        assertEquals(ResultCode.INVALID, d.revoke("", "why", g.grantId()).result);
        assertEquals(ResultCode.INVALID, d.revoke("ops", "", g.grantId()).result);
        assertEquals(ResultCode.NOT_FOUND, d.revoke("ops", "why", "g_AAAAAAAAAAAAAAAA").result);
        d.redeemGrant("a", "r", g.grantId());
        assertEquals(ResultCode.ALREADY_REDEEMED, d.revoke("ops", "why", g.grantId()).result);
    }

    @Test
    void aRevokedRechargeNotYetSentIsCancelledNeverRedriven() {
        ReplyView g = d.claim("a", "k", "spring", "vip", "", null, "acc-1");
        assertEquals(ResultCode.INVALID, d.step(g.grantId(), 0, DeliveryStatus.FAILED, "primary", 0,
            DeliveryOutcome.CANCELLED).result, "only a revoked grant's item is cancelled");
        assertEquals(ResultCode.OK, d.revoke("ops", "refund", g.grantId()).result);
        PendingPage page = d.pending(0, 10);
        assertEquals(1, page.items().size());
        assertTrue(page.items().get(0).revoked(), "the dispatcher learns it must not send it");
        assertEquals(ResultCode.OK, d.step(g.grantId(), 0, DeliveryStatus.FAILED, "primary", 0,
            DeliveryOutcome.CANCELLED).result);
        assertEquals(DeliveryStatus.FAILED, d.query("a", g.grantId()).items.get(0).status());
        assertEquals(0, d.redrive("ops", "", "", 0, Long.MAX_VALUE).count, "never sent again");
        assertReplays();
    }

    @Test
    void aRevokedRechargeInDoubtCannotBeCancelled() {
        ReplyView g = d.claim("a", "k", "spring", "vip", "", null, "acc-1");
        assertEquals(ResultCode.OK, d.step(g.grantId(), 0, DeliveryStatus.PENDING, "primary", 1,
            DeliveryOutcome.UNKNOWN).result);
        d.revoke("ops", "refund", g.grantId());
        assertEquals(ResultCode.INVALID, d.step(g.grantId(), 0, DeliveryStatus.FAILED, "primary", 1,
            DeliveryOutcome.CANCELLED).result, "the supplier may have it: ask first");
        assertEquals(ResultCode.OK, d.step(g.grantId(), 0, DeliveryStatus.DELIVERED, "primary", 2,
            DeliveryOutcome.CONFIRMED).result, "in flight: it finishes as the supplier says");
    }

    // ---- re-issue -----------------------------------------------------------------------------

    @Test
    void aReissueGivesAFreshCodeToTheSameOwnerAndRevokesTheOld() {
        ReplyView old = d.claim("a", "k", "spring", "video");
        int events = d.events.size();
        ReplyView r = d.reissue("ops", "code did not work", old.grantId());
        assertEquals(ResultCode.OK, r.result);
        assertEquals(events + 1, d.events.size(), "one event for both");
        assertNotEquals(old.grantId(), r.grantId());
        ReplyView fresh = d.query("a", r.grantId());
        assertEquals("V2", fresh.items.get(0).code());
        assertEquals(GrantStatus.ACTIVE, fresh.status);
        assertEquals(GrantStatus.REVOKED, d.query("a", old.grantId()).status);
        assertEquals(2, d.machine.grantsOf("a", 10).size());
        assertEquals(r.grantId(), d.machine.grantsOf("a", 10).get(0).grantId(), "newest first");
        assertEquals(ResultCode.REDEEMED, d.redeemCode("cafe", MERCHANT_KEY, "r", "V2").result);
        assertEquals(ResultCode.REVOKED, d.reissue("ops", "again", old.grantId()).result, "never twice");
        assertReplays();
    }

    @Test
    void aReissueDoesNotCountAgainstLimitsButAgainstStock() {
        ReplyView old = d.claim("a", "k", "spring", "video");
        d.reissue("ops", "broken", old.grantId());
        assertEquals(ResultCode.SOLD_OUT, d.claim("b", "k", "spring", "video").result, "the pool gave its code");
        CampaignCounters.SkuCounters video = d.machine.campaign("spring").skus().get(0);
        assertEquals(0, video.stockLeft());
        ReplyView again = d.reissue("ops", "broken", d.machine.grantsOf("a", 1).get(0).grantId());
        assertEquals(ResultCode.SOLD_OUT, again.result);
        assertEquals(GrantStatus.ACTIVE, d.machine.grantsOf("a", 1).get(0).status(), "a refusal changes nothing");
    }

    @Test
    void onlyCodeGrantsAreReissued() {
        ReplyView recharge = d.claim("a", "k", "spring", "vip", "", null, "acc-1");
        assertEquals(ResultCode.NOT_REISSUABLE, d.reissue("ops", "why", recharge.grantId()).result);
    }

    // ---- transfer -----------------------------------------------------------------------------

    @Test
    void aGiftMovesTheGrantToTheRecipientWhoMayRedeemIt() {
        ReplyView g = d.claim("giver", "k", "spring", "video");
        assertEquals(ResultCode.TRANSFERRED, d.transfer("giver", "t1", g.grantId(), "friend").result);
        assertEquals(ResultCode.NOT_FOUND, d.query("giver", g.grantId()).result, "the giver no longer sees it");
        assertTrue(d.machine.grantsOf("giver", 10).isEmpty());
        assertEquals(List.of(g.grantId()), d.machine.grantsOf("friend", 10).stream().map(GrantSummary::grantId).toList());
        assertEquals(ResultCode.NOT_OWNER, d.redeemGrant("giver", "r1", g.grantId()).result);
        assertEquals(ResultCode.REDEEMED, d.redeemGrant("friend", "r2", g.grantId()).result);
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("giver", "k2", "spring", "video").result,
            "the limit stays with the claimer");
        assertReplays();
    }

    @Test
    void aRetryOfAGiftReplaysAndAnotherBodyIsRefused() {
        ReplyView g = d.claim("giver", "k", "spring", "video");
        assertEquals(ResultCode.TRANSFERRED, d.transfer("giver", "t1", g.grantId(), "friend").result);
        int events = d.events.size();
        ReplyView again = d.transfer("giver", "t1", g.grantId(), "friend");
        assertEquals(ResultCode.TRANSFERRED, again.result);
        assertTrue(again.replayed);
        assertEquals(g.grantId(), again.grantId());
        assertEquals(events, d.events.size());
        assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, d.transfer("giver", "t1", g.grantId(), "other").result);
        assertEquals(ResultCode.NOT_FOUND, d.transfer("giver", "t2", g.grantId(), "other").result, "not theirs now");
    }

    @Test
    void aClaimReplayedByTheGiverShowsNoCode() {
        ReplyView g = d.claim("giver", "k", "spring", "video");
        d.transfer("giver", "t1", g.grantId(), "friend");
        ReplyView replay = d.claim("giver", "k", "spring", "video");
        assertTrue(replay.replayed);
        assertEquals(g.grantId(), replay.grantId());
        assertEquals("", replay.items.get(0).code());
    }

    @Test
    void giftsAreRefusedForRevokedRedeemedRechargeAndSelf() {
        ReplyView revoked = d.claim("a", "k1", "spring", "video");
        d.revoke("ops", "why", revoked.grantId());
        assertEquals(ResultCode.REVOKED, d.transfer("a", "t1", revoked.grantId(), "b").result);
        ReplyView redeemed = d.claim("a", "k2", "spring", "dated");
        d.redeemGrant("a", "r", redeemed.grantId());
        assertEquals(ResultCode.ALREADY_REDEEMED, d.transfer("a", "t2", redeemed.grantId(), "b").result);
        ReplyView recharge = d.claim("a", "k3", "spring", "vip", "", null, "acc-1");
        assertEquals(ResultCode.NOT_TRANSFERABLE, d.transfer("a", "t3", recharge.grantId(), "b").result);
        assertEquals(ResultCode.INVALID, d.transfer("a", "t4", recharge.grantId(), "a").result);
        assertEquals(ResultCode.INVALID, d.transfer("a", "t5", recharge.grantId(), "").result);
        assertEquals(ResultCode.NOT_FOUND, d.transfer("b", "t6", recharge.grantId(), "c").result);
    }

    @Test
    void listsStayNewestFirstAcrossGiftsBackAndForth() {
        String[] ids = new String[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = d.claim(i % 2 == 0 ? "a" : "b", "k" + i, "spring", i < 2 ? "video" : "dated").grantId();
        }
        assertEquals(ResultCode.TRANSFERRED, d.transfer("a", "t1", ids[0], "b").result);
        assertEquals(List.of(ids[3], ids[1], ids[0]), idsOf("b"));
        assertEquals(ResultCode.TRANSFERRED, d.transfer("b", "t2", ids[3], "a").result);
        assertEquals(List.of(ids[3], ids[2]), idsOf("a"));
        assertEquals(List.of(ids[1], ids[0]), idsOf("b"));
        assertEquals(ResultCode.TRANSFERRED, d.transfer("b", "t3", ids[0], "a").result);
        assertEquals(List.of(ids[3], ids[2], ids[0]), idsOf("a"));
        assertEquals(List.of(ids[1]), idsOf("b"));
        assertEquals(List.of(ids[2], ids[0]), d.machine.grantsOf("a", 2, idOf(ids[3])[0], (int) idOf(ids[3])[1])
            .stream().map(GrantSummary::grantId).toList(), "pages follow the list");
        assertReplays();
    }

    private List<String> idsOf(String user) {
        return d.machine.grantsOf(user, 100).stream().map(GrantSummary::grantId).toList();
    }

    private static long[] idOf(String grantId) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        return id;
    }

    /** Replay of the events, and a snapshot, give the live state's digest. */
    private void assertReplays() {
        long live = d.machine.digest();
        assertEquals(live, d.replay().digest(), "replay");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            d.machine.writeSnapshot(new DataOutputStream(bytes));
            StateMachine restored = StateMachine.readSnapshot(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), d.machine.config());
            assertEquals(live, restored.digest(), "snapshot");
            assertFalse(restored.grantsOf("nobody", 1).size() > 0);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
