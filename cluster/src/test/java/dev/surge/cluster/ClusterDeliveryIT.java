package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.simulator.SupplierSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct recharges on a cluster, delivered by the leader to a simulated supplier on loopback,
 * while the leader dies with deliveries in flight: the next leader resumes them, every grant ends
 * DELIVERED, every account is recharged exactly once (repeats the supplier answered as duplicates
 * are harmless overlaps), and a member that never led never called the supplier. An order nobody
 * pays expires at its payBy by the cluster's timer, across the leader change.
 */
class ClusterDeliveryIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final String SECRET = "supplier-secret-for-tests";
    static final int USERS = 240;

    @Test
    void theNextLeaderResumesDeliveriesAndEveryAccountIsRechargedOnce(@TempDir Path dir) throws Exception {
        SupplierSimulator supplier = new SupplierSimulator(SECRET, 7);
        supplier.start("127.0.0.1", 0);
        supplier.knobs().latencyMs = 40; // requests are out when the leader dies
        try (supplier; TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
            int leader = cluster.awaitLeader(WAIT);
            ClusterCalls admin = new ClusterCalls(cluster.client("admin"));
            assertEquals(ResultCode.OK, admin.configureSupplier("sim-a", supplier.url("sim-a"), SECRET).view().result);
            assertEquals(ResultCode.OK, admin.configureSupplier("sim-pay", supplier.url("sim-pay"), SECRET).view().result);
            rechargeCampaign(admin);
            String order = reserveUnpaidOrder(admin);
            ClusterCalls.Reply reserved = admin.queryOrder("payer", order);
            long payBy = reserved.view().payBy;

            ClusterCalls claims = new ClusterCalls(cluster.client("claims"));
            List<CompletableFuture<ClusterCalls.Reply>> answers = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                answers.add(claims.claimAsync("u" + u, "k" + u, "vip", "month", "acct-" + u));
                if (u == USERS / 3) {
                    awaitApplied(supplier, 20);
                    break;
                }
            }
            // the leader dies with deliveries out; the two others have never called the supplier
            long killed = System.nanoTime();
            cluster.kill(leader);
            long appliedAtKill = supplier.applied();
            int claimedAtKill = answers.size();
            List<Integer> followers = new ArrayList<>();
            for (int id = 0; id < cluster.size(); id++) {
                if (id != leader) {
                    followers.add(id);
                    assertEquals(0, cluster.dispatch(id).leaderships(), "member " + id + " never led");
                    assertEquals(0, cluster.dispatch(id).deliveryMetrics().requests(), "member " + id);
                }
            }
            for (int u = answers.size(); u < USERS; u++) {
                answers.add(claims.claimAsync("u" + u, "k" + u, "vip", "month", "acct-" + u));
            }
            int next = cluster.awaitLeader(WAIT);
            long resumedMs = awaitFirstDelivery(cluster, next, killed);

            List<String> grants = new ArrayList<>();
            for (CompletableFuture<ClusterCalls.Reply> a : answers) {
                ClusterCalls.Reply reply = ClusterCalls.await(a);
                assertEquals(ResultCode.GRANTED, reply.view().result);
                grants.add(reply.view().grantId());
            }
            long allDelivered = awaitDelivered(admin, grants);
            System.out.printf("deliveries: leader %d killed with %d of %d claimed recharges applied; member %d resumed "
                    + "deliveries %d ms after the kill; all %d DELIVERED %d ms after it; supplier: %d posts, %d "
                    + "duplicates, %d status queries%n", leader, appliedAtKill, claimedAtKill, next, resumedMs, USERS,
                TimeUnit.NANOSECONDS.toMillis(allDelivered - killed), supplier.posts(), supplier.duplicates(),
                supplier.queries());

            Map<String, Long> applied = supplier.appliedByAccount();
            assertEquals(USERS, applied.size(), "every account recharged");
            applied.forEach((account, n) -> assertEquals(1L, n, account + " recharged " + n + " times"));
            for (int id : followers) {
                if (id != next) {
                    assertEquals(0, cluster.dispatch(id).deliveryMetrics().requests(), "member " + id + " never led");
                }
            }

            // nobody paid: the order expires at payBy, decided by the timer of whichever member leads
            ClusterCalls.Reply expired = awaitOrder(admin, order, OrderStatus.EXPIRED, payBy);
            assertEquals(OrderStatus.EXPIRED, expired.view().orderStatus);
            cluster.start(leader);
            cluster.awaitSameState(1, WAIT);
        }
    }

    /** Campaign {@code vip}, SKU {@code month}: a direct recharge at {@code sim-a}, stock for every user. */
    static void rechargeCampaign(ClusterCalls admin) {
        CampaignSpec spec = EngineDriver.campaign("vip", 1);
        CampaignSpec.SkuSpec month = EngineDriver.sku(spec, "month", SkuKind.DIRECT_RECHARGE);
        month.stock = USERS;
        month.suppliers.add("sim-a");
        assertEquals(ResultCode.OK, admin.upsert(spec).view().result);
        assertEquals(ResultCode.OK, admin.status("vip", CampaignStatus.ACTIVE).view().result);
    }

    /** A paid card (10 s to pay, the shortest window) reserved by {@code payer}: its order id. */
    private static String reserveUnpaidOrder(ClusterCalls admin) {
        CampaignSpec spec = EngineDriver.campaign("paid", 1);
        EngineDriver.paid(EngineDriver.sku(spec, "card", SkuKind.CODE), 990, "sim-pay").paymentWindowSeconds = 10;
        assertEquals(ResultCode.OK, admin.upsert(spec).view().result);
        admin.loadCodes("paid", "card", EngineDriver.codes("paid-", 5));
        assertEquals(ResultCode.OK, admin.status("paid", CampaignStatus.ACTIVE).view().result);
        ClusterCalls.Reply reply = admin.claim("payer", "pay-1", "paid", "card");
        assertEquals(ResultCode.RESERVED, reply.view().result);
        return reply.view().orderId();
    }

    static void awaitApplied(SupplierSimulator supplier, long n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (supplier.applied() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + supplier.applied() + " recharges applied");
            TestCluster.sleep(5);
        }
    }

    /** Milliseconds from the kill until the new leader's dispatcher settled its first recharge. */
    private static long awaitFirstDelivery(TestCluster cluster, int leader, long killed) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (cluster.dispatch(leader).deliveryMetrics().delivered() == 0) {
            assertTrue(System.nanoTime() < deadline, "the new leader delivered nothing");
            TestCluster.sleep(5);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    }

    /** Waits until the state says every grant's recharge is DELIVERED; returns when (nanoTime). */
    static long awaitDelivered(ClusterCalls calls, List<String> grants) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (String grant : grants) {
            while (true) {
                ClusterCalls.Reply found = calls.queryGrant(grant);
                assertEquals(ResultCode.FOUND, found.view().result, grant);
                DeliveryStatus status = found.view().items.get(0).status();
                if (status == DeliveryStatus.DELIVERED) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, grant + " still " + status);
                TestCluster.sleep(20);
            }
        }
        return System.nanoTime();
    }

    private static ClusterCalls.Reply awaitOrder(ClusterCalls calls, String order, OrderStatus status, long payBy) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ClusterCalls.Reply found = calls.queryOrder("payer", order);
            if (found.view().orderStatus == status) {
                long late = System.currentTimeMillis() - payBy;
                System.out.printf("order %s %s, seen %d ms after its payBy%n", order, status, late);
                return found;
            }
            assertTrue(System.nanoTime() < deadline, order + " still " + found.view().orderStatus);
            TestCluster.sleep(50);
        }
    }
}
