package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.wire.WireWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivery records, supplier configuration and operator re-drives in the state machine (docs/delivery.md). */
class DeliveryRecordsTest {
    private EngineDriver d;

    @BeforeEach
    void setUp() {
        d = new EngineDriver(7);
        d.upsert(recharge("spring"));
        d.upsert(recharge("autumn"));
    }

    private static CampaignSpec recharge(String id) {
        CampaignSpec spec = EngineDriver.campaign(id, 0);
        CampaignSpec.SkuSpec vip = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        vip.stock = 100;
        vip.suppliers.add("primary");
        vip.suppliers.add("backup");
        return spec;
    }

    private String grant(String campaign, String user) {
        ReplyView r = d.claim(user, "k-" + user, campaign, "vip", "", null, "1380000" + user.length());
        assertEquals(ResultCode.GRANTED, r.result);
        return r.grantId();
    }

    private ReplyView step(String grant, DeliveryStatus status, String supplier, int attempt, DeliveryOutcome outcome) {
        return d.step(grant, 0, status, supplier, attempt, outcome);
    }

    @Test
    void aDeliveryStaysAtItsSupplierUntilAFailoverThatLeavesNothingInDoubt() {
        String g = grant("spring", "alice");
        assertEquals("supplier: the item is at primary; fail over before sending elsewhere",
            step(g, DeliveryStatus.PENDING, "backup", 1, DeliveryOutcome.SERVER_ERROR).message);
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.UNKNOWN).result);
        assertEquals("supplier: primary may have this delivery; ask it before leaving it",
            step(g, DeliveryStatus.PENDING, "backup", 2, DeliveryOutcome.FAILOVER).message);
        assertEquals("supplier: primary may have this delivery; ask it before leaving it",
            step(g, DeliveryStatus.FAILED, "primary", 2, DeliveryOutcome.EXHAUSTED).message);
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.PENDING, "primary", 2, DeliveryOutcome.UNANSWERED).result);
        assertTrue(DeliveryOutcome.UNANSWERED.maybeApplied());
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.PENDING, "primary", 3, DeliveryOutcome.NOT_SEEN).result);
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.PENDING, "backup", 3, DeliveryOutcome.FAILOVER).result);
        assertEquals("supplier: a failover moves forward from backup",
            step(g, DeliveryStatus.PENDING, "primary", 3, DeliveryOutcome.FAILOVER).message);
        assertEquals("status: PENDING does not go with outcome ACCEPTED",
            step(g, DeliveryStatus.PENDING, "backup", 4, DeliveryOutcome.ACCEPTED).message);
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.DELIVERED, "backup", 4, DeliveryOutcome.ACCEPTED).result);

        GrantSummary.Item item = d.machine.grant(g, false).items().get(0);
        assertEquals(DeliveryStatus.DELIVERED, item.status());
        assertEquals("backup", item.supplier());
        assertEquals(DeliveryOutcome.ACCEPTED, d.machine.deliveryOutcome(g, 0));
        assertEquals(1, d.machine.campaign("spring").deliveriesDelivered());
        assertEquals(0, d.machine.campaign("spring").deliveriesPending());
        assertEquals("supplier: not a supplier of SKU vip",
            step(g, DeliveryStatus.DELIVERED, "elsewhere", 5, DeliveryOutcome.DUPLICATE).message);
    }

    @Test
    void aFailedItemComesBackOnlyThroughAnOperatorRedrive() {
        String g = grant("spring", "bob");
        step(g, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.REJECTED);
        step(g, DeliveryStatus.PENDING, "backup", 1, DeliveryOutcome.FAILOVER);
        step(g, DeliveryStatus.PENDING, "backup", 2, DeliveryOutcome.REJECTED);
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.FAILED, "backup", 2, DeliveryOutcome.EXHAUSTED).result);
        assertEquals("item: failed at every supplier; an operator re-drive makes it pending again",
            step(g, DeliveryStatus.PENDING, "backup", 3, DeliveryOutcome.SERVER_ERROR).message);
        assertEquals(1, d.machine.campaign("spring").deliveriesFailed());
        String other = grant("spring", "bob2");
        assertEquals("status: PENDING does not go with outcome REDRIVEN",
            d.step(other, 0, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.REDRIVEN).message,
            "only the re-drive command makes a re-drive");

        ReplyView r = d.redrive("ops:carol", "spring", "backup", 0, Long.MAX_VALUE);
        assertEquals(ResultCode.OK, r.result);
        assertEquals(1, r.count);
        GrantSummary.Item item = d.machine.grant(g, false).items().get(0);
        assertEquals(DeliveryStatus.PENDING, item.status());
        assertNull(item.supplier(), "a re-driven item starts again from the first supplier");
        assertEquals(DeliveryOutcome.REDRIVEN, d.machine.deliveryOutcome(g, 0));
        assertEquals(0, d.machine.campaign("spring").deliveriesFailed());
        assertEquals(2, d.machine.campaign("spring").deliveriesPending());
        assertEquals(ResultCode.OK, step(g, DeliveryStatus.DELIVERED, "primary", 3, DeliveryOutcome.ACCEPTED).result);
    }

    @Test
    void redriveSelectsByCampaignLastSupplierAndFailureTime() {
        List<String> failedAtBackup = new ArrayList<>();
        for (String campaign : List.of("spring", "autumn")) {
            for (int i = 0; i < 3; i++) {
                d.now += 1000;
                String g = grant(campaign, campaign + "-u" + i);
                if (i == 0) {
                    step(g, DeliveryStatus.FAILED, "primary", 1, DeliveryOutcome.EXHAUSTED); // single-supplier failure
                } else {
                    step(g, DeliveryStatus.PENDING, "backup", 1, DeliveryOutcome.FAILOVER);
                    step(g, DeliveryStatus.FAILED, "backup", 2, DeliveryOutcome.EXHAUSTED);
                    failedAtBackup.add(campaign + ":" + d.now);
                }
            }
        }
        int events = d.events.size();
        ReplyView none = d.redrive("ops", "spring", "backup", 0, 1);
        assertEquals(ResultCode.OK, none.result);
        assertEquals(0, none.count);
        assertEquals(events, d.events.size(), "a re-drive that matches nothing journals nothing");
        assertEquals(ResultCode.UNKNOWN_CAMPAIGN, d.redrive("ops", "winter", "", 0, Long.MAX_VALUE).result);
        assertEquals("to: must be after from", d.redrive("ops", "", "", 5, 5).message);
        assertEquals("requestedBy: who asks, 1-200 characters", d.redrive("", "", "", 0, 5).message);

        long springSecond = Long.parseLong(failedAtBackup.get(0).split(":")[1]);
        assertEquals(1, d.redrive("ops", "spring", "backup", springSecond, springSecond + 1).count, "time range");
        assertEquals(1, d.redrive("ops", "spring", "backup", 0, Long.MAX_VALUE).count, "the other spring one");
        assertEquals(2, d.redrive("ops", "", "primary", 0, Long.MAX_VALUE).count, "both campaigns' primary failures");
        assertEquals(2, d.redrive("ops", "", "", 0, Long.MAX_VALUE).count, "what is left: autumn's backup failures");
        assertEquals(0, d.machine.campaign("spring").deliveriesFailed() + d.machine.campaign("autumn").deliveriesFailed());
        assertEquals(6, d.machine.campaign("spring").deliveriesPending() + d.machine.campaign("autumn").deliveriesPending());

        EventView v = new EventView();
        byte[] last = d.events.get(d.events.size() - 1);
        assertTrue(v.wrap(new UnsafeBuffer(last), 0, last.length));
        assertEquals(EventType.DELIVERIES_REDRIVEN, v.type);
        assertEquals("ops", v.actor());
        assertEquals(2, v.count);
        assertEquals(d.machine.digest(), d.replay().digest(), "replay re-drives exactly the same items");
    }

    @Test
    void suppliersAreConfiguredThroughEventsAndKeptInSnapshots() throws Exception {
        assertEquals("url: an http:// or https:// URL of at most 512 characters",
            d.configureSupplier("primary", "ftp://x", 1000, 8, "s3cret").message);
        assertEquals("timeoutMs: must be 1-600000", d.configureSupplier("primary", "http://x", 0, 8, "s3cret").message);
        assertEquals("maxConcurrency: must be 1-10000",
            d.configureSupplier("primary", "http://x", 10, 0, "s3cret").message);
        assertEquals("secret: must be 1-1024 bytes", d.configureSupplier("primary", "http://x", 10, 1, "").message);
        assertEquals("id: must be 1-64 characters [A-Za-z0-9._-]",
            d.configureSupplier("a/b", "http://x", 10, 1, "s").message);
        assertEquals(ResultCode.OK, d.configureSupplier("primary", "http://127.0.0.1:1/p", 1500, 8, "first").result);
        assertEquals(ResultCode.OK, d.configureSupplier("backup", "http://127.0.0.1:2/b", 2500, 4, "second").result);
        assertEquals(ResultCode.OK, d.configureSupplier("primary", "http://127.0.0.1:3/p", 1000, 16, "third").result);
        List<SupplierConfig> suppliers = d.machine.suppliers();
        assertEquals(List.of("primary", "backup"), suppliers.stream().map(SupplierConfig::id).toList());
        assertEquals("http://127.0.0.1:3/p", suppliers.get(0).url());
        assertEquals("third", suppliers.get(0).secret());
        assertEquals(16, suppliers.get(0).maxConcurrency());
        assertFalse(suppliers.get(0).toString().contains("third"), "toString never shows the secret");
        assertEquals(List.of("primary", "backup"), d.machine.supplierRoutes().get("spring/vip"));

        String g = grant("spring", "dave");
        step(g, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.UNKNOWN);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.machine.writeSnapshot(new DataOutputStream(bytes));
        StateMachine restored = StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            d.machine.config());
        assertEquals(d.machine.digest(), restored.digest());
        assertEquals(d.replay().digest(), restored.digest());
        assertEquals("third", restored.suppliers().get(0).secret());
        assertEquals(DeliveryOutcome.UNKNOWN, restored.deliveryOutcome(g, 0), "a restart knows to ask primary first");
    }

    @Test
    void pendingPagesResumeEveryUnfinishedItemWhereItStands() {
        List<String> grants = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            grants.add(grant(i % 2 == 0 ? "spring" : "autumn", "user" + i));
        }
        step(grants.get(1), DeliveryStatus.DELIVERED, "primary", 1, DeliveryOutcome.ACCEPTED);
        step(grants.get(2), DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.UNKNOWN);
        step(grants.get(3), DeliveryStatus.PENDING, "backup", 1, DeliveryOutcome.FAILOVER);

        List<PendingDelivery> all = new ArrayList<>();
        int cursor = 0;
        int pages = 0;
        while (cursor >= 0) {
            PendingPage page = d.pending(cursor, 2);
            all.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        }
        assertEquals(3, pages, "two per page");
        assertEquals(6, all.size());
        assertEquals(List.of(grants.get(0), grants.get(2), grants.get(3), grants.get(4), grants.get(5), grants.get(6)),
            all.stream().map(p -> p.deliveryId().substring(0, p.deliveryId().length() - 2)).toList());
        PendingDelivery unknown = all.get(1);
        assertEquals(DeliveryOutcome.UNKNOWN, unknown.lastOutcome());
        assertEquals(0, unknown.supplierIndex());
        assertEquals("1380000" + "user2".length(), unknown.account());
        assertEquals(grants.get(2) + "-0", unknown.deliveryId());
        PendingDelivery moved = all.get(2);
        assertEquals(1, moved.supplierIndex());
        assertEquals(List.of("primary", "backup"), moved.suppliers());
        assertEquals("autumn", moved.campaign());
    }

    @Test
    void aRecordWithoutTheOutcomeByteStillReads() {
        String g = grant("spring", "erin");
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(g, id);
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.DELIVERY_RECORDED.code()).putLong(d.machine.lastSequence() + 1).putLong(d.now)
            .putLong(id[0]).putInt((int) id[1]).putByte(0).putByte(DeliveryStatus.DELIVERED.code())
            .putString("primary").putInt(1).putString("");
        EventView v = new EventView();
        assertTrue(v.wrap(b, 0, w.position()));
        assertEquals(0, v.outcome);
        assertTrue(d.machine.apply(b, 0, w.position()));
        assertEquals(DeliveryOutcome.NONE, d.machine.deliveryOutcome(g, 0));
        assertEquals(DeliveryStatus.DELIVERED, d.machine.grant(g, false).items().get(0).status());
    }
}
