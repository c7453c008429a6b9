package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.RefundReason;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.risk.Blocklist;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.IpBlock;
import dev.surge.engine.risk.RiskRules;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.GrantSummary;
import dev.surge.engine.state.Partners;
import dev.surge.engine.state.PendingPage;
import dev.surge.engine.state.PendingRefund;
import dev.surge.engine.state.PendingRefundPage;
import dev.surge.engine.state.RedeemerKey;
import dev.surge.engine.state.StateMachine;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of rich query answer the engine leaves on a slot, taken from a real state machine,
 * through the bytes of the cluster's answer message and back: equal to what the engine made, so
 * that a gateway in front of a cluster renders what a single gateway renders.
 */
class AnswerCodecTest {
    private static final int OFFSET = 13; // as after an answer message's header and some reply
    private static final byte[] ADDRESS = {10, 1, 2, 3};
    private static EngineDriver d;
    private static String paidOrder;

    /** Campaigns with every kind of counter: CODE, recharge and bundle SKUs, risk rules and refusals, paid orders. */
    @BeforeAll
    static void state() {
        d = new EngineDriver();
        assertEquals(ResultCode.OK, d.configureSupplier("acme", "http://127.0.0.1:9/a", 2000, 8,
            "acme-secret-acme-secret").result);
        CampaignSpec spec = EngineDriver.campaign("spring", 2);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        CampaignSpec.SkuSpec topup = EngineDriver.sku(spec, "topup", SkuKind.DIRECT_RECHARGE);
        topup.stock = 10;
        topup.suppliers.add("acme");
        spec.risk = new RiskRules();
        spec.risk.perDevice = new RiskRules.Velocity(1, 60);
        spec.risk.requireDevice = false;
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        CampaignSpec sale = EngineDriver.campaign("sale", 1);
        EngineDriver.paid(EngineDriver.sku(sale, "vip", SkuKind.CODE), 990, "acme");
        assertEquals(ResultCode.OK, d.upsert(sale).result);
        d.load("spring", "card", EngineDriver.codes("S", 5));
        d.load("sale", "vip", EngineDriver.codes("V", 2));
        assertEquals(ResultCode.GRANTED, d.claim("alice", "k1", "spring", "card", "dev-1", ADDRESS, "").result);
        assertEquals(ResultCode.GRANTED, d.claim("alice", "k2", "spring", "topup", "", ADDRESS, "138000").result);
        assertEquals(ResultCode.RISK_REJECTED, d.claim("bob", "k1", "spring", "card", "dev-1", ADDRESS, "").result);
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("alice", "k3", "spring", "card").result);
        ReplyView order = d.claim("carol", "k1", "sale", "vip");
        assertEquals(ResultCode.RESERVED, order.result);
        paidOrder = order.orderId();
        assertEquals(ResultCode.PAID, d.notifyPayment("acme", "T1", paidOrder, 990, "CNY").result);
        d.notifyPayment("acme", "T2", paidOrder, 990, "CNY"); // a second payment: a refund is owed
        assertEquals(ResultCode.OK, d.createRedeemer("shop-1", EngineDriver.keyHash(1), "spring", "sale").result);
        BlocklistChange change = new BlocklistChange();
        change.users.add("mallory");
        change.devices.add("dev-9");
        change.ips.add(IpBlock.of(new byte[] {(byte) 192, (byte) 168, 0, 0}, 16));
        assertEquals(ResultCode.OK, d.blocklist(change).result);
    }

    @Test
    void campaignCounters() {
        Object list = roundTrip(CommandType.QUERY_CAMPAIGNS, d.machine.campaigns());
        assertEquals(d.machine.campaigns().toString(), list.toString(), "every field, risk rules among them");
        List<?> campaigns = (List<?>) list;
        CampaignCounters spring = (CampaignCounters) campaigns.get(0);
        assertEquals(1L, spring.rejected().get(ResultCode.LIMIT_REACHED));
        assertTrue(spring.riskRejected().values().stream().anyMatch(n -> n == 1L));
        assertEquals(1, spring.risk().perDevice.max());
        assertTrue(((CampaignCounters) campaigns.get(1)).orders().any());
        CampaignCounters one = d.machine.campaign("sale");
        assertEquals(one, roundTrip(CommandType.QUERY_CAMPAIGNS, one), "one campaign (no risk rules: equal as records)");
        assertEquals(List.of(), roundTrip(CommandType.QUERY_CAMPAIGNS, List.of()));
    }

    @Test
    void aUsersGrants() {
        List<GrantSummary> grants = d.machine.grantsOf("alice", 10);
        assertEquals(2, grants.size());
        assertEquals(grants, roundTrip(CommandType.QUERY_USER_GRANTS, grants), "codes, recharge items, statuses");
        assertTrue(grants.stream().anyMatch(g -> g.items().get(0).code() == null), "a recharge has no code");
    }

    @Test
    void theBlocklistAndItsSizes() {
        Blocklist.Entries entries = d.blocklistEntries();
        assertEquals(List.of("mallory"), entries.users());
        assertEquals(entries, roundTrip(CommandType.QUERY_BLOCKLIST, entries));
        Blocklist.Sizes sizes = new Blocklist.Sizes(1, 1, 1);
        assertEquals(sizes, roundTrip(CommandType.UPDATE_BLOCKLIST, sizes));
    }

    @Test
    void pendingDeliveriesAndRefunds() {
        PendingPage deliveries = d.pending(0, 10);
        assertEquals(1, deliveries.items().size());
        assertEquals(deliveries, roundTrip(CommandType.QUERY_PENDING_DELIVERIES, deliveries));
        PendingRefundPage refunds = d.pendingRefunds(0, 10);
        assertEquals(1, refunds.refunds().size());
        assertEquals(refunds, roundTrip(CommandType.QUERY_PENDING_REFUNDS, refunds));
        PendingRefundPage unknowns = new PendingRefundPage(List.of(new PendingRefund(1, 2, 3, null, 4, null, null,
            RefundReason.DUPLICATE_PAYMENT, 0, null)), 7);
        assertEquals(unknowns, roundTrip(CommandType.QUERY_PENDING_REFUNDS, unknowns), "nulls stay null");
        PendingRefundPage recorded = new PendingRefundPage(List.of(new PendingRefund(1, 2, 3, "T", 4, "CNY", "p",
            RefundReason.DUPLICATE_PAYMENT, 2, DeliveryOutcome.UNKNOWN)), -1);
        assertEquals(recorded, roundTrip(CommandType.QUERY_PENDING_REFUNDS, recorded));
    }

    @Test
    void partners() {
        Partners p = d.machine.partners();
        Partners back = (Partners) roundTrip(CommandType.QUERY_PARTNERS, p);
        assertEquals(1, back.redeemers().size());
        assertSamePartners(p, back);
        assertEquals(List.of("spring", "sale"), back.redeemers().get(0).campaigns());
        assertEquals("acme-secret-acme-secret", back.suppliers().get(0).secret(), "secrets too");
        assertEquals(List.of("acme"), back.routes().get("spring/topup"));
    }

    /** Field by field: a redeemer key's hash is an array, which a record compares by identity. */
    private static void assertSamePartners(Partners expected, Partners actual) {
        assertEquals(expected.redeemers().size(), actual.redeemers().size());
        for (int i = 0; i < expected.redeemers().size(); i++) {
            RedeemerKey e = expected.redeemers().get(i);
            RedeemerKey a = actual.redeemers().get(i);
            assertEquals(e.redeemer(), a.redeemer());
            assertArrayEquals(e.keyHash(), a.keyHash());
            assertEquals(e.createdAt(), a.createdAt());
            assertEquals(e.campaigns(), a.campaigns());
        }
        assertEquals(expected.suppliers(), actual.suppliers());
        assertEquals(expected.routes(), actual.routes());
    }

    /** The answer each query command leaves on the slot, straight from the engine's decide, has a wire form. */
    @Test
    void everyQueryTheEngineAnswersWithAnObjectRoundTrips() {
        StateMachine machine = d.replay();
        CommandWriter w = new CommandWriter();
        CommandSlot slot = new CommandSlot();
        List<Consumer<CommandSlot>> queries = List.of(
            s -> w.queryCampaigns(s, d.now, ""),
            s -> w.queryCampaigns(s, d.now, "spring"),
            s -> w.queryUserGrants(s, d.now, "alice", 10, 0, 0),
            s -> w.queryBlocklist(s, d.now),
            s -> w.queryPendingDeliveries(s, d.now, 0, 10),
            s -> w.queryPendingRefunds(s, d.now, 0, 10),
            s -> w.queryPartners(s, d.now),
            s -> w.updateBlocklist(s, d.now, new BlocklistChange()));
        for (Consumer<CommandSlot> q : queries) {
            q.accept(slot);
            machine.decide(slot);
            assertFalse(slot.answer == null, slot.type + " leaves an answer");
            Object back = roundTrip(slot.type, slot.answer);
            assertEquals(slot.answer.getClass(), back.getClass(), slot.type.name());
            if (slot.answer instanceof Partners p) {
                assertSamePartners(p, (Partners) back);
            } else { // records print every field (risk rules too); none of these holds an array
                assertEquals(slot.answer.toString(), back.toString(), slot.type.name());
            }
        }
    }

    @Test
    void noAnswerIsNoBytes() {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        assertEquals(0, AnswerCodec.write(CommandType.QUERY_CAMPAIGNS, null, buffer, OFFSET, 1000));
        assertNull(AnswerCodec.read(buffer, OFFSET, 0));
    }

    @Test
    void anAnswerLargerThanAMessageBecomesTooLarge() {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        List<CampaignCounters> all = d.machine.campaigns();
        int full = AnswerCodec.write(CommandType.QUERY_CAMPAIGNS, all, buffer, OFFSET, Integer.MAX_VALUE);
        int cut = AnswerCodec.write(CommandType.QUERY_CAMPAIGNS, all, buffer, OFFSET, full - 1);
        assertEquals(5, cut);
        assertEquals(new AnswerCodec.TooLarge(full), AnswerCodec.read(buffer, OFFSET, cut));
    }

    @Test
    void bytesThatAreNoAnswerAreRefused() {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        int n = AnswerCodec.write(CommandType.QUERY_CAMPAIGNS, d.machine.campaigns(), buffer, 0, Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> AnswerCodec.read(buffer, 0, n - 3), "cut short");
        assertThrows(IllegalArgumentException.class, () -> AnswerCodec.read(new UnsafeBuffer(new byte[] {99}), 0, 1));
        assertThrows(IllegalArgumentException.class,
            () -> AnswerCodec.write(CommandType.QUERY_GRANT, "not an answer", buffer, 0, 100));
        byte[] extra = new byte[n + 1];
        buffer.getBytes(0, extra, 0, n);
        assertThrows(IllegalArgumentException.class, () -> AnswerCodec.read(new UnsafeBuffer(extra), 0, n + 1));
    }

    private static Object roundTrip(CommandType type, Object answer) {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        buffer.setMemory(0, OFFSET, (byte) 0x55);
        int n = AnswerCodec.write(type, answer, buffer, OFFSET, Integer.MAX_VALUE);
        assertTrue(n > 0);
        Object back = AnswerCodec.read(buffer, OFFSET, n);
        Class<?> kind = answer instanceof List ? List.class : answer.getClass();
        assertTrue(kind.isInstance(back), kind + ": " + back);
        return back;
    }
}
