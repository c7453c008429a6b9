package dev.surge.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.bench.Histograms;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report writer turns a small set of result files into report.md and readable PNGs. */
class ReportWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesTablesAndPlots() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Files.writeString(dir.resolve("env.txt"), "cpu: test x 2 cores\n");
        Files.writeString(dir.resolve("jmh.json"), """
            [{"benchmark": "dev.surge.bench.ClaimDecisionBenchmark.claim", "mode": "avgt", "params": {},
              "primaryMetric": {"score": 90.0, "scoreError": 3.0, "scoreUnit": "ns/op", "rawData": [[80.0, 95.0, 90.0]]}},
             {"benchmark": "dev.surge.bench.ClaimDecisionBenchmark.encodeOnly", "mode": "avgt", "params": {},
              "primaryMetric": {"score": 20.0, "scoreError": 1.0, "scoreUnit": "ns/op", "rawData": [[20.0]]}},
             {"benchmark": "dev.surge.bench.RecoveryBenchmark.recover", "mode": "ss", "params": {"events": "1000000"},
              "primaryMetric": {"score": 500.0, "scoreError": 0.0, "scoreUnit": "ms/op", "rawData": [[500.0]]}}]
            """);
        Files.writeString(dir.resolve("jmh-g1.json"), """
            [{"benchmark": "dev.surge.bench.ClaimDecisionBenchmark.decide", "mode": "avgt", "params": {"users": "6000000"},
              "primaryMetric": {"score": 150.0, "scoreError": 3.0, "scoreUnit": "ns/op", "rawData": [[140.0, 150.0]]}}]
            """);
        Files.writeString(dir.resolve("memory.json"), "{\"users\": 1000, \"limitBytesPerUser\": 40.0, "
            + "\"stateBytesPerUser\": 200.0, \"codes\": 1000, \"bytesPerCode\": 60.0, \"codeTextBytes\": 14}\n");
        Files.writeString(dir.resolve("http-process.jsonl"), "{\"label\": \"http-process\", \"rate\": 1000.0, "
            + "\"achieved\": 1000.0, \"scheduled\": 3000, \"completed\": 3000, \"errors\": 0, \"p50us\": 300.0, "
            + "\"p90us\": 500.0, \"p99us\": 800.0, \"p999us\": 900.0, \"p9999us\": 950.0, \"maxus\": 990.0, "
            + "\"serverWithin1msPct\": 99.40, \"serverP99UpToUs\": 1000.0, \"sendDelayP50us\": 20.0, "
            + "\"sendDelayP99us\": 450.0, \"cpuStops\": 1, \"cpuStopLongestMs\": 98.0, \"cpuStopTotalMs\": 98.0, "
            + "\"outcomes\": {\"claim GRANTED\": 3000}}\n");
        Files.writeString(dir.resolve("http-process-max.json"), "{\"maxSustained\": 1000.0, \"maxRateP99Under\": 1000.0, "
            + "\"p99TargetUs\": 1000.0, \"halfMaxRate\": 500.0, \"halfMaxP99us\": 700.0, \"durability\": \"process\", "
            + "\"maxP99us\": 800.0, \"maxServerCpuUs\": 15.0, \"maxClientCpuUs\": 40.0, \"halfMaxAchieved\": 499.0, "
            + "\"halfMaxServerCpuUs\": 18.0, \"halfMaxClientCpuUs\": -1.0, \"halfMaxGcPauses\": 2, "
            + "\"halfMaxGcPauseMaxMs\": 12.5, \"halfMaxServerWithin1msPct\": 99.50, \"halfMaxSendDelayP99us\": 300.0, "
            + "\"halfMaxCpuStops\": 0, \"halfMaxCpuStopLongestMs\": 0.0, \"halfMaxCpuStopTotalMs\": 0.0, "
            + "\"halfMaxRuns\": 2, \"halfMaxFirstP99us\": 65000.0}\n");
        Files.writeString(dir.resolve("http-sync-max.json"), "{\"maxSustained\": 0.0, \"maxRateP99Under\": 0.0, "
            + "\"halfMaxRate\": 0.0, \"halfMaxP99us\": -1.0, \"durability\": \"sync\", \"maxServerCpuUs\": -1.00}\n");
        // the paced run first: the closed-loop figures must not be read from it
        Files.writeString(dir.resolve("wrk.jsonl"), "{\"pacedRate\": 1000, \"delayMs\": 1, \"label\": \"wrk-process-paced\", "
            + "\"durability\": \"process\", \"connections\": 1, \"threads\": 1, \"claims\": 9000, \"rps\": 900.0, "
            + "\"serverCpuUs\": 150.00, \"clientCpuUs\": 30.00, \"requests\": 9000, \"p50us\": 120.0, \"p99us\": 400.0}\n"
            + "{\"pacedRate\": 1000, \"delayMs\": 1, \"label\": \"wrk-sync-paced\", \"durability\": \"sync\", "
            + "\"connections\": 2, \"threads\": 1, \"claims\": 9000, \"rps\": 950.0, \"serverCpuUs\": 250.00, "
            + "\"clientCpuUs\": 30.00, \"requests\": 9000, \"p50us\": 812.0, \"p99us\": 1600.0}\n"
            + "{\"granted\": 9980, \"label\": \"wrk-process\", \"durability\": \"process\", "
            + "\"connections\": 50, \"threads\": 2, \"claims\": 10000, \"rps\": 2000.0, \"serverCpuUs\": 100.00, "
            + "\"clientCpuUs\": 20.00, \"serverCpuByThreadUs\": {\"event loops\": 60.00, \"engine\": 30.00, "
            + "\"other\": 10.00}, \"requests\": 10000, \"p50us\": 3128.0, \"p99us\": 19971.0}\n"
            // through a gateway in front of three members: its own section and row, and no CPU target
            + "{\"members\": 3, \"fileSyncLevel\": 1, \"gatewayCpuUs\": 60.00, \"membersCpuUs\": 180.00, "
            + "\"label\": \"wrk-cluster\", \"durability\": \"cluster\", \"connections\": 50, \"threads\": 2, "
            + "\"claims\": 40000, \"rps\": 5000.0, \"serverCpuUs\": 240.00, \"clientCpuUs\": 25.00, "
            + "\"requests\": 40000, \"p50us\": 8000.0, \"p99us\": 130000.0, \"p999us\": 170000.0}\n");
        Files.writeString(dir.resolve("idle.json"), "{\"durability\": \"process\", \"settleSeconds\": 5.0, "
            + "\"idleSeconds\": 30.0, \"idleCpuPercent\": 0.9, \"firstClaimUs\": 2663.2, \"firstStatus\": 200, "
            + "\"nextClaimUs\": 542.7, \"connectUs\": 230.8, \"newConnectionClaimUs\": 900.0, \"againSeconds\": 10.0, "
            + "\"againClaimUs\": [810.0, 1520.5, 640.0], \"firstServerUs\": 250.0, \"againServerUs\": [250.0, 1000.0, 100.0], "
            + "\"floorUs\": [1500.0, 900.0, 1200.0]}\n");
        Files.writeString(dir.resolve("disk-sync.json"), "{\"dir\": \"/tmp\", \"syncs\": 2000, \"recordBytes\": 300, "
            + "\"pauseUs\": 1000, \"msyncP50us\": 600.4, \"msyncP99us\": 900.0, \"msyncCpuUs\": 61.0, \"fdatasyncP50us\": 640.0, "
            + "\"fdatasyncP99us\": 950.0, \"fdatasyncCpuUs\": 60.0}\n");
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(200_000 + i * 50L); // ns
        }
        Histograms.writeHgrm(h, dir.resolve("http-process-1000.hgrm"));
        Files.writeString(dir.resolve("peers.jsonl"), "{\"system\": \"redis\", \"mode\": \"everysec\", \"name\": "
            + "\"Redis 7 + Lua, AOF everysec\", \"durability\": \"process\", \"rps\": 500.0, \"p50ms\": 0.5, \"p99ms\": 1.2, "
            + "\"clients\": 50, \"claims\": 5000, \"serverCpuUs\": 25.0, \"clientCpuUs\": 16.5, \"client\": \"redis-benchmark\"}\n");

        Path report = new ReportWriter(dir, "quick").write();

        String md = Files.readString(report);
        assertTrue(md.contains("| Claim decision, state machine alone (JMH, one thread; the writer thread's share) "
            + "| <= 100 ns | 70 ns (90 ns with the publisher's encoding; publisher's share 20 ns) | meets |"), md);
        // medians: 90 - 20, as results without a decide benchmark are read
        assertTrue(md.contains("| Claim decision, the writer thread's share, G1 with the production flags, 6M users | <= 100 ns "
            + "| 145 ns | **misses** |"), md);
        assertTrue(md.contains("| Claim decision, the writer thread's share, G1 with the production flags, 1M users | <= 100 ns "
            + "| not measured | - |"), md);
        assertTrue(md.contains("| ClaimDecisionBenchmark.decide | users=6000000, G1 (production flags) | avgt |"), md);
        assertTrue(md.contains("| Memory per pooled code (at 1,000 codes of 14 bytes) | <= 48 B | 60.0 B | **misses** |"), md);
        assertTrue(md.contains("| Run | event loops | engine | other | all |"), md);
        assertTrue(md.contains("| HTTP: p99 at half the max sustained rate (process) | < 1 ms | 0.70 ms at 500/s; by the "
            + "server's own clock 99.5% of claims within 1 ms; 1% of requests sent 300 us or more late by the client; "
            + "this machine stopped a CPU for 20 ms or more: none during the window; the run made 2 times, the machine "
            + "having stopped a CPU in the window before (the first run's p99: 65.00 ms; every run is in the table "
            + "below) | meets |"), md);
        assertTrue(md.contains("| 1,000 | 1,000 | 300 us | 500 us | 800 us | 900 us | 990 us | 99.4%, <= 1.00 ms | 450 us "
            + "| 1, longest 98 ms | 0 |"), md);
        assertTrue(md.contains("| process, wrk closed loop, 2,000 claims/s | 60.0 us | 30.0 us | 10.0 us | 100.0 us |"), md);
        assertTrue(md.contains("2.00x (1,000 vs 500/s) | meets"), md);
        assertTrue(md.contains("1,000,000-event journal) | >= 5,000,000/s | 2,000,000/s"), md);
        assertTrue(md.contains("| 1,000 | 1,000 | 300 us | 500 us | 800 us |"), md);
        assertTrue(md.contains("![latency spectrum, process](latency-process.png)"), md);
        // claims/s and CPU per claim: Surge by both clients against its target, the peer with its own tool
        assertTrue(md.contains("| Surge, process | Java open model, max sustained | 1,000 | 800 us | 15.0 us | 40.0 us "
            + "| 0.02 + 0.04 | <= 20 us: meets |"), md);
        assertTrue(md.contains("| Surge, process | Java open model, half max | 499 | 700 us | 18.0 us | not measured "
            + "| 0.01 + ? | <= 20 us: meets |"), md);
        assertTrue(md.contains("| Surge, process | wrk, closed loop, 50 connections, 99.8% granted | 2,000 | 19.97 ms | 100.0 us | 20.0 us "
            + "| 0.20 + 0.04 | <= 20 us: **misses** |"), md);
        assertTrue(md.contains("| Redis 7 + Lua, AOF everysec | redis-benchmark, closed loop, 50 connections | 500 | 1.20 ms "
            + "| 25.0 us | 16.5 us | 0.01 + 0.01 | - |"), md);
        assertTrue(md.contains("| HTTP: longest collector pause in the half-max run, process | <= 10 ms | 12.5 ms (2 pauses) "
            + "| **misses** |"), md);
        assertTrue(md.contains("| HTTP: longest collector pause in the half-max run, sync | <= 10 ms | not measured | - |"), md);
        assertTrue(md.contains("| HTTP: p50 at about 1,000 claims/s, process (wrk paced, a C client) | < 150 us | 120 us at "
            + "900/s (p99 400 us) | meets |"), md);
        assertTrue(md.contains("| HTTP: p50 at about 1,000 claims/s, sync (wrk paced, a C client) | < 150 us | 812 us at 950/s "
            + "(p99 1,600 us); one sync of this disk alone: p50 600 us (msync), 640 us (fdatasync) | **misses**: the disk "
            + "alone takes longer |"), md);
        assertTrue(md.contains("| msync of a mapped file (what the journal does) | 600 us | 900 us | 61 us |"), md);
        assertTrue(md.contains("| write + fdatasync | 640 us | 950 us | 60 us |"), md);
        assertTrue(md.contains("| Surge, process | wrk, paced: 1 connection(s), 1 ms between claims | 900 | 400 us | 150.0 us "),
            md);
        assertTrue(md.contains("| Server CPU per HTTP claim, process durability (wrk, closed loop) | <= 20 us | 100.0 us "
            + "(Redis + Lua, AOF everysec: 25.0 us) | **misses** |"), md);
        assertTrue(md.contains("| Server CPU per claim, process: Surge (wrk) / Redis + Lua, AOF everysec | < 1x | 4.00x "
            + "| **misses** |"), md);
        assertTrue(md.contains("| HTTP claims/s, wrk closed loop, process vs Redis + Lua, AOF everysec | >= 1.5x | 4.00x "
            + "(2,000 vs 500/s) | meets |"), md);
        assertTrue(md.contains("| Server CPU per HTTP claim, sync durability (wrk, closed loop) | <= 30 us | not measured "
            + "| - |"), md);
        assertTrue(md.contains("| Surge, sync | Java open model: no rate sustained | - | - | not measured | not measured "
            + "| - | <= 30 us |"), md);
        assertFalse(md.contains("| Surge, sync | Java open model, half max"), md);
        // idle
        assertTrue(md.contains("| Idle server CPU, share of one core (30 s) | < 2% | 0.90% | meets |"), md);
        assertTrue(md.contains("| First claim after 30 idle seconds (keep-alive connection, to the whole answer) | < 1 ms "
            + "| 2.66 ms; server's clock <= 0.25 ms | **misses** |"), md);
        assertTrue(md.contains("| First claim after the idle window (keep-alive connection) | 2.66 ms | < 1 ms |"), md);
        assertTrue(md.contains("| Next claim, same connection | 543 us | |"), md);
        assertTrue(md.contains("| First claim after 10 idle seconds, the worst of 3 windows | < 1 ms | 1.52 ms (0.81, 1.52, "
            + "0.64 ms); server's clock <= 0.25, 1.00, 0.10 ms; this machine's floor, one byte there and back between two "
            + "threads after as long idle: 1.50, 0.90, 1.20 ms | **misses** |"), md);
        assertTrue(md.contains("loopback and back: 1.50, 0.90, 1.20 ms."), md);
        assertTrue(md.contains("Then 3 more idle windows of 10 s, each followed by one claim on the kept connection: 0.81, "
            + "1.52, 0.64 ms (on the server's own clock, the bucket that holds each: <= 0.25, 1.00, 0.10 ms)."), md);
        assertTrue(md.contains("| Then a claim on a new connection, connect included | 900 us (connect 231 us) | |"), md);
        assertTrue(md.contains("![server CPU per claim](cpu-per-claim.png)"), md);
        assertTrue(md.contains("| Surge, gateway + cluster of 3 (file sync level 1) | wrk, closed loop, 50 connections "
            + "| 5,000 | 130.00 ms | 240.0 us | 25.0 us | 1.20 + 0.13 | - |"), md);
        assertTrue(md.contains("| single node, process durability | 2,000 | 3.13 ms | 19.97 ms | - | 100.0 us |\n"
            + "| gateway + cluster of 3 | 5,000 | 8.00 ms | 130.00 ms | 170.00 ms | 240.0 us (gateway 60.0 + members 180.0) |"),
            md);
        assertFalse(md.contains("| cluster, wrk closed loop"), "no split by thread: the server is four processes");
        for (String png : new String[] {"latency-process.png", "throughput-vs-peers.png", "cpu-per-claim.png"}) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertTrue(img.getWidth() >= 800 && img.getHeight() >= 200, png);
        }
        Charts.Series s = Hgrm.read(dir.resolve("http-process-1000.hgrm"), "x");
        assertEquals(200.05, s.y()[0], 0.1); // microseconds
    }
}
