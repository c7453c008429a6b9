package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.SurgeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * --warm-up-claims: the claims are decided by a scratch engine of the same configuration, whose
 * directory is gone afterwards, with its threads; the server's own data directory is untouched.
 */
@ExtendWith(NoLeakedThreads.class)
class WarmUpIT {

    @Test
    void claimsGoToAScratchEngineThatLeavesNothingBehind(@TempDir Path data) throws Exception {
        Configuration config = TestGateway.config().set(Configuration.Option.DATA_DIR, data.toString())
            .set(Configuration.Option.WARM_UP_CLAIMS, "600").conclude();
        WarmUp.Result r = WarmUp.run(config, config.warmUpClaims());
        assertEquals(600, r.claims());
        assertEquals(600, r.granted(), "each user claims once, a code each");
        assertFalse(Files.exists(r.scratch()), "the scratch directory is deleted");
        try (Stream<Path> left = Files.list(data)) {
            assertEquals(0, left.count(), "nothing in the server's own data directory");
        }
    }

    @Test
    void aStopSignalDuringTheWarmUpLeavesNoScratchBehind(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = TestGateway.withSecrets(SurgeProcess.java(List.of("-Djava.io.tmpdir=" + tmp),
            Main.class.getName(), "--no-demo", "--port", "0", "--data-dir", dir.resolve("data").toString(),
            "--warm-up-claims", "1000000"));
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (scratchJournals(tmp) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, scratchJournals(tmp), "the warm-up's scratch journal, under java.io.tmpdir");
            p.destroy(); // SIGTERM: Surge drains and exits
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("surge-warm-up")).toList(),
                    Files.readString(log));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static long scratchJournals(Path tmp) throws java.io.IOException {
        try (Stream<Path> dirs = Files.list(tmp)) {
            return dirs.filter(f -> f.getFileName().toString().startsWith("surge-warm-up")
                && Files.isDirectory(f.resolve("journal"))).count();
        }
    }

    @Test
    void theScratchConfigurationKeepsTheCodePathsAndSecretsButNotTheAddressOrData(@TempDir Path scratch) {
        Configuration config = TestGateway.config().set(Configuration.Option.DURABILITY, "sync")
            .set(Configuration.Option.PORT, "8123").set(Configuration.Option.RATE_LIMIT, "50")
            .set(Configuration.Option.WARM_UP_CLAIMS, "1000").conclude();
        Configuration s = config.forWarmUp(scratch, 1000);
        assertEquals(config.durability(), s.durability());
        assertEquals(config.transport(), s.transport());
        assertEquals(config.ioThreads(), s.ioThreads());
        assertEquals(config.engineOnEventLoop(), s.engineOnEventLoop());
        assertEquals(config.adminToken(), s.adminToken());
        assertEquals(config.userTokenSecret(), s.userTokenSecret());
        assertEquals(0, s.port());
        assertEquals("127.0.0.1", s.host());
        assertEquals(scratch, s.dataDir());
        assertEquals(0, s.rateLimit());
        assertEquals(0, s.warmUpClaims(), "no warm-up of its own");
        assertEquals(0, s.snapshotEvery(), "no snapshot of the scratch state");
        assertEquals(1000, s.expectedUsers());
        assertTrue(Configuration.help().contains("--warm-up-claims"));
    }
}
