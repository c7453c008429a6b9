package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import dev.surge.simulator.PaymentSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpaid orders expire by the cluster's timer after every member restarted, one order reserved
 * before the snapshot the members restart from (its timer is in the snapshot) and one after it
 * (its timer is set again as the log after the snapshot is decided again); an order paid in time
 * does not expire. A payment that arrives late is refunded by the leader through the simulated
 * provider. The members' journals then pass {@code verify}, which checks that no order expired
 * before its payBy.
 */
class ClusterOrderExpiryIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void unpaidOrdersExpireAfterARestartOfEveryMember(@TempDir Path dir) {
        PaymentSimulator provider = new PaymentSimulator(Map.of("pay", "pay-secret"), null, 1);
        provider.knobs().checkTransactions = false; // Surge is notified directly, not by the simulator's payer
        provider.start("127.0.0.1", 0);
        try (provider; TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            cluster.awaitLeader(WAIT);
            ClusterCalls calls = new ClusterCalls(cluster.client("a"));
            assertEquals(ResultCode.OK, calls.configureSupplier("pay", provider.url("pay"), "pay-secret").view().result);
            CampaignSpec spec = EngineDriver.campaign("paid", 1);
            EngineDriver.paid(EngineDriver.sku(spec, "card", SkuKind.CODE), 990, "pay").paymentWindowSeconds = 10;
            assertEquals(ResultCode.OK, calls.upsert(spec).view().result);
            calls.loadCodes("paid", "card", EngineDriver.codes("c-", 5));
            assertEquals(ResultCode.OK, calls.status("paid", CampaignStatus.ACTIVE).view().result);

            ClusterCalls.Reply before = calls.claim("early", "e", "paid", "card");
            assertEquals(ResultCode.RESERVED, before.view().result);
            cluster.awaitSameState(1, WAIT);
            cluster.snapshot(WAIT);
            ClusterCalls.Reply after = calls.claim("late", "l", "paid", "card");
            assertEquals(ResultCode.RESERVED, after.view().result);
            ClusterCalls.Reply paidFor = calls.claim("payer", "p", "paid", "card");
            assertEquals(ResultCode.PAID, calls.notifyPayment("pay", "tx-1", paidFor.view().orderId(), 990).view().result);
            cluster.awaitSameState(1, WAIT);

            cluster.killAll();
            cluster.startAll();
            cluster.awaitLeader(WAIT);
            awaitExpired(calls, "early", before);
            awaitExpired(calls, "late", after);
            assertEquals(OrderStatus.PAID, calls.queryOrder("payer", paidFor.view().orderId()).view().orderStatus);

            // paid after it expired: refunded by whichever member leads
            assertEquals(ResultCode.REFUND_REQUIRED,
                calls.notifyPayment("pay", "tx-late", before.view().orderId(), 990).view().result);
            awaitRefunded(calls, "early", before.view().orderId());
            assertEquals(1, provider.refunds().size(), "refunded once");

            cluster.awaitSameState(1, WAIT);
            cluster.killAll();
            MemberJournals.Verified verified = MemberJournals.verify(cluster.dir(0));
            assertEquals(0, verified.exitCode(), verified.output());
        }
    }

    private static void awaitRefunded(ClusterCalls calls, String user, String order) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<ReplyView.Refund> refunds = calls.queryOrder(user, order).view().refunds;
            if (refunds.size() == 1 && refunds.get(0).status() == RefundStatus.REFUNDED) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "refunds of " + order + ": " + refunds);
            TestCluster.sleep(20);
        }
    }

    private static void awaitExpired(ClusterCalls calls, String user, ClusterCalls.Reply reserved) {
        long deadline = reserved.view().payBy + WAIT.toMillis();
        while (true) {
            OrderStatus status = calls.queryOrder(user, reserved.view().orderId()).view().orderStatus;
            if (status == OrderStatus.EXPIRED) {
                System.out.printf("order of %s EXPIRED, seen %d ms after its payBy%n", user,
                    System.currentTimeMillis() - reserved.view().payBy);
                return;
            }
            assertEquals(OrderStatus.RESERVED, status, user);
            assertTrue(System.currentTimeMillis() < deadline, user + "'s order never expired");
            TestCluster.sleep(50);
        }
    }
}
