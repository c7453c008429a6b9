package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Each tool's --help renders as written: a lone '%' in a description makes picocli warn and print it raw. */
class HelpTextTest {
    @ParameterizedTest
    @ValueSource(classes = {WrkRun.class, LoadGenerator.class, DiskSyncProbe.class})
    void helpRendersWithoutAWarning(Class<? extends Callable<Integer>> tool) throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        String usage;
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            usage = new CommandLine(tool.getDeclaredConstructor().newInstance()).getUsageMessage();
        } finally {
            System.setErr(err);
        }
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
        assertTrue(usage.contains("--help"), usage);
    }

    @Test
    void aPercentSignIsPrintedOnce() {
        String usage = new CommandLine(new WrkRun()).getUsageMessage().replaceAll("\\s+", " ");
        assertTrue(usage.contains("under 2% of a core"), usage);
    }
}
