package dev.surge.bench.report;

import dev.surge.bench.loadgen.FreezeProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.md} and its PNG plots from the raw results {@code scripts/bench} left in a
 * directory: {@code jmh.json} (JMH), {@code memory.json} ({@code MemoryFootprint}),
 * {@code http-<durability>.jsonl}, {@code -max.json} and {@code .hgrm} (load generator),
 * {@code wrk.jsonl} and {@code idle.json} ({@code WrkRun}, also its run through a cluster),
 * {@code disk-sync.json} ({@code DiskSyncProbe}), {@code peers.jsonl}
 * ({@code scripts/bench-peers}) and {@code env.txt} (the machine). Whatever
 * is missing is reported as not measured. Usage: {@code ReportWriter <results-dir> [mode]}.
 */
public final class ReportWriter {
    private final Path dir;
    private final String mode;
    private final StringBuilder md = new StringBuilder();
    private List<Map<String, Object>> jmh = List.of();
    /** The decision benchmark again under G1 with the production flags ({@code jmh-g1.json}). */
    private List<Map<String, Object>> jmhG1 = List.of();
    private Map<String, Object> memory = Map.of();
    private final List<Map<String, Object>> peers = new ArrayList<>();
    private final List<Map<String, Object>> wrk = new ArrayList<>();
    private Map<String, Object> idle = Map.of();
    private Map<String, Object> diskSync = Map.of();

