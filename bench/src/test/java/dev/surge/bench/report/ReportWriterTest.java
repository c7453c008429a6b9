package dev.surge.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Files.writeString(dir.resolve("memory.json"), "{\"users\": 1000, \"limitBytesPerUser\": 40.0, "
            + "\"stateBytesPerUser\": 200.0, \"codes\": 1000, \"bytesPerCode\": 60.0, \"codeTextBytes\": 14}\n");
        Files.writeString(dir.resolve("http-process.jsonl"), "{\"label\": \"http-process\", \"rate\": 1000.0, "
            + "\"achieved\": 1000.0, \"scheduled\": 3000, \"completed\": 3000, \"errors\": 0, \"p50us\": 300.0, "
            + "\"p90us\": 500.0, \"p99us\": 800.0, \"p999us\": 900.0, \"p9999us\": 950.0, \"maxus\": 990.0, "
            + "\"outcomes\": {\"claim GRANTED\": 3000}}\n");
        Files.writeString(dir.resolve("http-process-max.json"), "{\"maxSustained\": 1000.0, \"maxRateP99Under\": 1000.0, "
            + "\"p99TargetUs\": 1000.0, \"halfMaxRate\": 500.0, \"halfMaxP99us\": 700.0, \"durability\": \"process\"}\n");
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(200_000 + i * 50L); // ns
        }
        Histograms.writeHgrm(h, dir.resolve("http-process-1000.hgrm"));
        Files.writeString(dir.resolve("peers.jsonl"), "{\"system\": \"redis\", \"mode\": \"everysec\", \"name\": "
            + "\"Redis 7 + Lua, AOF everysec\", \"durability\": \"process\", \"rps\": 500.0, \"p50ms\": 0.5, \"p99ms\": 1.2}\n");

        Path report = new ReportWriter(dir, "quick").write();

        String md = Files.readString(report);
        assertTrue(md.contains("| Claim decision, state machine alone (JMH, one thread; minus command encoding) | <= 100 ns "
            + "| 70 ns (90 ns with encoding) | meets |"), md); // medians: 90 - 20
        assertTrue(md.contains("| Memory per pooled code (at 1,000 codes of 14 bytes) | <= 48 B | 60.0 B | **misses** |"), md);
        assertTrue(md.contains("2.00x (1,000 vs 500/s) | meets"), md);
        assertTrue(md.contains("1,000,000-event journal) | >= 5,000,000/s | 2,000,000/s"), md);
        assertTrue(md.contains("| 1,000 | 1,000 | 300 us | 500 us | 800 us |"), md);
        assertTrue(md.contains("![latency spectrum, process](latency-process.png)"), md);
        for (String png : new String[] {"latency-process.png", "throughput-vs-peers.png"}) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertTrue(img.getWidth() >= 800 && img.getHeight() >= 200, png);
        }
        Charts.Series s = Hgrm.read(dir.resolve("http-process-1000.hgrm"), "x");
        assertEquals(200.05, s.y()[0], 0.1); // microseconds
    }
}
