package dev.surge.gateway;

import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.RecoveryProgress;

/** Opens the engine's storage for a configuration: the Chronicle journal under --data-dir (Main, benchmarks). */
public final class Storages {
    private Storages() {
    }

    /** {@code progress} hears how far recovery has got (the dashboard shows it while starting). */
    public static EngineStorage open(Configuration config, RecoveryProgress progress) {
        return new ChronicleStorage(config, progress);
    }

    public static EngineStorage open(Configuration config) {
        return open(config, new RecoveryProgress());
    }
}
