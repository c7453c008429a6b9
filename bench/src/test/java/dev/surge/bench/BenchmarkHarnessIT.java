package dev.surge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.journal.EventCodecBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Each JMH benchmark runs, in this JVM, for one short iteration on tiny inputs: the harness
 * works (set-up, the measured operation, tear-down, files written). Nothing about speed is
 * checked here; scripts/bench measures.
 */
class BenchmarkHarnessIT {
    @TempDir
    Path out;

    private ChainedOptionsBuilder tiny(Class<?> benchmark) {
        return new OptionsBuilder().include(benchmark.getName().replace("$", "\\$") + "\\.")
            .forks(0).warmupIterations(0).measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(300)).shouldFailOnError(true);
    }

    private static void assertScored(Collection<RunResult> results, int expected) {
        assertEquals(expected, results.size());
        for (RunResult r : results) {
            assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark() + " scored nothing");
        }
    }

    @Test
    void claimDecisionAndCodecRun() throws Exception {
        assertScored(new Runner(tiny(ClaimDecisionBenchmark.class).mode(org.openjdk.jmh.annotations.Mode.AverageTime)
            .build()).run(), 3); // claim, decide (the writer's share), encodeOnly (the publisher's)
        assertScored(new Runner(tiny(EventCodecBenchmark.class).build()).run(), 6);
    }

    @Test
    void ringJournalRunsAndWritesItsHistogram() throws Exception {
        System.setProperty(Histograms.OUT_PROPERTY, out.toString());
        try {
            assertScored(new Runner(tiny(RingJournalThroughput.class).param("durability", "process")
                .param("rate", "0", "20000").param("ringSize", "256").build()).run(), 2);
        } finally {
            System.clearProperty(Histograms.OUT_PROPERTY);
        }
        for (String name : new String[] {"ring-process-0.hgrm", "ring-process-20000.hgrm"}) {
            String hgrm = Files.readString(out.resolve(name));
            assertTrue(hgrm.contains("#[Mean"), name + " is not a percentile distribution");
        }
    }

    @Test
    void recoveryReplaysABuiltJournal() throws Exception {
        System.setProperty(RecoveryBenchmark.JOURNALS_PROPERTY, out.toString());
        try {
            assertScored(new Runner(tiny(RecoveryBenchmark.class).param("events", "5000").build()).run(), 1);
        } finally {
            System.clearProperty(RecoveryBenchmark.JOURNALS_PROPERTY);
        }
        assertTrue(Files.exists(out.resolve("recovery-v2-5000").resolve("complete"))); // RecoveryBenchmark's directory
    }
}
