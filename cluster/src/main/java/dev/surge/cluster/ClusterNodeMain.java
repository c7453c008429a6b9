package dev.surge.cluster;

import dev.surge.engine.state.StateConfig;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/cluster-node}: runs one member of a Surge cluster until SIGTERM or a cluster shutdown. */
@Command(name = "cluster-node",
    mixinStandardHelpOptions = true,
    description = {
        "Runs one member of a Surge cluster: the engine's state machine replicated on",
        "Aeron Cluster (Raft). Each member records the log of commands in DIR/archive",
        "and decides every command in log order; the leader answers the clients once",
        "a majority holds the command. Start the same --members list on every member,",
        "each with its own --id; 3 members survive the loss of any one.",
        "",
        "Each member takes five consecutive UDP ports from its own: ingress (clients),",
        "consensus, log, catch-up, archive. SURGE_CODE_KEY must be set, the same on",
        "every member and on the gateways: it derives the identity key the state is",
        "built under and seals snapshots.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  # three machines, the same list on each, its own --id:",
        "  M=10.0.0.1:9010,10.0.0.2:9010,10.0.0.3:9010",
        "  scripts/cluster-node --id 0 --members $M --dir /var/lib/surge/node",
        "  # three members on one machine:",
        "  M=localhost:9010,localhost:9020,localhost:9030",
        "  for i in 0 1 2; do",
        "    scripts/cluster-node --id $i --members $M --dir data/node$i &",
        "  done",
        "",
        "What is replicated, what to do when a member dies: docs/cluster.md",
    })
public final class ClusterNodeMain implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "N",
        description = "This member's id: its position in --members, from 0.")
    int id;

    @Option(names = "--members", required = true, paramLabel = "HOST:PORT,...",
        description = "Every member, in id order, each at its first port (it takes 5).")
    String members;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "Where this member keeps the log's recordings and snapshots (owner-only).")
    Path dir;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "The media driver's buffers (default: /dev/shm/surge-<user>/node-<id>, else DIR/aeron).")
    Path aeronDir;

    @Option(names = "--file-sync-level", paramLabel = "0|1|2", defaultValue = "1",
        description = {"0: written, not synced (a power cut of a majority may lose acknowledged commands);",
            "1: data synced before a member counts a command as appended (default);",
            "2: data and file metadata."})
    int fileSyncLevel;

    @Option(names = "--leader-heartbeat-timeout-ms", paramLabel = "MS", defaultValue = "2000",
        description = "How long followers wait for a silent leader before they elect another (default: ${DEFAULT-VALUE}).")
    long heartbeatTimeoutMs;

    @Option(names = "--session-timeout-ms", paramLabel = "MS", defaultValue = "10000",
        description = "How long a silent client keeps its session (default: ${DEFAULT-VALUE}).")
    long sessionTimeoutMs;

    @Option(names = "--idempotency-window-minutes", paramLabel = "M", defaultValue = "1440",
        description = "How long an Idempotency-Key is remembered; the same on every member and as the gateway's "
            + "(default: ${DEFAULT-VALUE}).")
    long idempotencyWindowMinutes;

    @Override
    public Integer call() {
        CodeCipher cipher = CodeCipher.fromEnvironment();
        StateConfig config = cipher.stateConfig().idempotencyWindow(Duration.ofMinutes(idempotencyWindowMinutes));
        ClusterMembers list = ClusterMembers.parse(members);
        PrivateFiles.directory(dir);
        NodeSettings settings = new NodeSettings(id, list, dir, aeronDir == null ? defaultAeronDir() : aeronDir,
            fileSyncLevel, Duration.ofMillis(heartbeatTimeoutMs), Duration.ofMillis(sessionTimeoutMs),
            NodeSettings.DEFAULT_STARTUP_CANVASS_TIMEOUT);
        // the barrier closes last: its shutdown hook lets the JVM exit only once the node is closed
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
             ClusterNode node = ClusterNode.launch(settings, new SurgeClusteredService(cipher, config), barrier::signal)) {
            barrier.await();
        }
        return 0;
    }

    /**
     * /dev/shm/surge-USER/node-ID (else DIR/aeron). The driver's buffers hold commands in flight,
     * codes of an upload among them: the parent is made owner-only, because the driver re-creates
     * its own directory at start with the umask's permissions.
     */
    private Path defaultAeronDir() {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            return dir.resolve("aeron");
        }
        return PrivateFiles.directory(shm.resolve("surge-" + System.getProperty("user.name"))).resolve("node-" + id);
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // before the first logger: a member's log configuration, not the gateway's (both jars may be on the path)
            System.setProperty("logback.configurationFile", "cluster-node-logback.xml");
        }
        CommandLine cli = new CommandLine(new ClusterNodeMain());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("cluster-node: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }
}
