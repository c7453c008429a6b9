package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The order state machine of paid sales (docs/payments.md), decided and replayed. */
class OrdersTest {
    private static final long WINDOW_MS = 60_000;
    private EngineDriver d;

    @BeforeEach
    void setUp() {
        d = new EngineDriver();
        CampaignSpec spec = EngineDriver.campaign("sale", 1);
        EngineDriver.paid(EngineDriver.sku(spec, "vip", SkuKind.CODE), 990, "alipay");
        CampaignSpec.SkuSpec credit = EngineDriver.paid(EngineDriver.sku(spec, "credit", SkuKind.DIRECT_RECHARGE), 9500,
            "alipay");
        credit.stock = 5;
        credit.suppliers.add("primary");
        EngineDriver.sku(spec, "free", SkuKind.CODE);
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        assertEquals(2, d.load("sale", "vip", EngineDriver.codes("V", 2)).loaded);
        d.load("sale", "free", EngineDriver.codes("F", 5));
    }

    private ReplyView reserve(String user) {
        ReplyView r = d.claim(user, "k-" + user, "sale", "vip");
        assertEquals(ResultCode.RESERVED, r.result, user);
        return r;
    }

    private ReplyView pay(String tx, ReplyView order) {
        return d.notifyPayment("alipay", tx, order.orderId(), 990, "CNY");
    }

    @Test
    void aReservationHoldsStockAndTheLimitUntilPaid() {
        ReplyView a = reserve("alice");
        assertTrue(a.orderId().startsWith("o_"));
        assertEquals(OrderStatus.RESERVED, a.orderStatus);
        assertEquals(990, a.amount);
        assertEquals("CNY", a.currency);
        assertEquals(d.now + WINDOW_MS, a.payBy);
        assertFalse(a.hasGrant);
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("alice", "again", "sale", "vip").result, "the limit is held");
        reserve("bob");
        assertEquals(ResultCode.SOLD_OUT, d.claim("carol", "k", "sale", "vip").result, "both codes are held");

