package dev.surge.journal;

import java.util.Locale;

/** How far an acknowledged event is guaranteed to survive ({@code --durability}, {@code SURGE_DURABILITY}). */
public enum Durability {
    /**
     * Survives a killed process: Chronicle writes into memory-mapped files, so every appended
     * event is in the OS page cache the moment it is written, and the kernel writes it back
     * even if the JVM dies. Lost only if the machine loses power before the write-back.
     */
    PROCESS,
    /**
     * Survives a power cut: each batch is msync'ed (MS_SYNC) before its replies are released
     * (group commit, once per Disruptor batch).
     */
    SYNC;

    /** Parses "process" or "sync" (any case); a clear error otherwise. */
    public static Durability parse(String value) {
        if (value != null) {
            String v = value.strip().toUpperCase(Locale.ROOT);
            for (Durability d : values()) {
                if (d.name().equals(v)) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("durability must be 'process' or 'sync', was '" + value + "'");
    }
}
