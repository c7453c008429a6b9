package dev.surge.bench.loadgen;

import dev.surge.bench.BenchKeys;
import dev.surge.cluster.ClusterMembers;
import dev.surge.cluster.ClusterNodeMain;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three members of a Surge cluster on loopback, each its own JVM running {@link ClusterNodeMain}
 * as {@code scripts/cluster-node} does (the bench's {@code SURGE_CODE_KEY}), on ports {@code port},
 * {@code port + 10}, {@code port + 20}: what {@link WrkRun} with {@code --cluster} puts a gateway in front of.
 * All of them share the machine's cores with the gateway and the client.
 */
final class BenchCluster implements AutoCloseable {
    static final int SIZE = 3;
    /** The members as {@code --cluster-members} takes them. */
    final String members;
    private final List<Process> nodes = new ArrayList<>();

    private BenchCluster(String members) {
        this.members = members;
    }

    /**
     * Starts the members under {@code dir}, their logs in {@code logs}; {@code jvmFlags} as for
     * {@link BenchServer}. The gateway in front of them waits for a leader; this does not.
     */
    static BenchCluster start(Path dir, Path logs, int port, int fileSyncLevel, String heap, String jvmFlags)
        throws IOException {
        StringBuilder list = new StringBuilder();
        for (int id = 0; id < SIZE; id++) {
            list.append(id == 0 ? "" : ",").append("127.0.0.1:").append(port + id * 2 * ClusterMembers.PORTS);
        }
        BenchCluster cluster = new BenchCluster(list.toString());
        List<String> jvm = BenchServer.jvm(jvmFlags, heap);
        try {
            for (int id = 0; id < SIZE; id++) {
                ProcessBuilder pb = SurgeProcess.java(jvm, ClusterNodeMain.class.getName(), "--id", String.valueOf(id),
                    "--members", cluster.members, "--dir", dir.resolve("node" + id).toString(),
                    "--aeron-dir", dir.resolve("aeron" + id).toString(),
                    "--file-sync-level", String.valueOf(fileSyncLevel));
                pb.environment().put("SURGE_CODE_KEY", BenchKeys.CODE_KEY);
                pb.redirectErrorStream(true);
                Files.createDirectories(logs);
                pb.redirectOutput(logs.resolve("cluster-node" + id + ".log").toFile());
                cluster.nodes.add(pb.start());
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** User + system CPU of every member's process so far, in nanoseconds (-1 when unknown). */
    long cpuNanos() {
        long sum = 0;
        for (Process p : nodes) {
            long cpu = CpuTime.ofProcess(p.pid());
            if (cpu < 0) {
                return -1;
            }
            sum += cpu;
        }
        return sum;
    }

    /** SIGTERM to every member (a member stops as a crash would: the log on disk is what it keeps). */
    @Override
    public void close() {
        for (Process p : nodes) {
            p.destroy();
        }
        for (Process p : nodes) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
