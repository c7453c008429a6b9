package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The probe on a few syncs: it writes its figures and leaves nothing behind. No timing is asserted. */
class DiskSyncProbeTest {
    @TempDir
    Path dir;

    @Test
    void timesBothKindsOfSyncAndCleansUp() throws Exception {
        Path out = dir.resolve("disk-sync.json");
        Path probed = Files.createDirectory(dir.resolve("probed"));
        int exit = new CommandLine(new DiskSyncProbe()).execute("--dir", probed.toString(), "--syncs", "20", "--pause-us", "100",
            "--record-bytes", "300", "--out", out.toString());
        assertEquals(0, exit);
        String figures = Files.readString(out);
        for (String k : new String[] {"msyncP50us", "msyncP99us", "fdatasyncP50us", "fdatasyncP99us"}) {
            assertTrue(number(figures, k) > 0, k + " in " + figures);
        }
        assertEquals(20, number(figures, "syncs"));
        try (var left = Files.list(probed)) {
            assertEquals(0, left.count(), "the probe's files are deleted");
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([0-9.]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void refusesNonsense() {
        assertEquals(2, new CommandLine(new DiskSyncProbe()).execute("--dir", dir.toString(), "--syncs", "0"));
    }
}
