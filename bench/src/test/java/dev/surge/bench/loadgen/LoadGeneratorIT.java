package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * scripts/loadgen end to end on tiny inputs: it starts a real server (child JVM), sets the
 * campaign up through the admin API, sends a second of claims at a low rate and writes its
 * histogram and summary. No timing is asserted.
 */
class LoadGeneratorIT {
    @TempDir
    Path out;

    @Test
    void runsAgainstARealServerAndWritesItsFiles() throws Exception {
        int exit = new CommandLine(new LoadGenerator()).execute("--rate", "200", "--duration", "1", "--warmup", "0.5",
            "--connections", "4", "--users", "50", "--codes", "1000", "--mix", "claims=80,redeems=10,repeats=10",
            "--server-heap", "256m", "--out", out.toString(), "--label", "tiny");
        assertEquals(0, exit);
        List<String> runs = Files.readAllLines(out.resolve("tiny.jsonl"));
        assertEquals(1, runs.size());
        String run = runs.get(0);
        assertTrue(run.contains("\"claim GRANTED\""), run);
        assertTrue(run.contains("\"errors\": 0,"), run);
        java.util.regex.Matcher late = java.util.regex.Pattern.compile("\"sendDelayP99us\": ([0-9.]+)").matcher(run);
        assertTrue(late.find(), "how late requests were sent is measured: " + run);
        java.util.regex.Matcher completed = java.util.regex.Pattern.compile("\"completed\": (\\d+)").matcher(run);
        assertTrue(completed.find() && Long.parseLong(completed.group(1)) > 0, run);
        String hgrm = Files.readString(out.resolve("tiny-200.hgrm"));
        assertTrue(hgrm.contains("#[Mean"), hgrm);
        assertTrue(Files.readString(out.resolve("tiny-server.log")).contains("listening on 127.0.0.1:"));
    }
}
