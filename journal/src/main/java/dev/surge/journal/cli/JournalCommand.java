package dev.surge.journal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * What every subcommand shares: the data directory, the code key from the environment, output
 * streams, and opening the journal for reading. Subcommands return their exit code.
 */
abstract class JournalCommand implements Callable<Integer> {
    @ParentCommand
    JournalCli cli;

    @Mixin
    CommonOptions common;

    PrintWriter out() {
        return cli.out();
    }

    PrintWriter err() {
        return cli.err();
    }

    Path dataDir() {
        if (common.dataDir != null) {
            return common.dataDir;
        }
        String env = cli.env().get("SURGE_DATA_DIR");
        return Path.of(env == null || env.isBlank() ? "./data" : env);
    }

    /** SURGE_CODE_KEY as given (base64), or null when unset. */
    String codeKey() {
        String key = cli.env().get("SURGE_CODE_KEY");
        return key == null || key.isBlank() ? null : key.trim();
    }

    /** Fails with a clear message when an option needs the code key and it is missing. */
    String requireCodeKey(String why) {
        String key = codeKey();
        if (key == null) {
            throw new CliException(why + " needs the code key: set SURGE_CODE_KEY (base64, 32 bytes) to the key Surge "
                + "ran with");
        }
        return key;
    }

    /** Opens the journal under the data directory; the key (may be null) decrypts code uploads. */
    JournalAccess openJournal(String key) {
        return cli.opener().open(dataDir(), key);
    }

    /** A progress reporter for a command that prints its result at the end. */
    Progress progress(String label) {
        return Progress.start(err(), common.progress, label, false);
    }

    /** A progress reporter for a command that prints while it reads ({@code dump}). */
    Progress streamingProgress(String label) {
        return Progress.start(err(), common.progress, label, true);
    }
}
