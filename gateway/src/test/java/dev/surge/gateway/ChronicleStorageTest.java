package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.RecoveryProgress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot replica runs unless --snapshot-every 0 turns snapshots off. */
class ChronicleStorageTest {
    private static final Map<String, String> SECRETS = Map.of(
        "SURGE_ADMIN_TOKEN", "admin-token-0123456789",
        "SURGE_USER_TOKEN_SECRET", "user-secret-0123456789-0123456789-abc",
        "SURGE_CODE_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

    @TempDir
    Path dir;

    @Test
    void runsTheReplicaByDefaultAndNoneWithSnapshotsOff() throws Exception {
        assertEquals(1, replicaThreadsWhileStarted(dir.resolve("default")));
        assertEquals(0, replicaThreadsWhileStarted(dir.resolve("off"), "--snapshot-every", "0"));
    }

    private static long replicaThreadsWhileStarted(Path dataDir, String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        args[0] = "--data-dir";
        args[1] = dataDir.toString();
        System.arraycopy(flags, 0, args, 2, flags.length);
        Configuration config = Configuration.from(args, SECRETS).conclude();
        ChronicleStorage storage = new ChronicleStorage(config, new RecoveryProgress());
        try {
            assertNotNull(storage.recover());
            storage.onStarted(null); // the agent's thread is started, or not, before this returns
            return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("surge-snapshot") && t.isAlive()).count();
        } finally {
            storage.close();
        }
    }
}
