package dev.surge.bench;

import dev.surge.cluster.ClusterEngineClient;
import dev.surge.cluster.ClusterMembers;
import dev.surge.cluster.ClusterNode;
import dev.surge.cluster.NodeSettings;
import dev.surge.delivery.DeliveryMetrics;
import dev.surge.delivery.DeliverySettings;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.simulator.SupplierSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Recharge deliveries on a three-member cluster on loopback, in this process, as
 * {@code scripts/cluster-node} runs its members (docs/cluster.md, "Deliveries on the leader"):
 * {@code recharges} claims are granted while their supplier is not configured (they wait PENDING
 * at the leader's dispatcher); then the supplier (the simulator, answering after {@code latencyMs})
 * is configured through the cluster and the clock runs until the leader has settled every one
 * DELIVERED: a signed POST to the simulator and a RECORD_DELIVERY through the replicated log each.
 * Everything shares the machine's cores.
 *
 * <pre>java $(scripts/lib/jvm-args.sh) -cp bench/target/benchmarks.jar dev.surge.bench.ClusterDeliveryThroughput \
 *     [recharges=20000] [latencyMs=0] [fileSyncLevel=1] [firstPort=39110]</pre>
 */
public final class ClusterDeliveryThroughput {
    private static final String SECRET = "bench-supplier-secret-0123456789";

    private ClusterDeliveryThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int recharges = arg(args, "recharges", 20_000);
        int latencyMs = arg(args, "latencyMs", 0);
        int syncLevel = arg(args, "fileSyncLevel", 1);
        int port = arg(args, "firstPort", 39_110);
        Path dir = Files.createTempDirectory("surge-cluster-delivery-bench");
        ClusterMembers members = ClusterMembers.parse("127.0.0.1:" + port + ",127.0.0.1:" + (port + 10)
            + ",127.0.0.1:" + (port + 20));
        DeliverySettings delivery = new DeliverySettings(3, 100, 5_000, 5, 2_000, Math.max(65_536, recharges), false);
        List<ClusterNode> nodes = new ArrayList<>();
        try (SupplierSimulator sim = new SupplierSimulator(SECRET, 1)) {
            sim.start("127.0.0.1", 0);
            sim.knobs().latencyMs = latencyMs;
            for (int id = 0; id < 3; id++) {
                NodeSettings settings = NodeSettings.of(id, members, dir.resolve("node" + id), dir.resolve("aeron" + id))
                    .withFileSyncLevel(syncLevel);
                nodes.add(ClusterNode.launchMember(settings, BenchKeys.CIPHER, BenchKeys.CIPHER.stateConfig(), delivery,
                    () -> { }));
            }
            try (ClusterEngineClient client = new ClusterEngineClient(
                ClusterEngineClient.Settings.of(members, "127.0.0.1", dir.resolve("client")))) {
                run(client, nodes, sim, recharges, latencyMs, syncLevel);
            }
        } finally {
            nodes.forEach(ClusterNode::close);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void run(ClusterEngineClient client, List<ClusterNode> nodes, SupplierSimulator sim, int recharges,
                            int latencyMs, int syncLevel) throws Exception {
        CommandSlot slot = new CommandSlot();
        FlashSale sale = new FlashSale();
        sale.upsertCampaign(slot);
        check(client.send(slot).get(60, TimeUnit.SECONDS).result(), ResultCode.OK, "campaign");
        Semaphore window = new Semaphore(64);
        for (int n = 0; n < recharges; n++) {
            window.acquire();
            sale.rechargeClaim(slot, n);
            client.send(slot, (result, reply, replyLength, answerLength) -> window.release());
        }
        window.acquire(64); // every claim answered: all PENDING, waiting for their supplier
        window.release(64);

        long start = System.nanoTime();
        new CommandWriter().configureSupplier(slot, 0, "primary", sim.url("primary"), 2_000, 64, SECRET);
        check(client.send(slot).get(60, TimeUnit.SECONDS).result(), ResultCode.OK, "supplier");
        long settled;
        long deadline = start + TimeUnit.MINUTES.toNanos(10);
        while ((settled = delivered(nodes)) < recharges) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + settled + " of " + recharges + " delivered in 10 minutes");
            }
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "cluster of 3 on loopback, file sync level %d: %d recharges, supplier latency %d ms, "
                + "maxConcurrency 64: %.2f s, %.0f deliveries/s (the simulator applied %d, %d duplicates)%n", syncLevel,
            recharges, latencyMs, seconds, recharges / seconds, sim.applied(), sim.duplicates());
    }

    /** Recharges settled DELIVERED by whichever member led. */
    private static long delivered(List<ClusterNode> nodes) {
        long n = 0;
        for (ClusterNode node : nodes) {
            DeliveryMetrics m = node.deliveryMetrics();
            n += m == null ? 0 : m.delivered();
        }
        return n;
    }

    private static void check(ResultCode result, ResultCode expected, String what) {
        if (result != expected) {
            throw new IllegalStateException(what + ": " + result);
        }
    }

    private static int arg(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }
}
