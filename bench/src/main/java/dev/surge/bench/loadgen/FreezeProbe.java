package dev.surge.bench.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Times how long each CPU of this machine stops running anything, while a run is measured. One
 * small JVM, started once per session, keeps a thread pinned to each CPU ({@code taskset} on its own
 * thread id) that sleeps 5 ms at a time and reports every wake-up at least
 * {@value #THRESHOLD_MS} ms late. A CPU whose pinned sleeper wakes that late ran nothing of the probe
 * for that long: on the two-vCPU VMs Surge is measured on, the host stops one vCPU for about 100 ms
 * at a time (a program that keeps both vCPUs busy sees it within seconds, and the time is not
 * reported as stolen). A server or load generator thread on that vCPU stops as long, and the
 * open-model latency of every request due meanwhile grows by it: the report puts these stops next
 * to the p99 so a reader can tell the machine's from the server's.
 *
 * <p>The probe's own cost: 200 wake-ups a second per CPU, and no allocation but a line per stop
 * (so no collection to speak of). A stop of the probe's own JVM (a safepoint) would show on every
 * CPU at once.
 */
public final class FreezeProbe implements AutoCloseable {
    /** Shorter stops than this are left out: this VM's memory sampler alone stalls for 3-5 ms. */
    public static final int THRESHOLD_MS = 20;
    private static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** One stop: the CPU, when it ended (epoch ms), how long it lasted beyond the sleep (ms). */
    public record Stop(int cpu, long endMillis, double millis) {
    }

    /** The stops of a window: how many, the longest, the CPUs pinned (0: the probe could not pin). */
    public record Summary(int stops, double longestMillis, double totalMillis, int cpusPinned) {
        public static final Summary UNKNOWN = new Summary(-1, -1, -1, 0);

        public boolean known() {
            return cpusPinned > 0;
        }
    }

    private final Process process;
    private final List<Stop> stops = new ArrayList<>();
    private int pinned;
    private volatile boolean closed;

    private FreezeProbe(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "freeze-probe-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the probe's JVM with this JVM's java and class path; null (and a warning) when it cannot. */
    public static FreezeProbe start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Process p = new ProcessBuilder(java, "-Xms16m", "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), FreezeProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new FreezeProbe(p);
        } catch (IOException e) {
            System.out.println("warning: the freeze probe did not start (" + e.getMessage() + "); CPU stops unknown");
            return null;
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(" ");
                synchronized (this) {
                    if (f[0].equals("pinned")) {
                        pinned++;
                    } else if (f[0].equals("stop")) {
                        stops.add(new Stop(Integer.parseInt(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3])));
                    } else {
                        System.out.println("freeze probe: " + line);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                System.out.println("warning: the freeze probe's output ended: " + e);
            }
        }
    }

    /** The stops that ended between two wall-clock instants (epoch ms). */
    public synchronized Summary between(long fromMillis, long toMillis) {
        return summarize(stops, pinned, fromMillis, toMillis);
    }

    /** The stops that overlap [from, to] (epoch ms), of a probe that pinned {@code pinned} CPUs. */
    static Summary summarize(List<Stop> stops, int pinned, long fromMillis, long toMillis) {
        if (pinned == 0) {
            return Summary.UNKNOWN;
        }
        int n = 0;
        double longest = 0;
        double total = 0;
        for (Stop s : stops) {
            if (s.endMillis() >= fromMillis && s.endMillis() - s.millis() <= toMillis) {
                n++;
                longest = Math.max(longest, s.millis());
                total += s.millis();
            }
        }
        return new Summary(n, longest, total, pinned);
    }

    /** The probe's process id. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        closed = true;
        process.destroy();
    }

    /** The probe itself: a pinned sleeper per CPU; ends when its standard input closes (its parent is gone). */
    public static void main(String[] args) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        for (int cpu = 0; cpu < cpus; cpu++) {
            int c = cpu;
            Thread t = new Thread(() -> sleeper(c), "freeze-probe-cpu" + cpu);
            t.setDaemon(true);
            t.start();
        }
        while (System.in.read() >= 0) {
            // nothing to read: the parent only ever closes it
        }
    }

    private static void sleeper(int cpu) {
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
            String tid = self.substring(self.lastIndexOf('/') + 1);
            Process taskset = new ProcessBuilder("taskset", "-pc", Integer.toString(cpu), tid)
                .redirectErrorStream(true).start();
            String out = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (taskset.waitFor() != 0) {
                say("unpinned " + cpu + " taskset: " + out);
                return;
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            say("unpinned " + cpu + " " + e);
            return;
        }
        say("pinned " + cpu);
        long threshold = TimeUnit.MILLISECONDS.toNanos(THRESHOLD_MS);
        while (true) {
            long t = System.nanoTime();
            LockSupport.parkNanos(SLEEP_NANOS);
            long late = System.nanoTime() - t - SLEEP_NANOS;
            if (late >= threshold) {
                say(String.format(Locale.ROOT, "stop %d %d %.1f", cpu, System.currentTimeMillis(), late / 1e6));
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
