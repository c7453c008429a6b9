package dev.surge.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's "claims/s and CPU per claim" table and its plot: Surge driven by the Java
 * open-model generator (at its max sustained rate and at half of it) and by wrk in a closed loop,
 * next to Redis + Lua and PostgreSQL driven by their own tools; each with the server's CPU per
 * claim (user + system of its whole process, over the measured window, divided by the claims
 * served) and the client's, and the cores each kept busy. Rows come from {@code http-*-max.json},
 * {@code wrk.jsonl} and {@code peers.jsonl}; what a run did not write is left out.
 */
final class CpuTable {
    /** Server CPU per claim that Surge aims for, by durability (docs/benchmarks.md#targets). */
    static final double PROCESS_TARGET_US = 20;
    static final double SYNC_TARGET_US = 30;

    /** One system, client and durability; NaN where not measured. */
    record Row(String system, String client, String durability, double claimsPerSecond, double p99us,
               double serverCpuUs, double clientCpuUs, boolean surge) {
        double serverCores() {
            return serverCpuUs * claimsPerSecond / 1e6;
        }

        double clientCores() {
            return clientCpuUs * claimsPerSecond / 1e6;
        }
    }

    private CpuTable() {
    }

    static double targetUs(String durability) {
        return "sync".equals(durability) ? SYNC_TARGET_US : PROCESS_TARGET_US;
    }

    /**
     * The rows, grouped by durability (process first), Surge's before the peers'; last, a gateway in
     * front of a cluster of three ({@code wrk.jsonl}'s durability "cluster"), its server CPU the
     * gateway's and the members' together.
     */
    static List<Row> rows(Map<String, Map<String, Object>> maxByDurability, List<Map<String, Object>> wrk,
                          List<Map<String, Object>> peers) {
        List<Row> rows = new ArrayList<>();
        for (String d : List.of("process", "sync", "cluster")) {
            Map<String, Object> max = maxByDurability.getOrDefault(d, Map.of());
            if (!max.isEmpty() && !(JsonValues.number(max, "maxSustained") > 0)) {
                rows.add(new Row("Surge, " + d, "Java open model: no rate sustained", d, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, true));
            } else if (!max.isEmpty()) {
                rows.add(new Row("Surge, " + d, "Java open model, max sustained", d,
                    JsonValues.number(max, "maxSustained"), known(max, "maxP99us"), known(max, "maxServerCpuUs"),
                    known(max, "maxClientCpuUs"), true));
                double half = known(max, "halfMaxAchieved");
                rows.add(new Row("Surge, " + d, "Java open model, half max", d,
                    Double.isNaN(half) ? known(max, "halfMaxRate") : half, known(max, "halfMaxP99us"),
                    known(max, "halfMaxServerCpuUs"), known(max, "halfMaxClientCpuUs"), true));
            }
            for (Map<String, Object> w : wrk) {
                if (d.equals(w.get("durability"))) {
                    String how = w.containsKey("pacedRate")
                        ? String.format(Locale.ROOT, "wrk, paced: %.0f connection(s), %.0f ms between claims",
                            JsonValues.number(w, "connections"), JsonValues.number(w, "delayMs"))
                        : String.format(Locale.ROOT, "wrk, closed loop, %.0f connections", JsonValues.number(w, "connections"))
                            + grantedShare(w);
                    String system = "cluster".equals(d) ? String.format(Locale.ROOT, "Surge, gateway + cluster of %.0f "
                        + "(file sync level %.0f)", JsonValues.number(w, "members"), JsonValues.number(w, "fileSyncLevel"))
                        : "Surge, " + d;
                    rows.add(new Row(system, how, d, JsonValues.number(w, "rps"), known(w, "p99us"),
                        known(w, "serverCpuUs"), known(w, "clientCpuUs"), true));
                }
            }
            for (Map<String, Object> p : peers) {
                if (d.equals(p.get("durability"))) {
                    Object client = p.get("client");
                    rows.add(new Row(String.valueOf(p.get("name")), String.format(Locale.ROOT, "%s, closed loop, "
                            + "%.0f connections", client == null ? "its own tool" : client, JsonValues.number(p, "clients")),
                        d, JsonValues.number(p, "rps"), known(p, "p99ms") * 1000, known(p, "serverCpuUs"),
                        known(p, "clientCpuUs"), false));
                }
            }
        }
        return rows;
    }

