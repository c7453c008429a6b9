package dev.surge.bench.loadgen;

import dev.surge.bench.BenchKeys;
import dev.surge.bench.FlashSale;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench}'s closed-loop run: {@code wrk}, a C client, at C connections as fast as
 * the server answers, every request a real claim ({@code claims.lua}: distinct users from a file
 * of pre-minted tokens, an Idempotency-Key never used before). Starts its own server (process or
 * sync durability, {@code --rate-limit 0}), sets the campaign up as {@link LoadGenerator} does,
 * warms up with a first wrk run, then measures one: claims/s, wrk's latency percentiles (closed
 * loop: not corrected for coordinated omission), the server's CPU per claim and wrk's own.
 * With {@code --idle-seconds}, then lets the server sit idle and runs {@link IdleProbe}. With
 * {@code --cluster}, the server is a gateway in front of three members on loopback
 * ({@link BenchCluster}, each its own JVM; docs/cluster.md), and its CPU per claim counts the
 * gateway's process and the members' together (each also on its own).
 *
 * <p>Output in {@code --out}: one line appended to {@code wrk.jsonl}, wrk's own output in
 * {@code <label>.txt}, the server's log, and {@code idle.json} with --idle-seconds.
 */
@Command(name = "wrk-run", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Closed-loop claims with wrk against a Surge server it starts; CPU per claim of both.")
public final class WrkRun implements Callable<Integer> {
    private static final Pattern SUMMARY = Pattern.compile("(?m)^surge-wrk (\\{.*})$");
    private static final Pattern TIMES = Pattern.compile("(?m)^surge-cpu ([0-9.]+) ([0-9.]+)$");

    @Option(names = "--durability", description = "process or sync (default ${DEFAULT-VALUE})")
    String durability = "process";

    @Option(names = "--connections", description = "wrk connections (default ${DEFAULT-VALUE})")
    int connections = 50;

    @Option(names = "--threads", description = "wrk threads (default ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--warmup", description = "seconds of a first, unmeasured wrk run (default ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--duration", description = "measured seconds (default ${DEFAULT-VALUE})")
    int duration = 10;

    @Option(names = "--users", description = "user population, a token each (default ${DEFAULT-VALUE})")
    int users = 100_000;

    @Option(names = "--codes", description = "card codes uploaded: more than the claims of both runs (default ${DEFAULT-VALUE})")
    long codes = 1_000_000;

    @Option(names = "--limit", description = "the campaign's per-user limit (default ${DEFAULT-VALUE}). wrk visits "
        + "the users in turn, so with fewer than --users x --limit grants, and --codes, left for the warm-up and "
        + "the run, answers turn into LIMIT_REACHED or SOLD_OUT: wrk.jsonl's granted counts the grants, and a run "
        + "with fewer than 99%% grants says so")
    int limit = 10;

    @Option(names = "--server-arg", paramLabel = "FLAG=VALUE", description = "a server flag more, as FLAG=VALUE "
        + "(repeatable; e.g. --server-arg=--engine-thread=own, as the load generator takes it): the server's environment holds no SURGE_* "
        + "variable, so flags are how to A/B its settings")
    List<String> serverOptions = new ArrayList<>();

    @Option(names = "--server-heap", description = "the server's heap (default ${DEFAULT-VALUE})")
    String serverHeap = "2g";

    @Option(names = "--idle-seconds", description = "after the run: measure the idle server this long, then "
        + "time the first claims after it (0: skip; default ${DEFAULT-VALUE})")
    double idleSeconds = 0;

    @Option(names = "--idle-settle", description = "seconds left unmeasured between the run and the idle window, "
        + "for the server to finish the run's background work; then, up to --idle-settle-max seconds, until a second "
        + "passes with the server under 2%% of a core (a snapshot written after the run is not idleness) "
        + "(default ${DEFAULT-VALUE})")
    double idleSettle = 5;

    @Option(names = "--idle-settle-max", description = "the longest settle, quiet or not (default ${DEFAULT-VALUE})")
    double idleSettleMax = 90;

    @Option(names = "--idle-again", description = "after the idle window's claims: this many shorter idle windows of "
        + "--idle-again-seconds, the first claim after each timed (default ${DEFAULT-VALUE})")
    int idleAgain = 3;

    @Option(names = "--idle-again-seconds", description = "length of those windows (default ${DEFAULT-VALUE})")
    double idleAgainSeconds = 10;

    @Option(names = "--paced-rate", description = "after the measured run: about this many claims/s from a "
        + "paced run, one connection per 500/s each waiting 1 ms after each answer, for latency at a low rate "
        + "from a C client (0: skip; default ${DEFAULT-VALUE})")
    int pacedRate = 0;

    @Option(names = "--paced-seconds", description = "seconds of the paced run (default ${DEFAULT-VALUE})")
    int pacedSeconds = 10;

    @Option(names = "--cluster", description = "a gateway in front of three cluster members on loopback (each "
        + "its own JVM) instead of a server with its own engine; --durability is then ignored (the members' file "
        + "sync level decides) and the run is labelled wrk-cluster")
    boolean cluster;

    @Option(names = "--cluster-sync-level", description = "the members' --file-sync-level (default ${DEFAULT-VALUE})")
    int clusterSyncLevel = 1;

    @Option(names = "--cluster-port", description = "the first member's first port; the others at +10 and +20 "
        + "(default ${DEFAULT-VALUE})")
    int clusterPort = 39_110;

    @Option(names = "--member-heap", description = "each member's heap (default ${DEFAULT-VALUE})")
    String memberHeap = "768m";

    @Option(names = "--wrk", description = "the wrk command (default ${DEFAULT-VALUE})")
    String wrk = "wrk";

    @Option(names = "--out", required = true, description = "results directory")
    Path out;

    @Option(names = "--label", description = "name of this run (default wrk-<durability>)")
    String label;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WrkRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (idleAgain < 0 || idleAgainSeconds < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--idle-again and --idle-again-seconds must be at least 0");
        }
        String engine = cluster ? "cluster" : durability;
        String name = label != null ? label : "wrk-" + engine;
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("surge-wrk");
        SurgeProcess server = null;
        BenchCluster members = null;
        try {
            if (cluster) {
                members = BenchCluster.start(work.resolve("cluster"), out, clusterPort, clusterSyncLevel, memberHeap,
                    BenchServer.defaultJvmFlags());
                server = BenchServer.startInFrontOf(members.members, serverHeap, BenchServer.defaultJvmFlags(),
                    work.resolve("gateway-aeron"), out.resolve(name + "-server.log"), serverOptions);
            } else {
                server = BenchServer.start(durability, serverHeap, BenchServer.defaultJvmFlags(),
                    Files.createDirectories(work.resolve("data")), out.resolve(name + "-server.log"), serverArgs());
            }
            BenchCluster m = members;
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port);
            long pid = server.process.pid();
            System.out.printf("server pid %d on %s (%s, --rate-limit 0)%n", pid, address, cluster
                ? "in front of " + BenchCluster.SIZE + " members " + m.members + ", file sync level " + clusterSyncLevel
                : durability + " durability");
            BenchCampaign.create(address, BenchKeys.ADMIN_TOKEN, limit, codes);
            BearerTokens bearer = BearerTokens.mint(BenchKeys.USER_TOKEN_SECRET, users);
            Path tokens = work.resolve("tokens.txt");
            writeTokens(bearer, tokens);
            Path script = work.resolve("claims.lua");
            try (InputStream in = WrkRun.class.getResourceAsStream("claims.lua")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            String url = "http://127.0.0.1:" + server.port;
            runWrk(script, url, tokens, "warm", threads, connections, warmup, work.resolve("warm.txt"));
            long granted0 = cluster ? -1 : BenchCampaign.granted(address, BenchKeys.ADMIN_TOKEN);
            long cpu0 = CpuTime.ofProcess(pid);
            long members0 = m == null ? 0 : m.cpuNanos();
            Map<Integer, ThreadCpu.Sample> threads0 = ThreadCpu.sample(pid);
            String text = runWrk(script, url, tokens, "run" + System.nanoTime(), threads, connections, duration,
                out.resolve(name + ".txt"));
            long gatewayCpu = CpuTime.since(pid, cpu0);
            if (m == null) {
                Map<String, Long> split = ThreadCpu.split(threads0, ThreadCpu.sample(pid), gatewayCpu);
                long granted = BenchCampaign.granted(address, BenchKeys.ADMIN_TOKEN) - granted0;
                String line = resultJson(name, durability, connections, threads, text, gatewayCpu, split);
                long claims = field(line, "claims");
                if (granted < claims * 99 / 100) {
                    System.out.printf("warning: %,d of the %,d claims were grants; the rest met the per-user limit "
                        + "or an empty stock, so this run is not the peers' work: raise --limit or --codes%n",
                        granted, claims);
                }
                record("{\"granted\": " + granted + ", " + line.substring(1));
            } else {
                long membersCpu = m.cpuNanos() - members0;
                String line = resultJson(name, engine, connections, threads, text,
                    gatewayCpu < 0 || membersCpu < 0 ? -1 : gatewayCpu + membersCpu, Map.of());
                long claims = field(line, "claims");
                // the gateway's own split by thread, apart: the server's CPU here is the members' too
                Map<String, Long> split = ThreadCpu.split(threads0, ThreadCpu.sample(pid), gatewayCpu);
                record(String.format(Locale.ROOT, "{\"members\": %d, \"fileSyncLevel\": %d, \"gatewayCpuUs\": %.2f, "
                        + "\"membersCpuUs\": %.2f, %s%s", BenchCluster.SIZE, clusterSyncLevel,
                    perClaimUs(gatewayCpu, claims), perClaimUs(membersCpu, claims),
                    split.isEmpty() ? "" : "\"gatewayCpuByThreadUs\": " + ThreadCpu.json(split, claims) + ", ",
                    line.substring(1)));
            }
            if (pacedRate > 0) {
                paced(name, pid, url, tokens, script);
            }
            if (idleSeconds > 0) {
                idle(pid, address, bearer.bearer(bearer.users() - 1));
            }
            return 0;
        } finally {
            if (server != null) {
                server.stop();
            }
            if (members != null) {
                members.close();
            }
            delete(work);
        }
    }

    private static double perClaimUs(long cpuNanos, long claims) {
        return cpuNanos < 0 || claims <= 0 ? -1 : cpuNanos / 1e3 / claims;
    }

    private List<String> serverArgs() {
        List<String> args = new ArrayList<>(List.of("--expected-users", Integer.toString(users)));
        if (idleSeconds > 0 && serverOptions.stream().noneMatch(o -> o.startsWith("--snapshot-interval-s"))) {
            // The replica writes a snapshot of the whole sale --snapshot-interval-s (300) after the last one
            // when anything is new: inside the idle window that is not idleness (0.7 s of CPU and a disk busy
            // writing, for the state of 2M claims). Snapshots by event count (--snapshot-every) still run.
            args.addAll(List.of("--snapshot-interval-s", "86400"));
        }
        args.addAll(serverOptions);
        return args;
    }

    /**
     * wrk paces with think time, not a schedule: each connection waits {@code delay()} milliseconds
     * after each answer, and its timers make a 1 ms wait about 2 ms, so a connection sends about
     * 500 claims/s. The latency is each claim's own, with nothing queued behind it; the report
     * gives the rate achieved.
     */
    private void paced(String name, long pid, String url, Path tokens, Path script)
        throws IOException, InterruptedException {
        int conns = Math.max(1, Math.round(pacedRate / 500f));
        long delayMs = 1;
        Path pacedScript = script.resolveSibling("claims-paced.lua");
        Files.writeString(pacedScript, Files.readString(script) + "\nfunction delay() return " + delayMs + " end\n");
        long cpu0 = CpuTime.ofProcess(pid);
        Map<Integer, ThreadCpu.Sample> threads0 = ThreadCpu.sample(pid);
        String text = runWrk(pacedScript, url, tokens, "paced" + System.nanoTime(), 1, conns, pacedSeconds,
            out.resolve(name + "-paced.txt"));
        long cpu = CpuTime.since(pid, cpu0);
        String line = resultJson(name + "-paced", durability, conns, 1, text, cpu,
            ThreadCpu.split(threads0, ThreadCpu.sample(pid), cpu));
        record(String.format(Locale.ROOT, "{\"pacedRate\": %d, \"delayMs\": %d, %s", pacedRate, delayMs,
            line.substring(1)));
    }

    private void record(String line) throws IOException {
        System.out.println(line);
        Files.writeString(out.resolve("wrk.jsonl"), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    }

    private void idle(long pid, InetSocketAddress address, String bearer) throws Exception {
        System.out.printf("idle: %.0f s or more to settle, then %.0f s measured, then the claims of the probe, then "
            + "%d x %.0f s idle and a claim%n", idleSettle, idleSeconds, idleAgain, idleAgainSeconds);
        long started = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep((long) (idleSettle * 1000));
        while ((System.nanoTime() - started) / 1e9 < idleSettleMax && busyPercent(pid) >= 2) {
            // still working off the run (the snapshot replica catching up, a snapshot being written)
        }
        double settled = (System.nanoTime() - started) / 1e9;
        IdleProbe.Result r = IdleProbe.run(pid, address, bearer, BenchKeys.ADMIN_TOKEN, idleSeconds, idleAgainSeconds,
            idleAgain);
        String json = r.json(durability, settled);
        System.out.println(json);
        Files.writeString(out.resolve("idle.json"), json + "\n", StandardCharsets.UTF_8);
    }

    /** The process's CPU over the next second, as a share of one core (0 when unknown). */
    private static double busyPercent(long pid) throws InterruptedException {
        long cpu0 = CpuTime.ofProcess(pid);
        TimeUnit.SECONDS.sleep(1);
        long cpu = CpuTime.since(pid, cpu0);
        return cpu < 0 ? 0 : cpu / 1e7;
    }

    /** Runs wrk under bash's {@code time} (its user and system CPU); returns its whole output. */
    private String runWrk(Path script, String url, Path tokens, String run, int threads, int connections, int seconds,
                          Path output) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
            "TIMEFORMAT='surge-cpu %3U %3S'; time \"$@\"", "bash", wrk, "-t" + threads, "-c" + connections,
            "-d" + seconds + "s", "--timeout", "10s", "-s", script.toString(), url, "--", tokens.toString(),
            Integer.toString(threads), run, FlashSale.CAMPAIGN, FlashSale.CODE_SKU));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish: " + cmd);
        }
        String text = Files.readString(output);
        if (p.exitValue() != 0) {
            throw new IOException("wrk failed (exit " + p.exitValue() + "; is wrk installed?):\n" + text);
        }
        return text;
    }

    /**
     * One line of wrk.jsonl from wrk's output (the script's {@code surge-wrk} summary and bash's
     * {@code surge-cpu} times), the server's CPU nanoseconds over the run (-1 when unknown) and
     * their split by thread kind ({@link ThreadCpu}; empty when unknown). Claims are the answers
     * with a 2xx status; CPU per claim divides by them.
     */
    static String resultJson(String label, String durability, int connections, int threads, String wrkOutput,
                             long serverCpuNanos, Map<String, Long> serverCpuByKind) {
        Matcher summary = SUMMARY.matcher(wrkOutput);
        if (!summary.find()) {
            throw new IllegalArgumentException("no surge-wrk summary in wrk's output:\n" + wrkOutput);
        }
        String json = summary.group(1);
        long requests = field(json, "requests");
        long claims = requests - field(json, "non2xx");
        double seconds = field(json, "durationUs") / 1e6;
        Matcher times = TIMES.matcher(wrkOutput);
        double clientCpuUs = times.find() && claims > 0
            ? (Double.parseDouble(times.group(1)) + Double.parseDouble(times.group(2))) * 1e6 / claims : -1;
        double serverCpuUs = serverCpuNanos >= 0 && claims > 0 ? serverCpuNanos / 1e3 / claims : -1;
        String byKind = serverCpuByKind.isEmpty() ? ""
            : "\"serverCpuByThreadUs\": " + ThreadCpu.json(serverCpuByKind, claims) + ", ";
        return String.format(Locale.ROOT, "{\"label\": \"%s\", \"durability\": \"%s\", \"connections\": %d, "
                + "\"threads\": %d, \"claims\": %d, \"rps\": %.1f, \"serverCpuUs\": %.2f, \"clientCpuUs\": %.2f, %s%s",
            label, durability, connections, threads, claims, claims / seconds, serverCpuUs, clientCpuUs, byKind,
            json.substring(1));
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    private static void writeTokens(BearerTokens bearer, Path file) throws IOException {
        StringBuilder b = new StringBuilder(bearer.users() * 200);
        for (int i = 0; i < bearer.users(); i++) {
            String t = bearer.bearer(i);
            b.append(t, "Bearer ".length(), t.length()).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.US_ASCII);
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
