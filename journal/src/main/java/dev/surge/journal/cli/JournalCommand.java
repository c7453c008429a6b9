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

    /**
     * Opens the journal under the data directory for one read, with progress labelled
     * {@code label}. The key (may be null) decrypts code uploads; {@code streamsOutput} is for a
     * command that prints while it reads ({@code dump}): automatic progress stays off its screen.
     */
    JournalPass readJournal(String key, String label, boolean streamsOutput) {
        JournalAccess journal = cli.opener().open(dataDir(), key);
        return new JournalPass(journal, Progress.start(err(), common.progress, label, streamsOutput));
    }
}
