package dev.surge.gateway;

import dev.surge.gateway.config.Configuration;

/** Opens the engine's storage for a configuration: the Chronicle journal under --data-dir (Main, benchmarks). */
public final class Storages {
    private Storages() {
    }

    public static EngineStorage open(Configuration config) {
        return new ChronicleStorage(config);
    }
}