        ReplyView paid = pay("T1", a);
        assertEquals(ResultCode.PAID, paid.result);
        assertEquals(OrderStatus.PAID, paid.orderStatus);
        assertTrue(paid.hasGrant);
        ReplyView grant = d.query("alice", paid.grantId());
        assertEquals(ResultCode.FOUND, grant.result);
        assertEquals("V-0", grant.items.get(0).code());
        assertEquals(ResultCode.LIMIT_REACHED, d.claim("alice", "third", "sale", "vip").result);
    }

    @Test
    void theSameTransactionConfirmsOnceAndASecondPaymentIsRefunded() {
        ReplyView a = reserve("alice");
        ReplyView first = pay("T1", a);
        int events = d.events.size();
        ReplyView again = pay("T1", a);
        assertEquals(ResultCode.PAID, again.result);
        assertTrue(again.replayed);
        assertEquals(first.grantId(), again.grantId());
        assertEquals(events, d.events.size(), "a repeated notification writes nothing");

        ReplyView second = pay("T2", a);
        assertEquals(ResultCode.REFUND_REQUIRED, second.result);
        assertEquals(OrderStatus.PAID, second.orderStatus);
        assertEquals(1, second.refunds.size());
        assertEquals(RefundReason.DUPLICATE_PAYMENT, second.refunds.get(0).reason());
        assertEquals(RefundStatus.REQUIRED, second.refunds.get(0).status());
        assertEquals("T2", second.refunds.get(0).transactionId());
        assertEquals(1, d.pendingRefunds(0, 10).refunds().size());
    }

    @Test
    void notPaidByPayByExpiresAndGivesStockAndLimitBack() {
        ReplyView a = reserve("alice");
        reserve("bob");
        assertEquals(a.payBy, d.machine.orderDeadline());
        d.now = a.payBy - 1;
        assertEquals(0, d.expireOrders().count, "not due yet");
        d.now = a.payBy;
        assertEquals(2, d.expireOrders().count);
        assertEquals(Long.MAX_VALUE, d.machine.orderDeadline());
        assertEquals(OrderStatus.EXPIRED, d.order("alice", a.orderId()).orderStatus);
        ReplyView late = pay("T1", a);
        assertEquals(ResultCode.REFUND_REQUIRED, late.result);
        assertEquals(RefundReason.LATE_PAYMENT, late.refunds.get(0).reason());
        assertFalse(late.hasGrant, "a late payment takes no stock");
        assertEquals(ResultCode.RESERVED, d.claim("alice", "retry", "sale", "vip").result, "limit given back");
        assertEquals(ResultCode.RESERVED, d.claim("carol", "k", "sale", "vip").result, "stock given back");
    }

    @Test
    void aLatePaymentBeforeTheSweepExpiresTheOrderItself() {
        ReplyView a = reserve("alice");
        d.now = a.payBy;
        ReplyView late = pay("T1", a);
        assertEquals(ResultCode.REFUND_REQUIRED, late.result);
        assertEquals(OrderStatus.EXPIRED, late.orderStatus);
        assertEquals(0, d.expireOrders().count, "already expired by the payment");
        assertEquals(d.machine.digest(), d.replay().digest());
    }

    @Test
    void cancelReleasesAndAPaymentAfterCancelIsRefunded() {
        ReplyView a = reserve("alice");
        assertEquals(ResultCode.NOT_FOUND, d.cancelOrder("mallory", a.orderId()).result, "only the owner");
        ReplyView cancelled = d.cancelOrder("alice", a.orderId());
        assertEquals(ResultCode.CANCELLED, cancelled.result);
        assertEquals(OrderStatus.CANCELLED, cancelled.orderStatus);
        assertTrue(d.cancelOrder("alice", a.orderId()).replayed, "cancelling twice is the same answer");
        ReplyView paid = pay("T1", a);
        assertEquals(ResultCode.REFUND_REQUIRED, paid.result);
        assertEquals(RefundReason.CANCELLED_ORDER, paid.refunds.get(0).reason());
        assertEquals(ResultCode.RESERVED, d.claim("alice", "again", "sale", "vip").result);
    }

    @Test
    void aPaidOrderCannotBeCancelled() {
        ReplyView a = reserve("alice");
        pay("T1", a);
        ReplyView r = d.cancelOrder("alice", a.orderId());
        assertEquals(ResultCode.ORDER_CLOSED, r.result);
        assertEquals(OrderStatus.PAID, r.orderStatus);
    }

    @Test
    void wrongAmountCurrencyOrProviderChangesNothing() {
        ReplyView a = reserve("alice");
        assertEquals(ResultCode.AMOUNT_MISMATCH, d.notifyPayment("alipay", "T1", a.orderId(), 1, "CNY").result);
        assertEquals(ResultCode.AMOUNT_MISMATCH, d.notifyPayment("alipay", "T2", a.orderId(), 990, "USD").result);
        assertEquals(ResultCode.NOT_FOUND, d.notifyPayment("wechat", "T3", a.orderId(), 990, "CNY").result);
        assertEquals(ResultCode.NOT_FOUND, d.notifyPayment("alipay", "T4", "o_AAAAAAAAAAAAAAAA", 990, "CNY").result);
        assertEquals(OrderStatus.RESERVED, d.order("alice", a.orderId()).orderStatus);
        assertEquals(ResultCode.PAID, pay("T5", a).result);
    }

    @Test
    void refundStepsEndInRefundedOrFailedAndStayThere() {
        ReplyView a = reserve("alice");
        pay("T1", a);
        pay("T2", a);
        assertEquals(ResultCode.OK, d.refundStep(a.orderId(), 1, RefundStatus.REQUIRED, DeliveryOutcome.UNKNOWN, 1).result);
        PendingRefund pending = d.pendingRefunds(0, 10).refunds().get(0);
        assertEquals(a.orderId() + "-1", pending.refundId());
        assertEquals("T2", pending.transactionId());
        assertEquals("alipay", pending.provider());
        assertEquals(DeliveryOutcome.UNKNOWN, pending.lastOutcome());
        assertEquals(ResultCode.OK, d.refundStep(a.orderId(), 1, RefundStatus.REFUNDED, DeliveryOutcome.CONFIRMED, 2).result);
        assertEquals(RefundStatus.REFUNDED, d.order("alice", a.orderId()).refunds.get(0).status());
        assertEquals(ResultCode.INVALID, d.refundStep(a.orderId(), 1, RefundStatus.FAILED, DeliveryOutcome.EXHAUSTED, 3).result);
        assertEquals(ResultCode.NOT_FOUND, d.refundStep(a.orderId(), 2, RefundStatus.REFUNDED, DeliveryOutcome.ACCEPTED, 1).result);
        assertTrue(d.pendingRefunds(0, 10).refunds().isEmpty());
    }

    @Test
    void aPaidRechargeIsPendingDeliveryToItsSupplierWithTheReservedAccount() {
        ReplyView r = d.claim("alice", "k", "sale", "credit", "", null, "13800000000");
        assertEquals(ResultCode.RESERVED, r.result);
        ReplyView paid = d.notifyPayment("alipay", "T1", r.orderId(), 9500, "CNY");
        assertEquals(ResultCode.PAID, paid.result);
        byte[] last = d.events.get(d.events.size() - 1);
        dev.surge.engine.event.EventView e = new dev.surge.engine.event.EventView();
        assertTrue(e.wrap(new org.agrona.concurrent.UnsafeBuffer(last), 0, last.length));
        assertEquals("13800000000", e.account(), "the event alone says where the recharge goes");
        assertEquals("sale", e.campaign());
        ReplyView grant = d.query("alice", paid.grantId());
        assertEquals(DeliveryStatus.PENDING, grant.delivery);
        PendingPage page = d.pending(0, 10);
        assertEquals(1, page.items().size());
        assertEquals("13800000000", page.items().get(0).account());
    }

    @Test
    void theClaimReplaysTheOrderAsItIsNow() {
        ReplyView a = reserve("alice");
        pay("T1", a);
        ReplyView again = d.claim("alice", "k-alice", "sale", "vip");
        assertEquals(ResultCode.RESERVED, again.result);
        assertTrue(again.replayed);
        assertEquals(a.orderId(), again.orderId());
        assertEquals(OrderStatus.PAID, again.orderStatus);
    }

    @Test
    void replayAndSnapshotRestoreTheSameState() throws Exception {
        ReplyView a = reserve("alice");
        ReplyView b = reserve("bob");
        pay("T1", a);
        d.cancelOrder("bob", b.orderId());
        pay("T2", b);
        ReplyView c = reserve("carol");
        assertEquals(ResultCode.GRANTED, d.claim("dave", "k", "sale", "free").result);
        long digest = d.machine.digest();
        assertEquals(digest, d.replay().digest());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.machine.writeSnapshot(new DataOutputStream(bytes));
        StateMachine restored = StateMachine.readSnapshot(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), d.machine.config());
        assertEquals(digest, restored.digest());
        assertEquals(c.payBy, restored.orderDeadline(), "the deadline heap is rebuilt");
        assertNotNull(restored);
    }

    @Test
    void revokingAPaidGrantRefundsItsPaymentButAReissueDoesNot() {
        ReplyView a = reserve("alice");
        ReplyView paid = pay("T1", a);
        ReplyView b = reserve("bob");
        ReplyView bobPaid = pay("T2", b);
        d.load("sale", "vip", List.of("SPARE"));
        assertEquals(ResultCode.OK, d.reissue("ops", "lost code", bobPaid.grantId()).result);
        assertTrue(d.order("bob", b.orderId()).refunds.isEmpty(), "a re-issue replaces, it refunds nothing");
        assertEquals(ResultCode.OK, d.revoke("ops", "fraud", paid.grantId()).result);
        ReplyView order = d.order("alice", a.orderId());
        assertEquals(1, order.refunds.size());
        assertEquals(RefundReason.REVOKED, order.refunds.get(0).reason());
        assertEquals("T1", order.refunds.get(0).transactionId());
        assertEquals(1, d.pendingRefunds(0, 10).refunds().size());
        assertEquals(d.machine.digest(), d.replay().digest());
    }

    @Test
    void pricesAreValidated() {
        CampaignSpec spec = EngineDriver.campaign("bad", 1);
        CampaignSpec.SkuSpec s = EngineDriver.sku(spec, "x", SkuKind.CODE);
        s.price = 100;
        s.currency = "cny";
        s.paymentProvider = "alipay";
        assertTrue(spec.validate().contains("currency"));
        s.currency = "CNY";
        s.paymentWindowSeconds = 5;
        assertTrue(spec.validate().contains("paymentWindowSeconds"));
        s.paymentWindowSeconds = 900;
        s.paymentProvider = "";
        assertTrue(spec.validate().contains("paymentProvider"));
        s.paymentProvider = "alipay";
        assertEquals(null, spec.validate());
    }
}