    /** The table, then the plot of server CPU per claim ({@code cpu-per-claim.png} in {@code dir}). */
    static void write(StringBuilder md, List<Row> rows, Path dir) throws IOException {
        md.append("## Claims/s and CPU per claim\n\n");
        if (rows.isEmpty()) {
            md.append("Not measured.\n\n");
            return;
        }
        md.append("Server CPU per claim: user + system CPU of the server's process (PostgreSQL: its whole process "
            + "tree, backends included), from /proc/PID/stat over the measured window, divided by the claims served "
            + "in it. It does not depend on how heavy the client is, so it is the fair figure on a machine the "
            + "client shares. Client CPU per claim is the same for the load generator (the Java generator's own "
            + "process; wrk, redis-benchmark and pgbench from bash's `time`). Cores busy = CPU per claim x "
            + "claims/s: who used the machine's cores. Every Surge server here runs with `--rate-limit 0` (the "
            + "bench turns the per-address limiter off; its default, 200/s per client address, is unchanged). "
            + "wrk's and the peers' p99 are closed-loop figures (not corrected for coordinated omission); the "
            + "Java generator's are from each request's intended send time.\n\n");
        md.append("| System | Client | Claims/s | p99 | Server CPU per claim | Client CPU per claim "
            + "| Cores busy: server + client | Target, server CPU per claim |\n|---|---|---|---|---|---|---|---|\n");
        List<Charts.Bar> bars = new ArrayList<>();
        for (Row r : rows) {
            String target = "-";
            if (r.surge && !"cluster".equals(r.durability)) { // no target for a cluster's: it is three engines'
                double t = targetUs(r.durability);
                target = String.format(Locale.ROOT, "<= %.0f us", t) + (Double.isNaN(r.serverCpuUs) ? ""
                    : r.serverCpuUs <= t ? ": meets" : ": **misses**");
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.system, r.client,
                Double.isNaN(r.claimsPerSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", r.claimsPerSecond),
                micros(r.p99us), cpu(r.serverCpuUs), cpu(r.clientCpuUs), cores(r), target));
            if (!Double.isNaN(r.serverCpuUs) && !"cluster".equals(r.durability)) { // a cluster's: its own section
                bars.add(new Charts.Bar(r.system + " (" + shortClient(r.client) + ")", r.serverCpuUs, r.surge));
            }
        }
        if (!bars.isEmpty()) {
            Charts.bars(dir.resolve("cpu-per-claim.png"), String.format(Locale.ROOT, "Server CPU per claim, us (lower is "
                + "better; Surge's targets: <= %.0f process, <= %.0f sync)", PROCESS_TARGET_US, SYNC_TARGET_US), "us", bars);
            md.append("\n![server CPU per claim](cpu-per-claim.png)\n");
        }
        md.append("\n");
    }

    /**
     * Where wrk's runs spent the server's CPU: per claim, by thread kind, from the per-thread
     * accounting {@code WrkRun} writes ({@code serverCpuByThreadUs}); nothing when no run has it.
     */
    static void writeSplit(StringBuilder md, List<Map<String, Object>> wrk) {
        List<String> kinds = new ArrayList<>();
        for (Map<String, Object> w : wrk) {
            Object split = w.get("serverCpuByThreadUs");
            if (split != null) {
                for (String k : JsonValues.map(split).keySet()) {
                    if (!kinds.contains(k)) {
                        kinds.add(k);
                    }
                }
            }
        }
        if (kinds.isEmpty()) {
            return;
        }
        md.append("Where the server's CPU went, per claim, by thread (Linux's per-thread user + system time over the "
            + "same window; 10 ms ticks). The event loops read, parse and authenticate requests and write the "
            + "answers: their share holds the kernel's loopback TCP work, for both ends of each send; the engine "
            + "decides, journals and renders the answers.\n\n| Run |");
        for (String k : kinds) {
            md.append(' ').append(k).append(" |");
        }
        md.append(" all |\n|---|").append("---|".repeat(kinds.size() + 1)).append('\n');
        for (Map<String, Object> w : wrk) {
            Object split = w.get("serverCpuByThreadUs");
            if (split == null) {
                continue;
            }
            Map<String, Object> us = JsonValues.map(split);
            md.append(String.format(Locale.ROOT, "| %s, %s |", w.get("durability"), w.containsKey("pacedRate")
                ? "wrk paced" : String.format(Locale.ROOT, "wrk closed loop, %,.0f claims/s", JsonValues.number(w, "rps"))));
            for (String k : kinds) {
                md.append(' ').append(cpu(known(us, k))).append(" |");
            }
            md.append(' ').append(cpu(known(w, "serverCpuUs"))).append(" |\n");
        }
        md.append('\n');
    }

    /**
     * ", 99.8% granted": the share of the run's claims that the campaign granted, from the grants
     * {@code WrkRun} counted; empty when it did not (a cluster's run, an older report). A claims/s
     * figure means little when the answers were refusals (docs/benchmarks.md).
     */
    private static String grantedShare(Map<String, Object> w) {
        double granted = known(w, "granted");
        double claims = known(w, "claims");
        return Double.isNaN(granted) || Double.isNaN(claims) || claims == 0 ? ""
            : String.format(Locale.ROOT, ", %.1f%% granted", 100 * granted / claims);
    }

    /** A number, NaN when absent or negative (the writers' "unknown"). */
    private static double known(Map<String, Object> m, String key) {
        double v = JsonValues.number(m, key);
        return v < 0 ? Double.NaN : v;
    }

    private static String shortClient(String client) {
        int comma = client.indexOf(", closed loop");
        return comma < 0 ? client.replace("Java open model, ", "Java, ") : client.substring(0, comma);
    }

    static String cpu(double us) {
        return Double.isNaN(us) ? "not measured" : String.format(Locale.ROOT, "%.1f us", us);
    }

    private static String cores(Row r) {
        if (Double.isNaN(r.serverCpuUs) || Double.isNaN(r.claimsPerSecond)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f + %s", r.serverCores(),
            Double.isNaN(r.clientCpuUs) ? "?" : String.format(Locale.ROOT, "%.2f", r.clientCores()));
    }

    private static String micros(double us) {
        if (Double.isNaN(us)) {
            return "-";
        }
        return us >= 1000 ? String.format(Locale.ROOT, "%.2f ms", us / 1000) : String.format(Locale.ROOT, "%.0f us", us);
    }
}
