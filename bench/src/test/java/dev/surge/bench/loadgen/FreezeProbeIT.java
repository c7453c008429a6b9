package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe pins a sleeper to each CPU and reports a stop of its process as a stop of every CPU. */
class FreezeProbeIT {

    @Test
    void aStoppedProbeReportsTheStopOnEveryCpu() throws Exception {
        try (FreezeProbe probe = FreezeProbe.start()) {
            int cpus = Runtime.getRuntime().availableProcessors();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (probe.between(0, Long.MAX_VALUE).cpusPinned() < cpus && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(cpus, probe.between(0, Long.MAX_VALUE).cpusPinned(), "a sleeper pinned to each CPU");
            Thread.sleep(300);
            long from = System.currentTimeMillis();
            signal("STOP", probe.pid());
            Thread.sleep(150);
            signal("CONT", probe.pid());
            FreezeProbe.Summary s = FreezeProbe.Summary.UNKNOWN;
            while (System.nanoTime() < deadline) {
                s = probe.between(from, System.currentTimeMillis());
                if (s.stops() >= cpus) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(s.stops() >= cpus, "each CPU's sleeper woke late: " + s);
            assertTrue(s.longestMillis() >= 100 && s.longestMillis() < 10_000, "about as long as the stop: " + s);
        }
    }

    @Test
    void aWindowCountsTheStopsThatOverlapIt() {
        List<FreezeProbe.Stop> stops = List.of(new FreezeProbe.Stop(0, 1_000, 100), // 900-1000
            new FreezeProbe.Stop(1, 2_050, 100), // 1950-2050: overlaps the window's end
            new FreezeProbe.Stop(0, 3_000, 30)); // after it
        FreezeProbe.Summary s = FreezeProbe.summarize(stops, 2, 950, 2_000);
        assertEquals(2, s.stops());
        assertEquals(100, s.longestMillis());
        assertEquals(200, s.totalMillis());
        assertEquals(0, FreezeProbe.summarize(stops, 2, 1_001, 1_900).stops());
        assertEquals(-1, FreezeProbe.summarize(stops, 0, 0, 5_000).stops(), "unknown when nothing was pinned");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}
