package dev.surge.journal.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The operator CLI, {@code scripts/journal}: reads a Surge data directory's journal (never
 * writes it) and answers what operators ask after an incident. Subcommands {@code dump},
 * {@code stats}, {@code verify}, {@code replay}, {@code redeliver}, {@code reconcile}; each has
 * {@code --help} with examples. {@code redeliver} asks the running server, the journal's one writer.
 *
 * <p>Exit codes: {@value #EXIT_OK} ok, {@value #EXIT_FINDINGS} {@code verify} found problems or
 * {@code reconcile} disagreements,
 * {@value #EXIT_ERROR} a usage or I/O error (one line on stderr, no stack trace; set
 * {@code SURGE_DEBUG=1} for one).
 *
 * <p>Threading: runs on the main thread only.
 */
@Command(name = "journal",
    mixinStandardHelpOptions = true,
    versionProvider = JournalCli.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
        "Reads a Surge journal for operators: what happened, whether every invariant",
        "held, what the state was at any moment, whether a supplier's statement",
        "agrees. Never writes the journal: a re-drive is asked of the running server.",
    },
    subcommands = {DumpCommand.class, StatsCommand.class, VerifyCommand.class, ReplayCommand.class,
        RedeliverCommand.class, ReconcileCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%n",
    footer = {
        "Environment:",
        "  SURGE_DATA_DIR     data directory when --data-dir is not given (else ./data)",
        "  SURGE_ADMIN_TOKEN  redeliver: the admin token of the running server",
        "  SURGE_SERVER       redeliver: its URL (else http://127.0.0.1:8080)",
        "  SURGE_CODE_KEY     base64 AES-256 key of the card codes. Only needed to",
        "                     reveal codes (--reveal-codes), for verify to compare",
        "                     code texts across SKUs, and for replay to start from a",
        "                     snapshot; everything else works without it",
        "",
        "Exit codes: 0 ok, 1 verify found problems or reconcile disagreements,",
        "2 usage or I/O error.",
        "",
        "Examples:",
        "  scripts/journal verify --data-dir /var/lib/surge",
        "  scripts/journal dump --campaign spring-vip --result GRANTED | head",
        "  scripts/journal stats --interval 10",
        "  scripts/journal replay --until 2025-06-18T20:05:00Z --user u-1001",
        "  scripts/journal reconcile --supplier primary --statement primary.csv",
        "  scripts/journal redeliver --campaign spring-vip --dry-run",
        "  scripts/journal help dump",
    })
public final class JournalCli implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FINDINGS = 1;
    public static final int EXIT_ERROR = 2;

    @Spec
    CommandSpec spec;

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final JournalAccess.Opener opener;

    JournalCli(PrintWriter out, PrintWriter err, Map<String, String> env, JournalAccess.Opener opener) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.opener = opener;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
            new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err),
            StandardCharsets.UTF_8), true);
        int code = run(args, out, err, System.getenv());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line; returns the exit code. Tests call this with their own streams and
     * environment (also other modules' tests: a cluster member's journal is checked with it).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        return run(args, out, err, env, JournalAccess::open);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env,
                   JournalAccess.Opener opener) {
        CommandLine cl = new CommandLine(new JournalCli(out, err, env, opener));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(JournalCli::usageError);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> failure(ex, line, env));
        int code = cl.execute(args);
        out.flush();
        return code;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
            "a command is required: dump, stats, verify, replay, redeliver or reconcile");
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    Map<String, String> env() {
        return env;
    }

    JournalAccess.Opener opener() {
        return opener;
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine line = ex.getCommandLine();
        PrintWriter err = line.getErr();
        String name = line.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage());
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return EXIT_ERROR;
    }

    private static int failure(Exception ex, CommandLine line, Map<String, String> env) {
        PrintWriter err = line.getErr();
        String name = line.getCommandSpec().qualifiedName();
        if (ex instanceof CliException) {
            err.println(name + ": " + ex.getMessage());
        } else if (ex instanceof UncheckedIOException io) {
            err.println(name + ": I/O error: " + io.getCause().getMessage());
        } else {
            err.println(name + ": unexpected error: " + ex + (debug(env) ? "" : " (SURGE_DEBUG=1 shows the stack trace)"));
        }
        if (debug(env)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return EXIT_ERROR;
    }

    private static boolean debug(Map<String, String> env) {
        String d = env.get("SURGE_DEBUG");
        return d != null && !d.isEmpty() && !d.equals("0") && !d.equalsIgnoreCase("false");
    }

    /** The version: the jar's Implementation-Version when packaged, else a development build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = JournalCli.class.getPackage().getImplementationVersion();
            return new String[] {"surge journal " + (v == null ? "(development build)" : v) + ", Java "
                + Runtime.version()};
        }
    }
}
