package dev.surge.bench.loadgen;

import dev.surge.bench.BenchKeys;
import dev.surge.bench.FlashSale;
import dev.surge.bench.Histograms;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/loadgen}: open-model HTTP load against Surge at fixed rates (see {@link OpenLoop}).
 * Starts its own server (a child JVM over a temporary data directory) unless {@code --target}
 * names one; sets the campaign up through the admin API; pre-mints a token for every user of the
 * population. One run at {@code --rate}, or {@code --find-max}: steps the rate up until the
 * server no longer keeps up, reports the highest rate with p99 under the target, and runs once
 * more at half the highest sustained rate. Loopback only.
 *
 * <p>Output: a summary per run on stdout; in {@code --out}: {@code <label>-<rate>.hgrm} per run,
 * {@code <label>.jsonl} (one line per run) and, with --find-max, {@code <label>-max.json}.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Open-model (fixed-rate, coordinated-omission-corrected) HTTP load generator for Surge.")
public final class LoadGenerator implements Callable<Integer> {
    @Option(names = "--target", description = "host:port of a running server (127.0.0.1 only); default: start one")
    String target;

    @Option(names = "--server-pid", description = "with --target: the server's process id, to report its CPU per "
        + "request (a server it starts is measured anyway)")
    long serverPid = -1;

    /** Reads the server's own latency histogram around each measured run. */
    private ServerLatency serverLatency;

    /** Times the machine's CPU stops around each measured run (null: it did not start). */
    private FreezeProbe freezes;

    /**
     * --find-max: how many more times a run is made at the same rate when the machine stopped a CPU
     * in its window (docs/benchmarks.md, "CPU stops") and the run failed because of it, or it was
     * the half-max run. Every run is reported.
     */
    private static final int STOP_RETRIES = 2;

    @Option(names = "--durability", description = "durability of the server it starts: process or sync (default ${DEFAULT-VALUE})")
    String durability = "process";

    @Option(names = "--server-heap", description = "heap of the server it starts (default ${DEFAULT-VALUE})")
    String serverHeap = "2g";

    @Option(names = "--server-jvm", description = "JVM flags of the server it starts, besides the heap (default: "
        + "$SURGE_SERVER_JVM_ARGS, which scripts/loadgen reads from jvm.properties, as scripts/run does)")
    String serverJvm = BenchServer.defaultJvmFlags();

    /** The server's GC log, when this generator started the server and has an output directory. */
    private Path gcLog;

    @Option(names = "--server-arg", description = "extra flag for the server it starts (repeatable), e.g. --server-arg=--io-threads=1")
    List<String> serverArgs = new ArrayList<>();

    @Option(names = "--no-setup", negatable = true, description = "skip creating the campaign and uploading codes")
    boolean setup = true;

    @Option(names = "--codes", description = "card codes to upload (default ${DEFAULT-VALUE})")
    long codes = 2_000_000;

    @Option(names = "--limit", description = "the campaign's per-user limit (default ${DEFAULT-VALUE})")
    int limit = 1;

    @Option(names = "--rate", description = "requests per second (default ${DEFAULT-VALUE})")
    double rate = 5_000;

    @Option(names = "--duration", description = "measured seconds per run (default ${DEFAULT-VALUE})")
    double duration = 10;

    @Option(names = "--warmup", description = "warm-up seconds before each run's measurement; the rate ramps up "
        + "over its first half (default ${DEFAULT-VALUE})")
    double warmup = 5;

    @Option(names = "--connections", description = "keep-alive connections (default ${DEFAULT-VALUE})")
    int connections = 64;

    @Option(names = "--threads", description = "event-loop threads of the generator (default ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--users", description = "user population, each with a pre-minted token (default ${DEFAULT-VALUE})")
    int users = 1_000_000;

    @Option(names = "--mix", description = "request mix, relative weights (default ${DEFAULT-VALUE})")
    String mix = "claims=90,redeems=5,repeats=5";

    @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--find-max", description = "step the rate up from --rate until the server falls behind")
    boolean findMax;

    @Option(names = "--step", description = "--find-max: rate multiplier per step (default ${DEFAULT-VALUE})")
    double step = 1.5;

    @Option(names = "--max-rate", description = "--find-max: never offer more than this (default ${DEFAULT-VALUE})")
    double maxRate = 2_000_000;

    @Option(names = "--p99-us", description = "--find-max: the p99 target in microseconds (default ${DEFAULT-VALUE})")
    double p99TargetMicros = 1000;

    @Option(names = "--sustained-p99-ms", description = "--find-max: a rate whose p99 exceeds this is not sustained: "
        + "the queue grew through the run (default ${DEFAULT-VALUE})")
    double sustainedP99Millis = 100;

    @Option(names = "--out", description = "directory for .hgrm and .jsonl files")
    Path out;

