package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
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
 * {@link ClusterDeliveryIT} with members as they run in production, each in its own JVM
 * ({@link MemberProcesses}), while recharges are out at the simulated supplier (in this JVM, on
 * loopback): the leader is SIGKILLed, or frozen (SIGSTOP) until another member leads and then
 * thawed, an ex-leader that lives on. Either way every grant ends DELIVERED, no account is
 * recharged twice, and a member that never led made no supplier request (it says so when it
 * stops). The ex-leader closes its own cluster client once its records are answered.
 */
class ClusterDeliveryCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The short backoffs of {@link TestCluster#DELIVERY}, as flags. */
    private static final String[] DELIVERY_FLAGS = {"--delivery-retries", "3", "--delivery-backoff-ms", "20",
        "--delivery-backoff-max-ms", "500", "--breaker-failures", "5", "--breaker-open-ms", "500"};
    /** The member's own client's thread, as /proc shows its name (15 characters). */
    private static final String CLIENT_THREAD = "surge-cluster-c";

    @Test
    void aSigkilledLeadersDeliveriesAreResumedAndEveryAccountIsRechargedOnce(@TempDir Path dir) throws Exception {
        try (Run run = new Run(dir)) {
            int leader = run.claimUntilRechargesAreOut();
            long killed = System.nanoTime();
            run.nodes.sigkill(leader);
            int next = run.nodes.awaitLeader(WAIT, leader);
            run.checkDelivered(leader, next, killed, "SIGKILLed");
            run.stopAndCheckWhoCalledTheSupplier();
        }
    }

