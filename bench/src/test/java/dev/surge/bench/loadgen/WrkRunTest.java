package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** wrk's output becomes one wrk.jsonl line; the idle probe reads keep-alive answers one at a time. */
class WrkRunTest {
    private static final String OUTPUT = """
        Running 5s test @ http://127.0.0.1:40765
          2 threads and 50 connections
        69204 requests in 5.06s, 17.82MB read
        surge-wrk {"requests": 10100, "durationUs": 5000000, "connectErrors": 0, "readErrors": 0, "writeErrors": 0, \
        "non2xx": 100, "timeouts": 0, "p50us": 3128.0, "p90us": 6996.0, "p99us": 19971.0, "p999us": 35307.0, \
        "maxus": 46660.0, "meanus": 3909.3}
        surge-cpu 0.150 0.050
        """;

    @Test
    void claimsAreTheTwoHundredsAndCpuIsPerClaim() {
        // 10,000 claims (10,100 answers less 100 non-2xx) in 5 s; server 1 s of CPU, wrk 0.2 s
        String line = WrkRun.resultJson("wrk-process", "process", 50, 2, OUTPUT, 1_000_000_000L, Map.of());
        assertTrue(line.startsWith("{\"label\": \"wrk-process\", \"durability\": \"process\", \"connections\": 50, "
            + "\"threads\": 2, \"claims\": 10000, \"rps\": 2000.0, \"serverCpuUs\": 100.00, \"clientCpuUs\": 20.00, "
            + "\"requests\": 10100,"), line);
        assertTrue(line.endsWith("\"p99us\": 19971.0, \"p999us\": 35307.0, \"maxus\": 46660.0, \"meanus\": 3909.3}"), line);
    }

    @Test
    void theServersCpuIsSplitByThreadKindPerClaim() {
        Map<Integer, ThreadCpu.Sample> before = Map.of(1, new ThreadCpu.Sample("surge-io-3-1", 100),
            2, new ThreadCpu.Sample("surge-engine", 50), 3, new ThreadCpu.Sample("C2 CompilerThre", 7));
        Map<Integer, ThreadCpu.Sample> after = Map.of(1, new ThreadCpu.Sample("surge-io-3-1", 160),
            2, new ThreadCpu.Sample("surge-engine", 70), 3, new ThreadCpu.Sample("C2 CompilerThre", 8),
            4, new ThreadCpu.Sample("surge-snapshot", 10), 5, new ThreadCpu.Sample("Attach Listener", 1));
        Map<String, Long> split = ThreadCpu.split(before, after); // ticks of 10 ms
        assertEquals(600_000_000L, split.get("event loops"));
        assertEquals(200_000_000L, split.get("engine"));
        assertEquals(100_000_000L, split.get("snapshot load, write"), "a thread started meanwhile counts from zero");
        assertEquals(10_000_000L, split.get("JIT compilers"));
        assertEquals(10_000_000L, split.get("other"));
        assertEquals(0L, split.get("garbage collector"));
        String line = WrkRun.resultJson("wrk-process", "process", 50, 2, OUTPUT, 920_000_000L, split);
        assertTrue(line.contains("\"serverCpuByThreadUs\": {\"event loops\": 60.00, \"engine\": 20.00, "
            + "\"dispatcher: delivery, dashboard, replica\": 0.00, \"snapshot load, write\": 10.00, \"JIT compilers\": 1.00, \"garbage collector\": 0.00, "
            + "\"other\": 1.00}, \"requests\": 10100"), line);
    }

    @Test
    void whatTheProcessUsedBeyondItsLiveThreadsIsTheEndedThreads() {
        Map<Integer, ThreadCpu.Sample> before = Map.of(1, new ThreadCpu.Sample("surge-io-3-1", 100),
            2, new ThreadCpu.Sample("surge-snapshot", 5));
        Map<Integer, ThreadCpu.Sample> after = Map.of(1, new ThreadCpu.Sample("surge-io-3-1", 160));
        Map<String, Long> split = ThreadCpu.split(before, after, 900_000_000L); // the process: 90 ticks
        assertEquals(600_000_000L, split.get("event loops"));
        assertEquals(300_000_000L, split.get(ThreadCpu.ENDED), "a snapshot writer that ended, and any other");
        assertEquals(0L, ThreadCpu.split(before, after, 500_000_000L).get(ThreadCpu.ENDED), "ticks round: never below 0");
        assertNull(ThreadCpu.split(before, after, -1).get(ThreadCpu.ENDED), "the process's CPU unknown");
    }

    @Test
    void aLiveThreadIsFoundByItsName() throws InterruptedException {
        java.util.concurrent.CountDownLatch sampled = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "surge-io-probe");
        t.start();
        try {
            Map<Integer, ThreadCpu.Sample> threads = ThreadCpu.sample(ProcessHandle.current().pid());
            assertTrue(threads.values().stream().anyMatch(s -> s.name().equals("surge-io-probe")), threads.toString());
            assertEquals("event loops", ThreadCpu.kind("surge-io-probe"));
        } finally {
            sampled.countDown();
            t.join();
        }
    }

    @Test
    void unknownCpuIsMinusOne() {
        String line = WrkRun.resultJson("w", "sync", 50, 2, OUTPUT.replace("surge-cpu 0.150 0.050\n", ""), -1, Map.of());
        assertTrue(line.contains("\"serverCpuUs\": -1.00, \"clientCpuUs\": -1.00"), line);
    }

    @Test
    void noSummaryIsAnError() {
        assertThrows(IllegalArgumentException.class,
            () -> WrkRun.resultJson("w", "sync", 50, 2, "unable to connect to 127.0.0.1:1\n", 0, Map.of()));
    }

    @Test
    void readsOneAnswerAndLeavesTheNext() throws IOException {
        InputStream in = new ByteArrayInputStream(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            + "Content-Length: 5\r\n\r\nhelloHTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, IdleProbe.readAnswer(in));
        assertEquals(429, IdleProbe.readAnswer(in));
        assertEquals(-1, in.read());
    }
}
