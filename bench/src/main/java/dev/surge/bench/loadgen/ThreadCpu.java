package dev.surge.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server's CPU split by thread kind (event loops, engine, dispatcher, snapshots, JIT, collector),
 * from Linux's per-thread accounting ({@code /proc/PID/task/TID/stat}): so that the report shows
 * where a claim's CPU goes, not only its sum (docs/benchmarks.md). Clock ticks of 10 ms, so it
 * is meant for windows of seconds.
 */
final class ThreadCpu {
    /** Linux's USER_HZ, the unit of utime and stime: 100 on every mainstream build. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** Kinds in the order the report lists them: a thread's name prefix, then its kind. */
    private static final List<String[]> KINDS = List.of(
        new String[] {"surge-io", "event loops"},
        new String[] {"surge-engine", "engine"},
        // the snapshot replica tails the journal on the dispatcher; its own thread loads and writes snapshots
        new String[] {"surge-dispatch", "dispatcher: delivery, dashboard, replica"},
        new String[] {"surge-snapshot", "snapshot load, write"},
        new String[] {"C2 CompilerThre", "JIT compilers"},
        new String[] {"C1 CompilerThre", "JIT compilers"},
        new String[] {"GC Thread", "garbage collector"},
        new String[] {"G1 ", "garbage collector"});

    private ThreadCpu() {
    }

    /** Each live thread's kind and CPU ticks so far; empty where there is no /proc (not Linux, or gone). */
    static Map<Integer, Sample> sample(long pid) {
        Map<Integer, Sample> threads = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                Sample s = read(task);
                if (s != null) {
                    threads.put(Integer.parseInt(task.getFileName().toString()), s);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return threads;
    }

    /** What {@link #split(Map, Map, long)} calls the CPU of threads that ended between the samples. */
    static final String ENDED = "threads ended meanwhile (snapshot writes)";

    /**
     * CPU nanoseconds per kind between two samples (threads started in between count from zero),
     * and, under {@link #ENDED}, what the process used beyond them ({@code processNanos}, -1 when
     * unknown): threads that ended before the second sample, which it cannot see. The snapshot
     * writer is one, started for each snapshot; without this its CPU was in no column.
     */
    static Map<String, Long> split(Map<Integer, Sample> before, Map<Integer, Sample> after, long processNanos) {
        Map<String, Long> byKind = split(before, after);
        if (processNanos >= 0 && !byKind.isEmpty()) {
            long seen = byKind.values().stream().mapToLong(Long::longValue).sum();
            byKind.put(ENDED, Math.max(0, processNanos - seen));
        }
        return byKind;
    }

    /** CPU nanoseconds per kind between two samples (threads started in between count from zero). */
    static Map<String, Long> split(Map<Integer, Sample> before, Map<Integer, Sample> after) {
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (String[] k : KINDS) {
            byKind.putIfAbsent(k[1], 0L);
        }
        byKind.put("other", 0L);
        after.forEach((tid, s) -> {
            Sample b = before.get(tid);
            long ticks = s.ticks - (b != null && b.name.equals(s.name) ? b.ticks : 0);
            byKind.merge(kind(s.name), ticks * NANOS_PER_TICK, Long::sum);
        });
        return byKind;
    }

    /** The split as a JSON object of microseconds per claim, for wrk.jsonl. */
    static String json(Map<String, Long> nanosByKind, long claims) {
        StringBuilder b = new StringBuilder("{");
        nanosByKind.forEach((kind, nanos) -> b.append(b.length() > 1 ? ", " : "")
            .append(String.format(Locale.ROOT, "\"%s\": %.2f", kind, claims > 0 ? nanos / 1e3 / claims : -1.0)));
        return b.append('}').toString();
    }

    static String kind(String threadName) {
        for (String[] k : KINDS) {
            if (threadName.startsWith(k[0])) {
                return k[1];
            }
        }
        return "other";
    }

    private static Sample read(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            // "tid (name) state ..." : the name may hold spaces and parentheses, so split after the last ')'
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).split(" ");
            // after the name: state is field 3 of stat(5), utime 14 and stime 15
            return new Sample(stat.substring(open + 1, close), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
            return null; // the thread ended meanwhile
        }
    }

    record Sample(String name, long ticks) {
    }
}
