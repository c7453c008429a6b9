package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.reply.ReplyView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An operator's re-drive of FAILED refunds (docs/refunds.md), decided and replayed. */
class RefundRedriveTest {
    private EngineDriver d;

    @BeforeEach
    void setUp() {
        d = new EngineDriver();
        CampaignSpec spec = EngineDriver.campaign("sale", 5);
        EngineDriver.paid(EngineDriver.sku(spec, "vip", SkuKind.CODE), 990, "alipay");
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        d.load("sale", "vip", EngineDriver.codes("V", 5));
    }

    /** An order paid twice: its second payment is refund 1, which the provider refused for good. */
    private String failedRefund(String user) {
        ReplyView order = d.claim(user, "k-" + user, "sale", "vip");
        assertEquals(ResultCode.RESERVED, order.result);
        assertEquals(ResultCode.PAID, d.notifyPayment("alipay", user + "-T1", order.orderId(), 990, "CNY").result);
        assertEquals(ResultCode.REFUND_REQUIRED,
            d.notifyPayment("alipay", user + "-T2", order.orderId(), 990, "CNY").result);
        assertEquals(ResultCode.OK,
            d.refundStep(order.orderId(), 1, RefundStatus.FAILED, DeliveryOutcome.REJECTED, 1).result);
        return order.orderId();
    }

    private RefundStatus status(String user, String orderId) {
        return d.order(user, orderId).refunds.get(0).status();
    }

    private CampaignCounters.Orders counters() {
        return d.machine.campaign("sale").orders();
    }

    @Test
    void aFailedRefundIsRequiredAgainAndCanThenBeRefunded() {
        String a = failedRefund("alice");
        assertEquals(ResultCode.INVALID,
            d.refundStep(a, 1, RefundStatus.REQUIRED, DeliveryOutcome.UNKNOWN, 2).result, "FAILED is final for steps");
        assertEquals(1, counters().refundsFailed());

        int events = d.events.size();
        ReplyView r = d.redriveRefunds("ops", null, "");
        assertEquals(ResultCode.OK, r.result);
        assertEquals(1, r.count);
        assertEquals(events + 1, d.events.size(), "one event for the re-drive");
        EventView e = new EventView();
        byte[] last = d.events.get(d.events.size() - 1);
        e.wrap(new org.agrona.concurrent.UnsafeBuffer(last), 0, last.length);
        assertEquals(EventType.REFUNDS_REDRIVEN, e.type);
        assertEquals("ops", e.actor());
        assertEquals(1, e.count);

        assertEquals(RefundStatus.REQUIRED, status("alice", a));
        assertEquals(0, counters().refundsFailed());
        assertEquals(1, counters().refundsOwed());
        PendingRefund pending = d.pendingRefunds(0, 10).refunds().get(0);
        assertEquals(DeliveryOutcome.REDRIVEN, pending.lastOutcome(), "not in doubt: the provider refused it");
        assertEquals(1, pending.attempts());

        assertEquals(ResultCode.OK, d.refundStep(a, 1, RefundStatus.REFUNDED, DeliveryOutcome.CONFIRMED, 2).result);
        assertEquals(RefundStatus.REFUNDED, status("alice", a));
        assertEquals(0, counters().refundsOwed());
        assertEquals(1, counters().refunded());
        assertEquals(d.machine.digest(), d.replay().digest());
    }

    @Test
    void theFilterPicksTheOrderAndTheProvider() {
        String a = failedRefund("alice");
        String b = failedRefund("bob");
        assertEquals(0, d.redriveRefunds("ops", null, "wechat").count, "another provider's refunds only");
        assertEquals(2, counters().refundsFailed());

        assertEquals(1, d.redriveRefunds("ops", b, "alipay").count);
        assertEquals(RefundStatus.FAILED, status("alice", a));
        assertEquals(RefundStatus.REQUIRED, status("bob", b));
        assertEquals(1, counters().refundsFailed());
        assertEquals(1, counters().refundsOwed());

        int events = d.events.size();
        ReplyView again = d.redriveRefunds("ops", b, "");
        assertEquals(ResultCode.OK, again.result);
        assertEquals(0, again.count, "bob's refund is no longer FAILED");
        assertEquals(events, d.events.size(), "nothing matched: nothing journaled");
        assertEquals(1, d.redriveRefunds("ops", null, "").count);
        assertEquals(RefundStatus.REQUIRED, status("alice", a));
        assertEquals(0, counters().refundsFailed());
        assertEquals(2, counters().refundsOwed());
        assertEquals(d.machine.digest(), d.replay().digest());
    }

    @Test
    void whoAsksIsRequired() {
        failedRefund("alice");
        assertEquals(ResultCode.INVALID, d.redriveRefunds("", null, "").result);
        assertEquals(1, counters().refundsFailed());
    }
}