    @Test
    void anExLeaderClosesItsOwnClientOnceItsRecordsAreAnsweredAndNoneIsLost(@TempDir Path dir) throws Exception {
        try (Run run = new Run(dir)) {
            int leader = run.claimUntilRechargesAreOut();
            long frozen = System.nanoTime();
            run.nodes.signal(leader, "STOP");
            int next = run.nodes.awaitLeader(WAIT, leader);
            run.nodes.signal(leader, "CONT");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!"FOLLOWER".equals(run.nodes.role(leader))) {
                assertTrue(System.nanoTime() < deadline, "the ex-leader did not step down");
                TestCluster.sleep(20);
            }
            long steppedDown = System.nanoTime();
            run.checkDelivered(leader, next, frozen, "frozen until member " + next + " led, then thawed");

            // its records were answered (by the next leader) and its client closed; the leader's is open
            while (run.nodes.threads(leader, CLIENT_THREAD) > 0) {
                assertTrue(System.nanoTime() < deadline, "the ex-leader's own client is still open");
                TestCluster.sleep(50);
            }
            String said = run.nodes.output(leader).lines().filter(l -> l.contains("own cluster client")).findFirst()
                .orElseThrow();
            System.out.printf("ex-leader %d's own client gone %d ms after it said it follows: %s%n", leader,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - steppedDown), said);
            assertTrue(said.contains("closed this member's own cluster client: no longer the leader, every record it "
                + "sent answered"), said);
            // whoever leads now (under load the thawed member's return may have moved the lead again)
            // has its own client open
            int leading = run.nodes.awaitLeader(WAIT, -1);
            while (run.nodes.threads(leading, CLIENT_THREAD) != 1) {
                assertTrue(System.nanoTime() < deadline, "member " + leading + " leads without its own client");
                TestCluster.sleep(50);
                leading = run.nodes.awaitLeader(WAIT, -1);
            }
            run.stopAndCheckWhoCalledTheSupplier();
        }
    }

    /** Three member JVMs, the supplier, a client, recharges claimed; then checks after a disruption. */
    private static final class Run implements AutoCloseable {
        final SupplierSimulator supplier = new SupplierSimulator(ClusterDeliveryIT.SECRET, 11);
        final MemberProcesses nodes;
        final ClusterEngineClient client;
        final ClusterCalls admin;
        final ClusterCalls claims;
        final List<CompletableFuture<ClusterCalls.Reply>> answers = new ArrayList<>();
        final long started = System.nanoTime();

        Run(Path dir) {
            supplier.start("127.0.0.1", 0);
            supplier.knobs().latencyMs = 40; // requests are out when the leader goes
            nodes = new MemberProcesses(dir, 3, DELIVERY_FLAGS).startAll();
            client = new ClusterEngineClient(ClusterEngineClient.Settings.of(ClusterMembers.parse(nodes.members),
                "127.0.0.1", dir.resolve("client")));
            admin = new ClusterCalls(client);
            claims = new ClusterCalls(client);
        }

        /** Configures the supplier, claims a third of the recharges, waits until 20 are applied; returns the leader. */
        int claimUntilRechargesAreOut() {
            assertEquals(ResultCode.OK, admin.configureSupplier("sim-a", supplier.url("sim-a"),
                ClusterDeliveryIT.SECRET).view().result);
            ClusterDeliveryIT.rechargeCampaign(admin);
            for (int u = 0; u <= ClusterDeliveryIT.USERS / 3; u++) {
                answers.add(claims.claimAsync("u" + u, "k" + u, "vip", "month", "acct-" + u));
            }
            ClusterDeliveryIT.awaitApplied(supplier, 20);
            return nodes.awaitLeader(Duration.ZERO, -1);
        }

        /**
         * After {@code leader} was taken out at {@code at} (nanoTime) and {@code next} leads: the rest
         * of the recharges claimed, every one DELIVERED, each account once.
         */
        void checkDelivered(int leader, int next, long at, String how) {
            long appliedThen = supplier.applied();
            int claimedThen = answers.size();
            TestCluster.sleep(200); // what the old leader had sent has arrived: any request from now is the next one's
            long requestsBefore = supplier.requests();
            for (int u = answers.size(); u < ClusterDeliveryIT.USERS; u++) {
                answers.add(claims.claimAsync("u" + u, "k" + u, "vip", "month", "acct-" + u));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (supplier.requests() == requestsBefore) {
                assertTrue(System.nanoTime() < deadline, "the next leader sent the supplier nothing");
                TestCluster.sleep(5);
            }
            long resumedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at);
            List<String> grants = new ArrayList<>();
            for (CompletableFuture<ClusterCalls.Reply> a : answers) {
                ClusterCalls.Reply reply = ClusterCalls.await(a);
                assertEquals(ResultCode.GRANTED, reply.view().result);
                grants.add(reply.view().grantId());
            }
            long allDelivered = ClusterDeliveryIT.awaitDelivered(admin, grants);
            System.out.printf("deliveries: leader %d %s with %d of %d claimed recharges applied; member %d sent the "
                    + "supplier its first request %d ms after; all %d DELIVERED %d ms after; supplier: %d posts, %d "
                    + "duplicates, %d status queries; %d ms since the members started%n", leader, how, appliedThen,
                claimedThen, next, resumedMs, grants.size(), TimeUnit.NANOSECONDS.toMillis(allDelivered - at),
                supplier.posts(), supplier.duplicates(), supplier.queries(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

            Map<String, Long> applied = supplier.appliedByAccount();
            assertEquals(ClusterDeliveryIT.USERS, applied.size(), "every account recharged");
            applied.forEach((account, n) -> assertEquals(1L, n, account + " recharged " + n + " times"));
        }

        /** Stops the members (SIGTERM): those that never led say they made no supplier request. */
        void stopAndCheckWhoCalledTheSupplier() throws InterruptedException {
            List<Integer> neverLed = new ArrayList<>();
            for (int id = 0; id < nodes.size(); id++) {
                if (nodes.process(id).isAlive()) {
                    nodes.sigterm(id);
                }
                String output = nodes.output(id);
                assertFalse(output.contains(MemberJournal.FAILED), "member " + id + "'s journal failed");
                if (!output.contains("is now LEADER")) {
                    neverLed.add(id);
                    assertTrue(output.contains("dispatchers closed: 0 leaderships, 0 supplier requests"),
                        "member " + id + " never led and says so when it stops");
                }
            }
            assertFalse(neverLed.isEmpty(), "a member that never led");
        }

        @Override
        public void close() throws Exception {
            try (supplier; nodes; client) {
                // all closed, the client first
            }
        }
    }
}
