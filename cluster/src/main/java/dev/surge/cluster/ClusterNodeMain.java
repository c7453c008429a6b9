package dev.surge.cluster;

import dev.surge.delivery.DeliverySettings;
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
        "Each member writes the events it decides to DIR/journal, in the single",
        "gateway's journal format: scripts/journal dump|stats|verify|replay",
        "--data-dir DIR reads it. A member that cannot write it goes on deciding and",
        "logs an ERROR starting JOURNAL FAILED that says what to do (grep for it).",
        "The leader delivers recharges to suppliers and refunds to payment providers",
        "(the --delivery-* flags, as the gateway's); followers call no supplier.",
        "Unpaid orders expire at their payBy by a cluster timer. A command a client",
        "sends again is answered with its first answer (docs/cluster.md, \"Commands",
        "sent again\").",
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
        "  # the events a member decided (it may be running):",
        "  scripts/journal verify --data-dir data/node0",
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
        description = "Where this member keeps the log's recordings, snapshots and its journal (owner-only).")
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
        description = "How long a silent client keeps its session; also how long a member that no longer leads "
            + "waits for the answers to its dispatchers' records before it closes their client "
            + "(default: ${DEFAULT-VALUE}).")
    long sessionTimeoutMs;

    @Option(names = "--idempotency-window-minutes", paramLabel = "M", defaultValue = "1440",
        description = "How long an Idempotency-Key is remembered; the same on every member and as the gateway's "
            + "(default: ${DEFAULT-VALUE}).")
    long idempotencyWindowMinutes;

    @Option(names = "--delivery-retries", paramLabel = "N",
        description = "Requests to one supplier on 5xx or refused connections before failing over "
            + "(default: ${DEFAULT-VALUE}).")
    int deliveryRetries = DeliverySettings.DEFAULTS.attemptsPerSupplier();

    @Option(names = "--delivery-backoff-ms", paramLabel = "MS",
        description = "The first retry waits up to this (full jitter), doubling each time (default: ${DEFAULT-VALUE}).")
    long deliveryBackoffMs = DeliverySettings.DEFAULTS.backoffMs();

    @Option(names = "--delivery-backoff-max-ms", paramLabel = "MS",
        description = "The cap of that doubling, also for repeated status queries (default: ${DEFAULT-VALUE}).")
    long deliveryBackoffMaxMs = DeliverySettings.DEFAULTS.backoffMaxMs();

    @Option(names = "--breaker-failures", paramLabel = "N",
        description = "Consecutive failures that open a supplier's circuit (default: ${DEFAULT-VALUE}).")
    int breakerFailures = DeliverySettings.DEFAULTS.breakerFailures();

    @Option(names = "--breaker-open-ms", paramLabel = "MS",
        description = "How long an open circuit waits before one probe (default: ${DEFAULT-VALUE}).")
    long breakerOpenMs = DeliverySettings.DEFAULTS.breakerOpenMs();

    @Option(names = "--delivery-queue", paramLabel = "N",
        description = "Recharges (and refunds) the leader holds in memory at once; the rest wait in the state "
            + "(default: ${DEFAULT-VALUE}).")
    int deliveryQueue = DeliverySettings.DEFAULTS.queue();

    @Option(names = "--allow-link-local-suppliers",
        description = "Let a supplier be at a link-local or cloud metadata address (default: refused).")
    boolean allowLinkLocalSuppliers;

    @Override
    public Integer call() {
        DeliverySettings delivery = delivery(); // refused before anything starts
        CodeCipher cipher = CodeCipher.fromEnvironment();
        StateConfig config = cipher.stateConfig().idempotencyWindow(Duration.ofMinutes(idempotencyWindowMinutes));
        ClusterMembers list = ClusterMembers.parse(members);
        PrivateFiles.directory(dir);
        NodeSettings settings = new NodeSettings(id, list, dir, aeronDir == null ? defaultAeronDir() : aeronDir,
            fileSyncLevel, Duration.ofMillis(heartbeatTimeoutMs), Duration.ofMillis(sessionTimeoutMs),
            NodeSettings.DEFAULT_STARTUP_CANVASS_TIMEOUT);
        // the barrier closes last: its shutdown hook lets the JVM exit only once the node is closed
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
             ClusterNode node = ClusterNode.launchMember(settings, cipher, config, delivery, barrier::signal)) {
            barrier.await();
        }
        return 0;
    }

    /** The --delivery-* flags, checked as the gateway checks its own. */
    DeliverySettings delivery() {
        return new DeliverySettings(deliveryRetries, deliveryBackoffMs, deliveryBackoffMaxMs, breakerFailures,
            breakerOpenMs, deliveryQueue, allowLinkLocalSuppliers).validated();
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
