package dev.surge.bench.loadgen;

import dev.surge.bench.BenchKeys;
import dev.surge.gateway.Main;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real server in a child JVM, started as {@code scripts/run} starts it (gateway Main, the
 * bench secrets of {@link BenchKeys} in the environment), on 127.0.0.1 with the per-IP rate limit
 * turned off ({@code --rate-limit 0}): all load comes from one address, and the limiter's default
 * (docs/security.md) stays as it is for everyone else; with its own engine, or in front of a
 * cluster ({@link BenchCluster}). Shared by {@link LoadGenerator} and {@link WrkRun}.
 */
final class BenchServer {
    private BenchServer() {
    }

    /** The server's JVM flags besides the heap: $SURGE_SERVER_JVM_ARGS, which the scripts read from jvm.properties. */
    static String defaultJvmFlags() {
        return System.getenv().getOrDefault("SURGE_SERVER_JVM_ARGS", "");
    }

    /**
     * Ready (recovery done) when it returns; its output goes to {@code log}. {@code jvmFlags}:
     * the JVM's flags besides the heap, separated by spaces (see {@link #defaultJvmFlags}).
     */
    static SurgeProcess start(String durability, String heap, String jvmFlags, Path dataDir, Path log,
                              List<String> extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--durability", durability));
        args.addAll(extra);
        return start(heap, jvmFlags, log, args);
    }

    /**
     * A gateway in front of the cluster {@code members} ({@code --engine cluster}, its client's media
     * driver in {@code aeronDir}); ready once it has loaded from the cluster.
     */
    static SurgeProcess startInFrontOf(String members, String heap, String jvmFlags, Path aeronDir, Path log,
                                       List<String> extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--engine", "cluster", "--cluster-members", members,
            "--cluster-aeron-dir", aeronDir.toString()));
        args.addAll(extra);
        return start(heap, jvmFlags, log, args);
    }

    private static SurgeProcess start(String heap, String jvmFlags, Path log, List<String> engineArgs)
        throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--no-demo",
            "--rate-limit", "0"));
        args.addAll(engineArgs);
        ProcessBuilder pb = SurgeProcess.java(jvm(jvmFlags, heap), Main.class.getName(), args.toArray(String[]::new));
        pb.environment().put("SURGE_ADMIN_TOKEN", BenchKeys.ADMIN_TOKEN);
        pb.environment().put("SURGE_USER_TOKEN_SECRET", BenchKeys.USER_TOKEN_SECRET);
        pb.environment().put("SURGE_CODE_KEY", BenchKeys.CODE_KEY);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return SurgeProcess.start(pb, log, BenchKeys.ADMIN_TOKEN, user -> {
            throw new UnsupportedOperationException("the bench mints its own tokens");
        });
    }

    /** {@code jvmFlags} (separated by spaces) and a fixed heap of {@code heap}. */
    static List<String> jvm(String jvmFlags, String heap) {
        List<String> jvm = new ArrayList<>();
        for (String flag : jvmFlags.trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                jvm.add(flag);
            }
        }
        jvm.addAll(List.of("-Xms" + heap, "-Xmx" + heap));
        return jvm;
    }
}
