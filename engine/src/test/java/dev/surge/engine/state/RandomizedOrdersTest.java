package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Paid sales' properties (docs/payments.md): random order histories against a naive model, and the contract probe. */
class RandomizedOrdersTest {
    private static final int HISTORIES = Integer.getInteger("surge.orderHistories", 200);

    @Test
    void randomOrderHistoriesMatchTheModelAndReplayToTheSameState() throws IOException {
        long events = 0;
        for (int seed = 0; seed < HISTORIES; seed++) {
            RandomizedOrderHistory h = new RandomizedOrderHistory(seed).run();
            EngineDriver d = h.driver();
            long digest = d.machine.digest();
            assertEquals(digest, d.replay().digest(), "replay, seed " + seed);
            assertEquals(digest, restored(d.machine).digest(), "snapshot, seed " + seed);
            CampaignCounters.Orders o = d.machine.campaign("sale").orders();
            Map<String, Long> model = h.modelCounts();
            assertEquals(0, o.reserved(), "all expired at the end, seed " + seed);
            assertEquals(model.getOrDefault("PAID", 0L), o.paid(), "seed " + seed);
            assertEquals(model.getOrDefault("CANCELLED", 0L), o.cancelled(), "seed " + seed);
            assertEquals(model.getOrDefault("EXPIRED", 0L), o.expired(), "seed " + seed);
            assertEquals(model.getOrDefault(RefundStatus.REQUIRED.label(), 0L), o.refundsOwed(), "seed " + seed);
            assertEquals(model.getOrDefault(RefundStatus.REFUNDED.label(), 0L), o.refunded(), "seed " + seed);
            events += h.events().size();
        }
        assertTrue(events > HISTORIES * 100L, "the histories must hold events: " + events);
    }

    private static StateMachine restored(StateMachine m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.writeSnapshot(new DataOutputStream(bytes));
        return StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), m.config());
    }

    /**
     * 1,000 users reserve 300 units; a third never pay, a third pay twice, a third pay late. At the
     * end exactly the orders paid in time hold grants, every late or second payment owes one
     * refund, and the stock left is 300 minus what was granted.
     */
    @Test
    void theContractProbe() {
        EngineDriver d = new EngineDriver(7);
        CampaignSpec spec = EngineDriver.campaign("probe", 1);
        EngineDriver.paid(EngineDriver.sku(spec, "vip", SkuKind.CODE), 990, "pay");
        d.upsert(spec);
        d.load("probe", "vip", EngineDriver.codes("V", 300));
        List<ReplyView> reserved = new ArrayList<>();
        for (int u = 0; u < 1000; u++) {
            ReplyView r = d.claim("user" + u, "k", "probe", "vip");
            if (r.result == ResultCode.RESERVED) {
                reserved.add(r);
            } else {
                assertEquals(ResultCode.SOLD_OUT, r.result);
            }
        }
        assertEquals(300, reserved.size());
        SplittableRandom rnd = new SplittableRandom(11);
        List<ReplyView> twice = new ArrayList<>();
        List<ReplyView> late = new ArrayList<>();
        for (ReplyView r : reserved) {
            int kind = rnd.nextInt(3);
            if (kind == 1) {
                twice.add(r);
            } else if (kind == 2) {
                late.add(r);
            }
        }
        Set<String> codes = new HashSet<>();
        for (ReplyView r : twice) {
            assertEquals(ResultCode.PAID, d.notifyPayment("pay", "A-" + r.orderId(), r.orderId(), 990, "CNY").result);
            assertEquals(ResultCode.REFUND_REQUIRED,
                d.notifyPayment("pay", "B-" + r.orderId(), r.orderId(), 990, "CNY").result);
        }
        d.now += 60_000;
        for (ReplyView r : late) {
            assertEquals(ResultCode.REFUND_REQUIRED,
                d.notifyPayment("pay", "L-" + r.orderId(), r.orderId(), 990, "CNY").result);
        }
        d.expireOrders();
        int granted = 0;
        for (ReplyView r : reserved) {
            ReplyView o = d.order("", r.orderId());
            boolean paidInTime = twice.contains(r);
            assertEquals(paidInTime ? OrderStatus.PAID : OrderStatus.EXPIRED, o.orderStatus, r.orderId());
            assertEquals(paidInTime, o.hasGrant);
            assertEquals(paidInTime || late.contains(r) ? 1 : 0, o.refunds.size(), "one refund per late or second payment");
            if (paidInTime) {
                granted++;
                assertTrue(codes.add(d.query("", o.grantId()).items.get(0).code()), "no code twice");
            }
        }
        CampaignCounters c = d.machine.campaign("probe");
        assertEquals(granted, c.granted());
        assertEquals(300 - granted, c.skus().get(0).stockLeft());
        assertEquals(twice.size() + late.size(), c.orders().refundsOwed());
        assertEquals(d.machine.digest(), d.replay().digest());
    }
}
