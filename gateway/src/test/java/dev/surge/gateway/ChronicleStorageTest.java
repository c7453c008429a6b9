package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.RecoveryProgress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot replica runs unless --snapshot-every 0 turns snapshots off, and then as tasks of
 * the server's background executor: no thread of its own once the newest snapshot is loaded.
 */
class ChronicleStorageTest {
    private static final Map<String, String> SECRETS = Map.of(
        "SURGE_ADMIN_TOKEN", "admin-token-0123456789",
        "SURGE_USER_TOKEN_SECRET", "user-secret-0123456789-0123456789-abc",
        "SURGE_CODE_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

    @TempDir
    Path dir;

    @Test
    void tailsOnTheBackgroundExecutorByDefaultAndNotAtAllWithSnapshotsOff() throws Exception {
        assertTrue(replicaTasksWhileStarted(dir.resolve("default")) > 0, "the replica's tasks ran on the executor");
        assertEquals(0, replicaTasksWhileStarted(dir.resolve("off"), "--snapshot-every", "0"));
    }

    /** Tasks the background executor ran while the storage was started, once no snapshot thread is left. */
    private static long replicaTasksWhileStarted(Path dataDir, String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        args[0] = "--data-dir";
        args[1] = dataDir.toString();
        System.arraycopy(flags, 0, args, 2, flags.length);
        Configuration config = Configuration.from(args, SECRETS).conclude();
        ChronicleStorage storage = new ChronicleStorage(config, new RecoveryProgress());
        ScheduledThreadPoolExecutor background = new ScheduledThreadPoolExecutor(1);
        try {
            assertNotNull(storage.recover());
            storage.onStarted(null, background);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // the newest snapshot is loaded on a thread of its own, which then ends; the tailing goes on
            while (snapshotThreads() > 0 || (background.getCompletedTaskCount() == 0 && flags.length == 0)) {
                assertTrue(System.nanoTime() < deadline, "a snapshot thread still runs, or no replica task ran");
                Thread.sleep(5);
            }
            Thread.sleep(50); // a few polls' worth: a thread would have shown up by now
            assertEquals(0, snapshotThreads(), "no thread of the replica's own while it tails");
            return background.getCompletedTaskCount();
        } finally {
            storage.close();
            background.shutdownNow();
        }
    }

    private static long snapshotThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("surge-snapshot") && t.isAlive()).count();
    }
}
