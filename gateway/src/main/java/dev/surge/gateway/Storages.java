package dev.surge.gateway;

import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.ops.RecoveryProgress;

/** Opens the engine's storage for a configuration: the Chronicle journal under --data-dir. */
final class Storages {
    private Storages() {
    }

    /** {@code progress} hears how far recovery has got (the dashboard shows it while starting). */
    static EngineStorage open(Configuration config, RecoveryProgress progress) {
        return new ChronicleStorage(config, progress);
    }
}
