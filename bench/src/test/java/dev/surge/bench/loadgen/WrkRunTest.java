package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
        String line = WrkRun.resultJson("wrk-process", "process", 50, 2, OUTPUT, 1_000_000_000L);
        assertTrue(line.startsWith("{\"label\": \"wrk-process\", \"durability\": \"process\", \"connections\": 50, "
            + "\"threads\": 2, \"claims\": 10000, \"rps\": 2000.0, \"serverCpuUs\": 100.00, \"clientCpuUs\": 20.00, "
            + "\"requests\": 10100,"), line);
        assertTrue(line.endsWith("\"p99us\": 19971.0, \"p999us\": 35307.0, \"maxus\": 46660.0, \"meanus\": 3909.3}"), line);
    }

    @Test
    void unknownCpuIsMinusOne() {
        String line = WrkRun.resultJson("w", "sync", 50, 2, OUTPUT.replace("surge-cpu 0.150 0.050\n", ""), -1);
        assertTrue(line.contains("\"serverCpuUs\": -1.00, \"clientCpuUs\": -1.00"), line);
    }

    @Test
    void noSummaryIsAnError() {
        assertThrows(IllegalArgumentException.class,
            () -> WrkRun.resultJson("w", "sync", 50, 2, "unable to connect to 127.0.0.1:1\n", 0));
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
