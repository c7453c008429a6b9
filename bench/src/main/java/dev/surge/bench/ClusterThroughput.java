package dev.surge.bench;

import dev.surge.cluster.ClusterEngineClient;
import dev.surge.cluster.ClusterMembers;
import dev.surge.cluster.ClusterNode;
import dev.surge.cluster.NodeSettings;
import dev.surge.cluster.SurgeClusteredService;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Claims through a three-member cluster on loopback, in this process: three {@link ClusterNode}s
 * (each its media driver, archive, consensus module and service) in a temporary directory and
 * one {@link ClusterEngineClient}, which keeps {@code inFlight} recharge claims outstanding
 * (closed loop, every claim granted: {@link FlashSale}). Reports claims/s over the measured claims
 * and the latency from send to answer (leader decided, a majority appended, answer back) in an
 * HdrHistogram. All of it shares the machine's cores: on two cores the figure is a floor.
 *
 * <p>Usage: {@code ClusterThroughput [claims] [inFlight] [fileSyncLevel] [firstPort]}
 * (defaults 50,000, 64, 1, 39010); the first fifth of the claims warm up and are not measured.
 */
public final class ClusterThroughput {
    private ClusterThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int claims = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int syncLevel = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 39_010;
        Path dir = Files.createTempDirectory("surge-cluster-bench");
        ClusterMembers members = ClusterMembers.parse("127.0.0.1:" + port + ",127.0.0.1:" + (port + 10)
            + ",127.0.0.1:" + (port + 20));
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (int id = 0; id < 3; id++) {
                NodeSettings settings = NodeSettings.of(id, members, dir.resolve("node" + id), dir.resolve("aeron" + id))
                    .withFileSyncLevel(syncLevel);
                nodes.add(ClusterNode.launch(settings,
                    new SurgeClusteredService(BenchKeys.CIPHER, BenchKeys.CIPHER.stateConfig()), () -> { }));
            }
            try (ClusterEngineClient client = new ClusterEngineClient(
                ClusterEngineClient.Settings.of(members, "127.0.0.1", dir.resolve("client")))) {
                run(client, claims, inFlight, syncLevel);
            }
        } finally {
            nodes.forEach(ClusterNode::close);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(ClusterEngineClient client, int claims, int inFlight, int syncLevel) throws Exception {
        CommandSlot slot = new CommandSlot();
        FlashSale sale = new FlashSale();
        sale.upsertCampaign(slot);
        ResultCode created = client.send(slot).get(60, TimeUnit.SECONDS).result();
        if (created != ResultCode.OK) {
            throw new IllegalStateException("campaign not created: " + created);
        }
        int warmup = claims / 5;
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(claims);
        AtomicLong refused = new AtomicLong();
        long start = 0;
        for (int n = 0; n < claims; n++) {
            if (n == warmup) {
                window.acquire(inFlight); // the warm-up drains before the clock starts
                window.release(inFlight);
                start = System.nanoTime();
            }
            window.acquire();
            sale.rechargeClaim(slot, n);
            long sent = System.nanoTime();
            boolean measured = n >= warmup;
            client.send(slot, (result, reply, replyLength, answerLength) -> {
                if (measured) {
                    latency.recordValue(Math.min(System.nanoTime() - sent, latency.getHighestTrackableValue()));
                }
                if (result != ResultCode.GRANTED) {
                    refused.incrementAndGet();
                }
                window.release();
                done.countDown();
            });
        }
        if (!done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("claims unanswered after 5 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("cluster of 3 on loopback, file sync level %d, %d in flight: %,.0f claims/s over %,d claims; "
                + "latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; %d not granted; %d sent again%n",
            syncLevel, inFlight, (claims - warmup) / seconds, claims - warmup,
            latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
            latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6, refused.get(), client.resent());
    }
}
