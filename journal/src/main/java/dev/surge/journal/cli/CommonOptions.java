package dev.surge.journal.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every subcommand takes (a picocli mixin). */
final class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Surge data directory holding the journal (default: $SURGE_DATA_DIR, else ./data).")
    Path dataDir;

    @Option(names = "--progress", negatable = true,
        description = "Show progress on stderr about once a second (default: only when stderr is a terminal).")
    Boolean progress;
}