    @Option(names = "--label", description = "name of this series in file names (default ${DEFAULT-VALUE})")
    String label = "http";

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Mix parsedMix = Mix.parse(mix);
        if (out != null) {
            Files.createDirectories(out);
            Files.deleteIfExists(out.resolve(label + ".jsonl"));
        }
        Path dataDir = null;
        SurgeProcess server = null;
        try {
            InetSocketAddress address;
            String adminToken;
            String secret;
            if (target == null) {
                dataDir = Files.createTempDirectory("surge-loadgen");
                Path log = (out != null ? out : dataDir).resolve(label + "-server.log");
                // sized for the population, as an operator sizes it for a planned sale (a flag given wins)
                List<String> extra = new ArrayList<>(List.of("--expected-users", Integer.toString(users)));
                for (String a : serverArgs) {
                    extra.addAll(List.of(a.split("=", 2)));
                }
                if (out != null) {
                    gcLog = out.resolve(label + "-gc.log");
                }
                server = BenchServer.start(durability, serverHeap,
                    gcLog == null ? serverJvm : serverJvm + " " + GcLog.jvmFlag(gcLog), dataDir, log, extra);
                address = new InetSocketAddress("127.0.0.1", server.port);
                adminToken = BenchKeys.ADMIN_TOKEN;
                secret = BenchKeys.USER_TOKEN_SECRET;
                serverPid = server.process.pid();
                System.out.printf("server pid %d on %s (%s durability)%n", serverPid, address, durability);
            } else {
                address = loopback(target);
                adminToken = env("SURGE_ADMIN_TOKEN", BenchKeys.ADMIN_TOKEN);
                secret = env("SURGE_USER_TOKEN_SECRET", BenchKeys.USER_TOKEN_SECRET);
            }
            if (setup) {
                long t = System.nanoTime();
                BenchCampaign.create(address, adminToken, limit, codes);
                System.out.printf("campaign set up with %,d codes in %.1f s%n", codes, (System.nanoTime() - t) / 1e9);
            }
            serverLatency = new ServerLatency(address, adminToken);
            // once before any run: the HTTP client's first request loads its classes and starts its threads,
            // which stopped the lanes for 40-70 ms when it came at the first window's start
            serverLatency.read();
            freezes = FreezeProbe.start(); // its JVM starts while the tokens are minted, long before a window
            BearerTokens bearer = BearerTokens.mint(secret, users);
            try (OpenLoop loop = new OpenLoop(threads)) {
                if (!loop.epoll()) {
                    System.out.println("warning: no native epoll; NIO timers are coarse (about 1 ms) and add latency");
                }
                if (findMax) {
                    findMax(loop, address, parsedMix, bearer);
                } else {
                    run(loop, address, parsedMix, bearer, rate, label);
                }
            }
            return 0;
        } finally {
            if (freezes != null) {
                freezes.close();
            }
            if (server != null) {
                server.stop();
            }
            if (dataDir != null) {
                delete(dataDir);
            }
        }
    }

    private void findMax(OpenLoop loop, InetSocketAddress address, Mix m, BearerTokens bearer) throws Exception {
        double bestUnderTarget = 0;
        double bestSustained = 0;
        RunResult best = null;
        // JIT and caches warm at the first rate before anything is recorded
        OpenLoop.Plan warm = new OpenLoop.Plan(address, rate, 0, seconds(Math.max(5, 2 * warmup)), connections, m,
            users, FlashSale.CAMPAIGN, FlashSale.CODE_SKU, seed + 1, "warm-" + System.nanoTime(), serverPid, null, null);
        System.out.println("(warm-up, not recorded) " + loop.run(warm, bearer, label).summary());
        for (double r = rate; r <= maxRate; r *= step) {
            RunResult result = run(loop, address, m, bearer, Math.round(r), label);
            for (int again = 0; !sustained(result) && result.freezes().stops() > 0 && again < STOP_RETRIES; again++) {
                System.out.println("the machine stopped a CPU in that window: once more at the same rate");
                result = run(loop, address, m, bearer, Math.round(r), label);
            }
            boolean sustained = sustained(result);
            if (!sustained) {
                System.out.printf("not sustained at %,.0f/s (achieved %,.0f/s, p99 %.0f us): stopping%n", result.rate(),
                    result.achieved(), result.percentileMicros(99));
                break;
            }
            if (result.achieved() > bestSustained) {
                bestSustained = result.achieved();
                best = result;
            }
            if (result.percentileMicros(99) < p99TargetMicros) {
                bestUnderTarget = Math.max(bestUnderTarget, result.rate());
            }
        }
        long halfFrom = System.currentTimeMillis() + (long) (warmup * 1000);
        RunResult half = bestSustained > 0
            ? run(loop, address, m, bearer, Math.round(bestSustained / 2), label + "-halfmax") : null;
        int halfRuns = half == null ? 0 : 1;
        RunResult firstHalf = half;
        while (half != null && half.freezes().stops() > 0 && halfRuns <= STOP_RETRIES) {
            System.out.println("the machine stopped a CPU in that window: once more at half the max");
            halfFrom = System.currentTimeMillis() + (long) (warmup * 1000);
            half = run(loop, address, m, bearer, half.rate(), label + "-halfmax");
            halfRuns++;
        }
        GcLog.Pauses pauses = half == null || gcLog == null ? GcLog.Pauses.UNKNOWN
            : GcLog.between(gcLog, halfFrom, System.currentTimeMillis());
        String json = String.format(Locale.ROOT, "{\"maxSustained\": %.1f, \"maxRateP99Under\": %.1f, \"p99TargetUs\": %.1f, "
                + "\"halfMaxRate\": %.1f, \"halfMaxP99us\": %.1f, \"durability\": \"%s\", "
                + "\"maxP99us\": %.1f, \"maxServerCpuUs\": %.2f, \"maxClientCpuUs\": %.2f, \"halfMaxAchieved\": %.1f, "
                + "\"halfMaxServerCpuUs\": %.2f, \"halfMaxClientCpuUs\": %.2f, \"halfMaxGcPauses\": %d, "
                + "\"halfMaxGcPauseMaxMs\": %.1f, \"halfMaxServerWithin1msPct\": %.2f, \"halfMaxSendDelayP99us\": %.1f, "
                + "\"halfMaxCpuStops\": %d, \"halfMaxCpuStopLongestMs\": %.1f, \"halfMaxCpuStopTotalMs\": %.1f, "
                + "\"halfMaxRuns\": %d, \"halfMaxFirstP99us\": %.1f}%n",
            bestSustained, bestUnderTarget,
            p99TargetMicros, half == null ? 0 : half.rate(), half == null ? -1 : half.percentileMicros(99), durability,
            best == null ? -1 : best.percentileMicros(99), cpu(best, true), cpu(best, false),
            half == null ? -1 : half.achieved(), cpu(half, true), cpu(half, false), pauses.count(), pauses.maxMs(),
            half == null || Double.isNaN(half.server().withinPercent()) ? -1 : half.server().withinPercent(),
            half == null || Double.isNaN(half.sendDelayMicros(99)) ? -1 : half.sendDelayMicros(99),
            half == null ? -1 : half.freezes().stops(), half == null ? -1 : half.freezes().longestMillis(),
            half == null ? -1 : half.freezes().totalMillis(), halfRuns,
            firstHalf == null ? -1 : firstHalf.percentileMicros(99));
        System.out.printf("max sustained %,.0f/s; highest rate with p99 < %.0f us: %,.0f/s; p99 at half max: %.0f us%n",
            bestSustained, p99TargetMicros, bestUnderTarget, half == null ? Double.NaN : half.percentileMicros(99));
        if (out != null) {
            Files.writeString(out.resolve(label + "-max.json"), json, StandardCharsets.UTF_8);
        }
    }

    /** Answers kept pace with the schedule and the queue did not grow through the run. */
    private boolean sustained(RunResult result) {
        return result.achieved() >= 0.95 * result.rate() && result.errors() == 0
            && result.percentileMicros(99) < sustainedP99Millis * 1000;
    }

    private RunResult run(OpenLoop loop, InetSocketAddress address, Mix m, BearerTokens bearer, double r, String name)
        throws Exception {
        OpenLoop.Plan plan = new OpenLoop.Plan(address, r, seconds(warmup), seconds(duration), connections, m, users,
            FlashSale.CAMPAIGN, FlashSale.CODE_SKU, seed, name + "-" + (long) r + "-" + System.nanoTime(), serverPid,
            serverLatency, freezes);
        RunResult result = loop.run(plan, bearer, name);
        System.out.println(result.summary());
        if (out != null) {
            Histograms.writeHgrm(result.latency(), out.resolve(name + "-" + (long) r + ".hgrm"));
            Files.writeString(out.resolve(label + ".jsonl"), result.json() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return result;
    }

    /** The server's (or this generator's) CPU per request of a run, -1 when unknown. */
    private static double cpu(RunResult r, boolean server) {
        double v = r == null ? Double.NaN : server ? r.serverCpuUs() : r.clientCpuUs();
        return Double.isNaN(v) ? -1 : v;
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    private static InetSocketAddress loopback(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.getAddress() == null || !a.getAddress().isLoopbackAddress()) {
            throw new CommandLine.ParameterException(new CommandLine(new LoadGenerator()),
                "--target must be a loopback address, was " + hostPort);
        }
        return a;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