    public ReportWriter(Path dir, String mode) {
        this.dir = dir;
        this.mode = mode;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ReportWriter <results-dir> [mode]");
            System.exit(2);
        }
        Path report = new ReportWriter(Path.of(args[0]), args.length > 1 ? args[1] : "").write();
        System.out.println("report: " + report);
    }

    /** Reads what is there, writes report.md and the PNGs; returns the report's path. */
    public Path write() throws IOException {
        load();
        md.append("# Surge benchmark report").append(mode.isEmpty() ? "" : " (" + mode + ")").append("\n\n");
        Path env = dir.resolve("env.txt");
        if (Files.exists(env)) {
            md.append("## Machine\n\n```\n").append(Files.readString(env).strip()).append("\n```\n\n");
        }
        md.append("Numbers are medians of the measured iterations where there are several. The machine may be shared "
            + "and has few cores, so absolute figures are noisy: compare runs of the same report, and re-run before "
            + "trusting a single figure.\n\n");
        targets();
        jmhTable();
        memorySection();
        for (String d : List.of("process", "sync")) {
            httpSection(d);
        }
        peersSection();
        CpuTable.write(md, CpuTable.rows(Map.of("process", max("process"), "sync", max("sync")), wrk, peers), dir);
        CpuTable.writeSplit(md, wrk);
        clusterSection();
        idleSection();
        diskSection();
        md.append("## Raw data\n\nEverything this report was made from is in this directory: `jmh.json`, `memory.json`, "
            + "`http-*.jsonl`, `http-*-max.json`, `*.hgrm` (HdrHistogram percentile distributions in microseconds), "
            + "`wrk.jsonl`, wrk's own output (`wrk-*.txt`), `idle.json`, `disk-sync.json`, "
            + "`peers.jsonl` and the peers' own output under `peers/`, server logs.\n");
        Path report = dir.resolve("report.md");
        Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
        return report;
    }

    private void load() throws IOException {
        jmh = readJmh(dir.resolve("jmh.json"));
        jmhG1 = readJmh(dir.resolve("jmh-g1.json"));
        Path m = dir.resolve("memory.json");
        if (Files.exists(m)) {
            memory = JsonValues.map(JsonValues.read(m));
        }
        Path p = dir.resolve("peers.jsonl");
        if (Files.exists(p)) {
            for (Object o : JsonValues.readLines(p)) {
                peers.add(JsonValues.map(o));
            }
        }
        Path w = dir.resolve("wrk.jsonl");
        if (Files.exists(w)) {
            for (Object o : JsonValues.readLines(w)) {
                wrk.add(JsonValues.map(o));
            }
        }
        Path i = dir.resolve("idle.json");
        if (Files.exists(i)) {
            idle = JsonValues.map(JsonValues.read(i));
        }
        Path s = dir.resolve("disk-sync.json");
        if (Files.exists(s)) {
            diskSync = JsonValues.map(JsonValues.read(s));
        }
    }

    // ---- the figures of docs/benchmarks.md#targets, each next to its target ------------------

    private void targets() throws IOException {
        md.append("## Targets (docs/benchmarks.md) and what was measured here\n\n");
        md.append("| Figure | Target | Measured | Verdict |\n|---|---|---|---|\n");
        double claim = jmhMedian("ClaimDecisionBenchmark.claim", "avgt", Map.of());
        double encode = jmhMedian("ClaimDecisionBenchmark.encodeOnly", "avgt", Map.of());
        // the writer thread's share: measured alone (decide), or, in results from before it, claim minus encoding
        double decide = jmhMedian("ClaimDecisionBenchmark.decide", "avgt", Map.of());
        double writer = !Double.isNaN(decide) ? decide
            : Double.isNaN(claim) ? Double.NaN : claim - (Double.isNaN(encode) ? 0 : encode);
        row("Claim decision, state machine alone (JMH, one thread; the writer thread's share)", "<= 100 ns",
            writer, "%.0f ns", v -> v <= 100,
            Double.isNaN(claim) ? "" : String.format(Locale.ROOT, " (%.0f ns with the publisher's encoding%s)", claim,
                Double.isNaN(encode) ? "" : String.format(Locale.ROOT, "; publisher's share %.0f ns", encode)));
        for (String users : List.of("1000000", "6000000")) {
            row("Claim decision, the writer thread's share, G1 with the production flags, " + users.charAt(0) + "M users",
                "<= 100 ns", jmhMedian(jmhG1, "ClaimDecisionBenchmark.decide", "avgt", Map.of("users", users)), "%.0f ns",
                v -> v <= 100, "");
        }
        for (String d : List.of("process", "sync")) {
            double ring = jmhMedian("RingJournalThroughput.claim", "thrpt", Map.of("durability", d, "rate", "0"));
            row("Ring + journal in process, " + d + " durability (claims/s)", ">= 5,000,000/s", ring, "%,.0f/s",
                v -> v >= 5_000_000, "");
        }
        double recoveryMs = jmhMedian("RecoveryBenchmark.recover", "ss", Map.of());
        double events = jmhParam("RecoveryBenchmark.recover", "events");
        row("Recovery, events replayed/s (" + (Double.isNaN(events) ? "?" : String.format(Locale.ROOT, "%,.0f", events))
                + "-event journal)", ">= 5,000,000/s", events / (recoveryMs / 1000), "%,.0f/s", v -> v >= 5_000_000,
            Double.isNaN(recoveryMs) ? "" : String.format(Locale.ROOT, " (ready in %.1f s)", recoveryMs / 1000));
        row("Memory per user: line of limits, newest grant, key record (at " + count(memory, "users") + " users)",
            "<= 64 B",
            JsonValues.number(memory, "limitBytesPerUser"), "%.1f B", v -> v <= 64, "");
        row("Memory per pooled code (at " + count(memory, "codes") + " codes of "
                + count(memory, "codeTextBytes") + " bytes)", "<= 48 B",
            JsonValues.number(memory, "bytesPerCode"), "%.1f B", v -> v <= 48, "");
        Map<String, Object> processMax = max("process");
        Map<String, Object> syncMax = max("sync");
        double surgeProcess = JsonValues.number(processMax, "maxSustained");
        double surgeSync = JsonValues.number(syncMax, "maxSustained");
        double serverWithin = JsonValues.number(processMax, "halfMaxServerWithin1msPct");
        row("HTTP: p99 at half the max sustained rate (process)", "< 1 ms",
            JsonValues.number(processMax, "halfMaxP99us") / 1000, "%.2f ms", v -> v < 1,
            String.format(Locale.ROOT, " at %,.0f/s", JsonValues.number(processMax, "halfMaxRate"))
                + (serverWithin >= 0 ? String.format(Locale.ROOT, "; by the server's own clock %.1f%% of claims within "
                + "1 ms", serverWithin) : "")
                + (JsonValues.number(processMax, "halfMaxSendDelayP99us") >= 0 ? "; 1% of requests sent "
                + us(processMax, "halfMaxSendDelayP99us") + " or more late by the client" : "")
                + cpuStops(processMax, "halfMax") + halfMaxRuns(processMax));
        for (String d : List.of("process", "sync")) {
            Map<String, Object> max = max(d);
            double pauses = JsonValues.number(max, "halfMaxGcPauses");
            row("HTTP: longest collector pause in the half-max run, " + d, "<= 10 ms",
                pauses >= 0 ? JsonValues.number(max, "halfMaxGcPauseMaxMs") : Double.NaN, "%.1f ms", v -> v <= 10,
                String.format(Locale.ROOT, " (%.0f pauses)", pauses));
        }
        for (String d : List.of("process", "sync")) {
            Map<String, Object> paced = wrkRun(d, true);
            String figure = "HTTP: p50 at about 1,000 claims/s, " + d + " (wrk paced, a C client)";
            double p50 = JsonValues.number(paced, "p50us");
            String note = paced.isEmpty() ? "" : String.format(Locale.ROOT, " at %,.0f/s (p99 %,.0f us)",
                JsonValues.number(paced, "rps"), JsonValues.number(paced, "p99us"));
            double diskP50 = JsonValues.number(diskSync, "msyncP50us");
            if (d.equals("sync") && diskP50 > 0 && !paced.isEmpty()) {
                // "where the disk allows": a claim at sync durability waits for at least one sync
                String disk = String.format(Locale.ROOT, "; one sync of this disk alone: p50 %.0f us (msync), %.0f us "
                    + "(fdatasync)", diskP50, JsonValues.number(diskSync, "fdatasyncP50us"));
                String verdict = p50 < 150 ? "meets" : diskP50 >= 150 ? "**misses**: the disk alone takes longer"
                    : "**misses**";
                md.append("| ").append(figure).append(" | < 150 us | ")
                    .append(String.format(Locale.ROOT, "%.0f us", p50)).append(note).append(disk).append(" | ")
                    .append(verdict).append(" |\n");
                continue;
            }
            row(figure, "< 150 us", p50, "%.0f us", v -> v < 150, note);
        }
        double underTarget = JsonValues.number(processMax, "maxRateP99Under");
        if (underTarget == 0) {
            md.append("| HTTP: highest rate with p99 < 1 ms (process) | (reported) | none: p99 >= 1 ms at every rate "
                + "tried | **misses** |\n");
        } else {
            row("HTTP: highest rate with p99 < 1 ms (process)", "(reported)", underTarget, "%,.0f/s", v -> true, "");
        }
        ratio("HTTP claims/s, process vs Redis + Lua, AOF everysec", ">= 1.5x", surgeProcess,
            peer("redis", "everysec"), 1.5);
        ratio("HTTP claims/s, sync vs Redis + Lua, AOF always", ">= 2x", surgeSync, peer("redis", "always"), 2);
        ratio("HTTP claims/s, wrk closed loop, process vs Redis + Lua, AOF everysec", ">= 1.5x",
            JsonValues.number(wrkRun("process"), "rps"), peer("redis", "everysec"), 1.5);
        ratio("HTTP claims/s, wrk closed loop, sync vs Redis + Lua, AOF always", ">= 2x",
            JsonValues.number(wrkRun("sync"), "rps"), peer("redis", "always"), 2);
        cpuTargets();
        ratio("HTTP claims/s, sync vs PostgreSQL hot row, synchronous_commit on", ">= 100x", surgeSync,
            peer("postgres", "on"), 100);
        ratio("HTTP claims/s, process vs PostgreSQL hot row, synchronous_commit off", ">= 100x", surgeProcess,
            peer("postgres", "off"), 100);
        md.append("\n");
    }

    /** Server CPU per claim (wrk's closed-loop run) against its target and against Redis + Lua's; idle figures. */
    private void cpuTargets() {
        String[][] pairs = {{"process", "everysec"}, {"sync", "always"}};
        for (String[] pair : pairs) {
            String d = pair[0];
            double target = CpuTable.targetUs(d);
            double surge = JsonValues.number(wrkRun(d), "serverCpuUs");
            double redis = JsonValues.number(peer("redis", pair[1]), "serverCpuUs");
            row("Server CPU per HTTP claim, " + d + " durability (wrk, closed loop)",
                String.format(Locale.ROOT, "<= %.0f us", target), surge, "%.1f us", v -> v <= target,
                Double.isNaN(redis) || redis < 0 ? "" : String.format(Locale.ROOT, " (Redis + Lua, AOF %s: %.1f us)",
                    pair[1], redis));
            row("Server CPU per claim, " + d + ": Surge (wrk) / Redis + Lua, AOF " + pair[1], "< 1x",
                surge / redis, "%.2fx", v -> v < 1, "");
        }
        row("Idle server CPU, share of one core (" + count(idle, "idleSeconds") + " s)", "< 2%",
            JsonValues.number(idle, "idleCpuPercent"), "%.2f%%", v -> v < 2, "");
        double firstServer = JsonValues.number(idle, "firstServerUs");
        row("First claim after " + count(idle, "idleSeconds") + " idle seconds (keep-alive connection, to the whole answer)",
            "< 1 ms", JsonValues.number(idle, "firstClaimUs") / 1000, "%.2f ms", v -> v < 1,
            firstServer > 0 ? "; server's clock <= " + ms(firstServer) : "");
        double[] again = numbers(idle, "againClaimUs");
        if (again.length > 0) {
            double worst = Arrays.stream(again).max().orElse(Double.NaN);
            double[] server = numbers(idle, "againServerUs");
            double[] floor = numbers(idle, "floorUs");
            row("First claim after " + count(idle, "againSeconds") + " idle seconds, the worst of " + again.length
                + " windows", "< 1 ms", worst / 1000, "%.2f ms", v -> v < 1, " (" + joinMs(again) + ")"
                + (server.length == again.length ? "; server's clock <= " + joinMs(server) : "")
                + (floor.length > 0 ? "; this machine's floor, one byte there and back between two threads after as "
                + "long idle: " + joinMs(floor) : ""));
        }
    }

    /** A list of numbers of a result (none in older results, or when absent). */
    private static double[] numbers(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof List<?> list)) {
            return new double[0];
        }
        return list.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }

    private static String joinMs(double[] us) {
        StringBuilder b = new StringBuilder();
        for (double v : us) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v / 1000));
        }
        return b.append(" ms").toString();
    }

    private void row(String figure, String target, double value, String format, java.util.function.DoublePredicate ok,
                     String note) {
        String measured = Double.isNaN(value) || Double.isInfinite(value) || value < 0 ? "not measured"
            : String.format(Locale.ROOT, format, value) + note;
        String verdict = measured.equals("not measured") ? "-" : ok.test(value) ? "meets" : "**misses**";
        md.append("| ").append(figure).append(" | ").append(target).append(" | ").append(measured).append(" | ")
            .append(verdict).append(" |\n");
    }

    private void ratio(String figure, String target, double surge, Map<String, Object> peer, double needed) {
        double rps = JsonValues.number(peer, "rps");
        double r = surge / rps;
        row(figure, target, r, "%.2fx", v -> v >= needed,
            Double.isNaN(r) ? "" : String.format(Locale.ROOT, " (%,.0f vs %,.0f/s)", surge, rps));
    }

    // ---- sections ----------------------------------------------------------------------------

    private void jmhTable() {
        if (jmh.isEmpty()) {
            md.append("## JMH\n\nNot run.\n\n");
            return;
        }
        md.append("## JMH (in process)\n\n| Benchmark | Params | Mode | Median | Score ± error | Unit |\n"
            + "|---|---|---|---|---|---|\n");
        List<Map<String, Object>> all = new ArrayList<>(jmh);
        all.addAll(jmhG1);
        for (Map<String, Object> b : all) {
            Map<String, Object> metric = JsonValues.map(b.get("primaryMetric"));
            String name = String.valueOf(b.get("benchmark"));
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String params = params(b) + (jmhG1.contains(b) ? ", G1 (production flags)" : "");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s ± %s | %s |%n", name, params, b.get("mode"),
                num(median(metric)), num(JsonValues.number(metric, "score")), num(JsonValues.number(metric, "scoreError")),
                metric.get("scoreUnit")));
        }
        md.append("\n");
        ringLatency();
    }

    /** Publish-to-journaled percentiles of the ring runs, from their .hgrm files. */
    private void ringLatency() {
        List<Path> files;
        try {
            files = hgrms("ring-");
        } catch (IOException e) {
            return;
        }
        if (files.isEmpty()) {
            return;
        }
        md.append("Ring + journal latency, publish to journaled (from the intended publish time; rate 0 = the "
            + "publisher saturates the ring, so those percentiles are mostly waiting in a full ring):\n\n"
            + "| Run | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|\n");
        for (Path f : files) {
            try {
                Charts.Series s = Hgrm.read(f, "");
                md.append("| ").append(f.getFileName().toString().replace(".hgrm", "").replace("ring-", ""));
                for (double p : new double[] {50, 90, 99, 99.9, 100}) {
                    md.append(" | ").append(Charts.micros(Hgrm.valueAt(s, p)));
                }
                md.append(" |\n");
            } catch (IOException e) {
                md.append("| ").append(f.getFileName()).append(" | unreadable |||||\n");
            }
        }
        md.append("\n");
    }

    private void memorySection() {
        if (memory.isEmpty()) {
            return;
        }
        md.append(String.format(Locale.ROOT, "## Memory (heap and direct memory after full GC)%n%n| What | Bytes |%n"
                + "|---|---|%n"
                + "| Per user: their line (campaign and SKU counters, newest grant, Idempotency-Key record) and its "
                + "index slot (%s users, one grant each) | %.1f |%n"
                + "| Whole per-user state (line, grant, device and address counters as reserved) | %.1f |%n"
                + "| Per pooled code (%s codes of %s bytes: text, offsets, owner, duplicate index) | %.1f |%n%n",
            count(memory, "users"), JsonValues.number(memory, "limitBytesPerUser"),
            JsonValues.number(memory, "stateBytesPerUser"), count(memory, "codes"), count(memory, "codeTextBytes"),
            JsonValues.number(memory, "bytesPerCode")));
    }

    private void httpSection(String durability) throws IOException {
        Path runs = dir.resolve("http-" + durability + ".jsonl");
        if (!Files.exists(runs)) {
            return;
        }
        md.append("## HTTP over loopback, ").append(durability).append(" durability\n\n");
        md.append("Open model at fixed rates, latency from each request's intended send time (coordinated omission "
            + "corrected). Load generator and server share the machine's cores. The server's own clock: its claim "
            + "latency histogram (`surge_http_request_duration_seconds`, read from `/metrics` around the window; "
            + "its buckets bound the p99), which starts when the server has the request: the rest of the client's "
            + "figure is the client's own delays and the wait before the server reads the request. Sent late: how long "
            + "after its intended time the generator wrote a request to its socket (all its connections busy, or its "
            + "own event loop not running: on two shared cores, waiting for a core). CPU stops: how often, during the "
            + "window, a CPU of this machine ran nothing for " + FreezeProbe.THRESHOLD_MS + " ms or more (a sleeper pinned to each "
            + "CPU woke that late); whatever ran there, server or generator, stopped as long, and every request due "
            + "meanwhile waited: on these VMs the host stops a vCPU for about 100 ms at a time.\n\n");
        md.append("| Offered/s | Achieved/s | p50 | p90 | p99 | p99.9 | max | Server's clock: within 1 ms, p99 "
            + "| Sent late, p99 | CPU stops | Errors | Outcomes |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Object o : JsonValues.readLines(runs)) {
            Map<String, Object> r = JsonValues.map(o);
            md.append(String.format(Locale.ROOT, "| %,.0f | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %,.0f | %s |%n",
                JsonValues.number(r, "rate"), JsonValues.number(r, "achieved"), us(r, "p50us"), us(r, "p90us"),
                us(r, "p99us"), us(r, "p999us"), us(r, "maxus"), serverClock(r), us(r, "sendDelayP99us"),
                stopsCell(r, ""), JsonValues.number(r, "errors"), outcomes(JsonValues.map(r.get("outcomes")))));
        }
        Map<String, Object> max = max(durability);
        if (!max.isEmpty()) {
            double under = JsonValues.number(max, "maxRateP99Under");
            md.append(String.format(Locale.ROOT, "%nMax sustained (answers kept pace, p99 stayed bounded): **%,.0f/s**; "
                    + "highest offered rate with p99 < %.0f us: **%s**; p99 at half the max (%,.0f/s): **%s**.%n",
                JsonValues.number(max, "maxSustained"), JsonValues.number(max, "p99TargetUs"),
                under > 0 ? String.format(Locale.ROOT, "%,.0f/s", under) : "none of the rates tried",
                JsonValues.number(max, "halfMaxRate"), us(max, "halfMaxP99us")));
        }
        String png = "latency-" + durability + ".png";
        List<Charts.Series> series = new ArrayList<>();
        for (Path h : hgrms("http-" + durability + "-")) {
            String name = h.getFileName().toString().replace(".hgrm", "").replace("http-" + durability + "-", "");
            series.add(Hgrm.read(h, name.replace("halfmax-", "half max ") + "/s"));
        }
        if (!series.isEmpty()) {
            Charts.spectrum(dir.resolve(png), "Claim latency by percentile, " + durability
                + " durability (one line per offered rate)", series, 1000);
            md.append("\n![latency spectrum, ").append(durability).append("](").append(png).append(")\n");
        }
        md.append("\n");
    }

    /** A run's CPU stops ({@code FreezeProbe}): "none", "2, longest 99 ms", or "-" when not timed. */
    private static String stopsCell(Map<String, Object> run, String prefix) {
        String key = prefix.isEmpty() ? "cpuStops" : prefix + "CpuStops";
        double n = JsonValues.number(run, key);
        if (!(n >= 0)) {
            return "-";
        }
        return n == 0 ? "none" : String.format(Locale.ROOT, "%.0f, longest %.0f ms", n,
            JsonValues.number(run, prefix.isEmpty() ? "cpuStopLongestMs" : prefix + "CpuStopLongestMs"));
    }

    /** When the half-max run was repeated because the machine stopped a CPU in its window, says so. */
    private static String halfMaxRuns(Map<String, Object> max) {
        double runs = JsonValues.number(max, "halfMaxRuns");
        if (!(runs > 1)) {
            return "";
        }
        return String.format(Locale.ROOT, "; the run made %.0f times, the machine having stopped a CPU in the window "
            + "before (the first run's p99: %s; every run is in the table below)", runs, us(max, "halfMaxFirstP99us"));
    }

    /** The half-max run's CPU stops as a clause of the target row; empty when not timed. */
    private static String cpuStops(Map<String, Object> max, String prefix) {
        String cell = stopsCell(max, prefix);
        return cell.equals("-") ? "" : "; this machine stopped a CPU for " + FreezeProbe.THRESHOLD_MS + " ms or more: "
            + cell + " during the window";
    }

    /** The server's own view of a run's claims ({@code ServerLatency}); "-" for runs that did not read it. */
    private static String serverClock(Map<String, Object> run) {
        double within = JsonValues.number(run, "serverWithin1msPct");
        if (!(within >= 0)) {
            return "-";
        }
        double p99 = JsonValues.number(run, "serverP99UpToUs");
        return String.format(Locale.ROOT, "%.1f%%, %s", within, p99 > 0 ? "<= " + us(Map.of("v", p99), "v") : "over 10 s");
    }

    private void peersSection() throws IOException {
        if (peers.isEmpty() && max("process").isEmpty()) {
            return;
        }
        md.append("## Against the peers (same work, same machine, equal durability)\n\n");
        md.append("Same work: stock S, per-user limit L, N users: a claim checks the user's count, takes a unit of "
            + "stock (Redis: a code from a list) and records the grant. Peers are driven by their own closed-loop "
            + "tools (redis-benchmark, pgbench) at full speed; Surge's figure is its max sustained open-model rate.\n\n");
        md.append("| System | Durability | Claims/s | p50 | p99 | Surge at equal durability | Ratio |\n"
            + "|---|---|---|---|---|---|---|\n");
        List<Charts.Bar> bars = new ArrayList<>();
        for (String d : List.of("process", "sync")) {
            double surge = JsonValues.number(max(d), "maxSustained");
            if (!Double.isNaN(surge)) {
                bars.add(new Charts.Bar("Surge HTTP, " + d, surge, true));
            }
        }
        for (Map<String, Object> p : peers) {
            String d = String.valueOf(p.get("durability"));
            double surge = JsonValues.number(max(d), "maxSustained");
            double rps = JsonValues.number(p, "rps");
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s ms | %s ms | %s | %s |%n", p.get("name"), d, rps,
                num(JsonValues.number(p, "p50ms")), num(JsonValues.number(p, "p99ms")),
                Double.isNaN(surge) ? "-" : String.format(Locale.ROOT, "%,.0f/s", surge),
                Double.isNaN(surge) ? "-" : String.format(Locale.ROOT, "%.2fx", surge / rps)));
            bars.add(new Charts.Bar(p.get("name") + " (" + d + ")", rps, false));
        }
        if (!bars.isEmpty()) {
            Charts.bars(dir.resolve("throughput-vs-peers.png"), "Claims per second on this machine (higher is better)",
                "/s", bars);
            md.append("\n![throughput against the peers](throughput-vs-peers.png)\n\n");
        }
        md.append("Durability: Surge `process` and Redis `appendfsync everysec` and PostgreSQL `synchronous_commit=off` "
            + "survive a killed server process but may lose the last moment on a power cut; Surge `sync` (group "
            + "commit), Redis `appendfsync always` and PostgreSQL `synchronous_commit=on` survive a power cut.\n\n");
    }

    private void diskSection() {
        if (diskSync.isEmpty()) {
            return;
        }
        md.append(String.format(Locale.ROOT, "## One sync of this disk\n\n"
                + "`DiskSyncProbe` in `%s`, where the bench's servers keep their data: %s appends of %s bytes, each "
                + "followed by a sync and a pause of %s us, on one thread, as the journal does with `sync` durability "
                + "when every claim is its own batch. A claim at `sync` durability is answered after at least one such sync, so its latency at "
                + "1,000 claims/s cannot be lower.\n\n"
                + "| Sync | p50 | p99 | CPU per sync |\n|---|---|---|---|\n"
                + "| msync of a mapped file (what the journal does) | %.0f us | %.0f us | %.0f us |\n"
                + "| write + fdatasync | %.0f us | %.0f us | %.0f us |\n\n",
            diskSync.get("dir"), count(diskSync, "syncs"), count(diskSync, "recordBytes"), count(diskSync, "pauseUs"),
            JsonValues.number(diskSync, "msyncP50us"), JsonValues.number(diskSync, "msyncP99us"),
            JsonValues.number(diskSync, "msyncCpuUs"), JsonValues.number(diskSync, "fdatasyncP50us"),
            JsonValues.number(diskSync, "fdatasyncP99us"), JsonValues.number(diskSync, "fdatasyncCpuUs")));
    }

    private void idleSection() {
        md.append("## Idle\n\n");
        if (idle.isEmpty()) {
            md.append("Not measured.\n\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "After wrk's %s-durability run the server is left alone: %s s to settle "
                + "(not measured; at least 5, then until a second passes with the server under 2%% of a core: a "
                + "snapshot written after the run is not idleness), then its CPU (user + system, /proc/PID/stat) over "
                + "%s idle seconds. Then the first claim after the window, on a keep-alive connection the probe "
                + "opened (and warmed with repeats of one claim) before it, "
                + "timed from the request's first byte to the answer's last; a second claim on that connection; then "
                + "a claim on a new connection, connect included.%n%n"
                + "| Figure | Measured | Target |%n|---|---|---|%n"
                + "| Server CPU while idle, share of one core | %s | < 2%% |%n"
                + "| First claim after the idle window (keep-alive connection) | %s | < 1 ms |%n"
                + "| Next claim, same connection | %s | |%n"
                + "| Then a claim on a new connection, connect included | %s (connect %s) | |%n%n",
            idle.get("durability"), count(idle, "settleSeconds"), count(idle, "idleSeconds"),
            pct(JsonValues.number(idle, "idleCpuPercent")), us(idle, "firstClaimUs"), us(idle, "nextClaimUs"),
            us(idle, "newConnectionClaimUs"), us(idle, "connectUs")));
        double[] again = numbers(idle, "againClaimUs");
        if (again.length > 0) {
            double[] server = numbers(idle, "againServerUs");
            md.append(String.format(Locale.ROOT, "Then %d more idle windows of %s s, each followed by one claim on the "
                + "kept connection: %s%s. One wake-up is not a figure.%n%n", again.length, count(idle, "againSeconds"),
                joinMs(again), server.length == again.length ? " (on the server's own clock, the bucket that holds "
                + "each: <= " + joinMs(server) + ")" : ""));
            double[] floor = numbers(idle, "floorUs");
            if (floor.length > 0) {
                md.append(String.format(Locale.ROOT, "The machine's own floor, with no server in it: after as many "
                    + "windows of the same length, one byte sent by the probe to an echo thread of its own over "
                    + "loopback and back: %s. A first request after an idle window cannot be answered faster than "
                    + "this on this machine.%n%n", joinMs(floor)));
            }
        }
        double status = JsonValues.number(idle, "firstStatus");
        if (status != 200) {
            md.append(String.format(Locale.ROOT, "The first claim was answered with status %.0f, not 200.%n%n", status));
        }
    }

    /** wrk through a gateway in front of three members, next to wrk against a single node (docs/cluster.md). */
    private void clusterSection() {
        md.append("## Through a cluster\n\n");
        Map<String, Object> c = wrkRun("cluster");
        if (c.isEmpty()) {
            md.append("Not measured.\n\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "A gateway in front of a cluster of %.0f members on loopback (`scripts/run "
            + "--engine cluster`; each member its own JVM, file sync level %.0f), driven by wrk as the single-node runs "
            + "are (closed loop, %.0f connections): every claim is decided by every member and answered once a "
            + "majority has appended it (docs/cluster.md). The gateway, the members and wrk share the machine's "
            + "cores. Server CPU per claim is the gateway's process and the members' together.%n%n",
            JsonValues.number(c, "members"), JsonValues.number(c, "fileSyncLevel"), JsonValues.number(c, "connections")));
        md.append("| Engine | Claims/s | p50 | p99 | p99.9 | Server CPU per claim |\n|---|---|---|---|---|---|\n");
        for (String d : List.of("process", "sync", "cluster")) {
            Map<String, Object> w = wrkRun(d);
            if (w.isEmpty()) {
                continue;
            }
            String engine = d.equals("cluster") ? "gateway + cluster of " + count(w, "members") : "single node, " + d
                + " durability";
            String cpu = String.format(Locale.ROOT, "%.1f us", JsonValues.number(w, "serverCpuUs"))
                + (d.equals("cluster") ? String.format(Locale.ROOT, " (gateway %.1f + members %.1f)",
                JsonValues.number(w, "gatewayCpuUs"), JsonValues.number(w, "membersCpuUs")) : "");
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %s |%n", engine, JsonValues.number(w, "rps"),
                ms(JsonValues.number(w, "p50us")), ms(JsonValues.number(w, "p99us")), ms(JsonValues.number(w, "p999us")),
                cpu));
        }
        md.append("\n");
    }

    private static String ms(double micros) {
        return Double.isNaN(micros) || micros < 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** wrk's closed-loop run at this durability, or an empty map. */
    private Map<String, Object> wrkRun(String durability) {
        return wrkRun(durability, false);
    }

    /** wrk's run at this durability, the paced one or the closed-loop one, or an empty map. */
    private Map<String, Object> wrkRun(String durability, boolean paced) {
        for (Map<String, Object> w : wrk) {
            if (durability.equals(w.get("durability")) && w.containsKey("pacedRate") == paced) {
                return w;
            }
        }
        return Map.of();
    }

    private static String pct(double v) {
        return Double.isNaN(v) || v < 0 ? "not measured" : String.format(Locale.ROOT, "%.2f%%", v);
    }

    private Map<String, Object> max(String durability) {
        Path p = dir.resolve("http-" + durability + "-max.json");
        try {
            return Files.exists(p) ? JsonValues.map(JsonValues.read(p)) : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    private Map<String, Object> peer(String system, String mode) {
        for (Map<String, Object> p : peers) {
            if (system.equals(p.get("system")) && mode.equals(p.get("mode"))) {
                return p;
            }
        }
        return Map.of();
    }

    private List<Path> hgrms(String prefix) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*.hgrm")) {
            ds.forEach(files::add);
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().contains("halfmax"))
            .thenComparingLong(p -> rateOf(p.getFileName().toString())));
        return files;
    }

    private static long rateOf(String name) {
        String digits = name.replaceAll(".*-(\\d+)\\.hgrm$", "$1");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Median of the measured iterations of the first matching benchmark (NaN if absent). */
    private static List<Map<String, Object>> readJmh(Path file) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        if (Files.exists(file) && JsonValues.read(file) instanceof List<?> l) {
            for (Object o : l) {
                list.add(JsonValues.map(o));
            }
        }
        return list;
    }

    private double jmhMedian(String suffix, String jmhMode, Map<String, String> params) {
        return jmhMedian(jmh, suffix, jmhMode, params);
    }

    private static double jmhMedian(List<Map<String, Object>> results, String suffix, String jmhMode,
                                    Map<String, String> params) {
        for (Map<String, Object> b : results) {
            if (String.valueOf(b.get("benchmark")).endsWith(suffix) && jmhMode.equals(b.get("mode"))
                && matches(b, params)) {
                return median(JsonValues.map(b.get("primaryMetric")));
            }
        }
        return Double.NaN;
    }

    private double jmhParam(String suffix, String param) {
        for (Map<String, Object> b : jmh) {
            if (String.valueOf(b.get("benchmark")).endsWith(suffix)) {
                Object v = JsonValues.map(b.get("params")).get(param);
                return v == null ? Double.NaN : Double.parseDouble(String.valueOf(v));
            }
        }
        return Double.NaN;
    }

    private static boolean matches(Map<String, Object> b, Map<String, String> params) {
        Map<String, Object> actual = JsonValues.map(b.get("params"));
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!e.getValue().equals(String.valueOf(actual.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    static double median(Map<String, Object> metric) {
        List<Double> values = new ArrayList<>();
        if (metric.get("rawData") instanceof List<?> forks) {
            for (Object fork : forks) {
                if (fork instanceof List<?> iterations) {
                    for (Object v : iterations) {
                        if (v instanceof Double d) {
                            values.add(d);
                        }
                    }
                }
            }
        }
        if (values.isEmpty()) {
            return JsonValues.number(metric, "score");
        }
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String params(Map<String, Object> b) {
        Map<String, Object> p = JsonValues.map(b.get("params"));
        if (p.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        p.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return s.toString();
    }

    private static String outcomes(Map<String, Object> o) {
        StringBuilder s = new StringBuilder();
        o.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
            .append(String.format(Locale.ROOT, "%,.0f", (Double) v)));
        return s.toString();
    }

    private static String us(Map<String, Object> r, String key) {
        double v = JsonValues.number(r, key);
        if (Double.isNaN(v) || v < 0) {
            return "-";
        }
        return v >= 1000 ? String.format(Locale.ROOT, "%.2f ms", v / 1000) : String.format(Locale.ROOT, "%.0f us", v);
    }

    private static String count(Map<String, Object> m, String key) {
        double v = JsonValues.number(m, key);
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
