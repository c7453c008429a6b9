package dev.surge.journal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import org.junit.jupiter.api.Test;

/** dump, verify and stats on the events of paid sales (docs/payments.md). */
class OrdersCliTest {

    /** alice pays in time and then again; bob cancels and pays; carol never pays; dave pays late. */
    private static final class Sale {
        final EngineDriver d = new EngineDriver(3);
        final ReplyView alice;
        final ReplyView bob;

        Sale() {
            CampaignSpec spec = EngineDriver.campaign("sale", 1);
            EngineDriver.paid(EngineDriver.sku(spec, "vip", SkuKind.CODE), 990, "alipay");
            d.upsert(spec);
            d.load("sale", "vip", EngineDriver.codes("V", 5));
            alice = d.claim("alice", "k", "sale", "vip");
            bob = d.claim("bob", "k", "sale", "vip");
            ReplyView dave = d.claim("dave", "k", "sale", "vip");
            d.claim("carol", "k", "sale", "vip");
            ReplyView paid = d.notifyPayment("alipay", "TA1", alice.orderId(), 990, "CNY");
            assertEquals(ResultCode.PAID, paid.result);
            d.notifyPayment("alipay", "TA2", alice.orderId(), 990, "CNY");
            d.cancelOrder("bob", bob.orderId());
            d.notifyPayment("alipay", "TB1", bob.orderId(), 990, "CNY");
            d.notifyPayment("alipay", "TX", bob.orderId(), 1, "CNY");
            d.now += 60_000;
            d.notifyPayment("alipay", "TD1", dave.orderId(), 990, "CNY");
            assertEquals(1, d.expireOrders().count, "carol's");
            d.refundStep(alice.orderId(), 1, RefundStatus.REFUNDED, DeliveryOutcome.ACCEPTED, 1);
            d.refundStep(bob.orderId(), 1, RefundStatus.FAILED, DeliveryOutcome.REJECTED, 1);
            d.revoke("ops", "chargeback", paid.grantId()); // alice's paid grant: its payment is owed back
            assertEquals(ResultCode.OK, d.refundStep(alice.orderId(), 2, RefundStatus.REFUNDED, DeliveryOutcome.ACCEPTED, 1)
                .result);
        }
    }

    @Test
    void dumpShowsEveryStepOfAnOrder() {
        Sale s = new Sale();
        CliRunner.Result json = new CliRunner(s.d.events).run("dump", "--campaign", "sale", "--user", "alice");
        assertEquals(0, json.code(), json.err());
        String out = json.out();
        assertTrue(out.contains("\"type\":\"ORDER_RESERVED\""), out);
        assertTrue(out.contains("\"orderId\":\"" + s.alice.orderId() + "\",\"amount\":990,\"currency\":\"CNY\""), out);
        assertTrue(out.contains("\"provider\":\"alipay\",\"transactionId\":\"TA1\""), out);
        assertTrue(out.contains("\"result\":\"PAID\",\"grantId\":\"g_"), out);
        assertTrue(out.contains("\"refundReason\":\"DUPLICATE_PAYMENT\""), out);
        assertTrue(out.contains("\"refundId\":\"" + s.alice.orderId() + "-1\",\"status\":\"REFUNDED\""), out);
        assertTrue(!out.contains("TB1"), "bob's payment is not alice's: " + out);

        CliRunner.Result failed = new CliRunner(s.d.events).run("dump", "--result", "REFUND_FAILED");
        assertEquals(1, failed.lines().size(), failed.out());
        assertTrue(failed.out().contains(s.bob.orderId() + "-1"), failed.out());

        CliRunner.Result csv = new CliRunner(s.d.events).run("dump", "--format", "csv", "--type", "ORDERS_EXPIRED,PAYMENT_RECORDED");
        assertEquals(0, csv.code(), csv.err());
        assertTrue(csv.out().contains("AMOUNT_MISMATCH"), csv.out());
        assertTrue(csv.out().contains("LATE_PAYMENT"), csv.out());
        assertTrue(csv.out().contains(",EXPIRED,"), csv.out());
    }

    @Test
    void verifyPassesAndReportsRefundsStillOwedOrFailed() {
        Sale s = new Sale();
        CliRunner.Result verify = new CliRunner(s.d.events).run("verify");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertTrue(verify.out().contains("refund-failed"), verify.out());
        assertTrue(verify.out().contains("refund-pending"), verify.out()); // dave's late payment
        CliRunner.Result stats = new CliRunner(s.d.events).run("stats");
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().contains("RESERVED"), "reservations are claims too: " + stats.out());
        assertTrue(stats.out().contains("PAYMENT_RECORDED"), stats.out());
    }

    @Test
    void aReDriveMakesAFailedRefundOwedAgainAndMustSayHowMany() {
        Sale s = new Sale();
        ReplyView redrive = s.d.redriveRefunds("ops:erin", s.bob.orderId(), "alipay");
        assertEquals(1, redrive.count);
        CliRunner.Result clean = new CliRunner(s.d.events).run("verify");
        assertEquals(0, clean.code(), clean.out() + clean.err());
        assertTrue(!clean.out().contains("refund-failed"), clean.out());
        assertTrue(clean.out().contains("refund " + s.bob.orderId() + "-1 is still owed"), clean.out());
        CliRunner.Result dump = new CliRunner(s.d.events).run("dump", "--type", "REFUNDS_REDRIVEN");
        assertEquals(1, dump.lines().size(), dump.out());
        assertTrue(dump.out().contains("\"requestedBy\":\"ops:erin\",\"orderId\":\"" + s.bob.orderId()
            + "\",\"provider\":\"alipay\",\"result\":\"OK\",\"count\":1"), dump.out());
        CliRunner.Result csv = new CliRunner(s.d.events).run("dump", "--format", "csv", "--type", "REFUNDS_REDRIVEN");
        assertTrue(csv.out().contains("requestedBy=ops:erin refunds of " + s.bob.orderId()), csv.out());

        java.util.List<byte[]> events = new java.util.ArrayList<>(s.d.events);
        events.add(Forge.refundsRedriven(s.d.machine.lastSequence() + 1, s.d.now, 1));
        CliRunner.Result bad = new CliRunner(events).run("verify", "--no-info");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("VIOLATION refund-redrive-count"), bad.out());
        assertTrue(bad.out().contains("says it covers 1 FAILED refunds; the journal has 0 that match"), bad.out());
    }
}
