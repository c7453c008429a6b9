package dev.surge.gateway.config;

import dev.surge.cluster.ClusterMembers;
import dev.surge.delivery.DeliverySettings;
import dev.surge.engine.ring.EngineRing;
import dev.surge.journal.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

/**
 * Every setting of the gateway in one place: named constants, defaults, the {@code SURGE_*}
 * variable behind each flag, and the one validation pass ({@link #conclude()}) made at start.
 * A flag wins over its variable; a variable wins over the default. Secrets come from the
 * environment only (flags would show in {@code ps}).
 *
 * <p>Threading: filled and concluded on the starting thread; read-only afterwards, so safe to
 * share once {@link #conclude()} has returned.
 */
public final class Configuration {
    // ---- flags and variables --------------------------------------------------------------

    /** One command-line flag, its default and help text; its {@code SURGE_*} variable follows from the flag. */
    public enum Option {
        HOST("--host", "127.0.0.1", "address to listen on"),
        PORT("--port", "8080", "TCP port; 0 picks any free port (printed as 'listening on HOST:PORT')"),
        DATA_DIR("--data-dir", "./data", "directory of the journal and snapshots"),
        DURABILITY("--durability", "process",
            "process: survives a killed process; sync: survives a power cut (group commit, one sync per batch)"),
        DEMO("--demo", "true",
            "demo mode: generate missing secrets, create a demo campaign; --no-demo or SURGE_DEMO=false turns it off"),
        RING_SIZE("--ring-size", "8192", "engine ring slots, a power of two"),
        EXPECTED_USERS("--expected-users", "0",
            "size the engine's tables for this many users up front (about 230 bytes each, 64 of them off the heap), "
                + "so that a sale of that size never stalls the writer on a rehash; 0 = grow as needed. Past it each "
                + "doubling stops every claim (60-270 ms at 4M-8M grants): /metrics counts them in "
                + "surge_engine_table_growths_total"),
        WARM_UP_CLAIMS("--warm-up-claims", "0",
            "before the API takes requests, send this many claims over loopback to a scratch engine in a temporary "
                + "directory, deleted after (nothing of it reaches this server's state or journal), so that a sale "
                + "opening at full rate meets compiled code (at 20,000 claims/s from the first second, 84% of a cold "
                + "server's claims were answered within 1 ms by its own clock, 95-98% after a warm-up of 200000); "
                + "200000 takes 5-7 s on two cores; at most 1000000; 0 = none"),
        IDEMPOTENCY_WINDOW_MINUTES("--idempotency-window-minutes", "1440",
            "how long an Idempotency-Key is remembered, in the requests' own time (replay forgets the same keys); "
                + "a retry after it is decided afresh, and the per-user limits still hold (1-525600)"),
        WAIT_STRATEGY("--wait-strategy", "parking",
            "how the engine's thread waits for work: parking (sleeps until a publish: no CPU when idle), "
                + "sleeping (spin, yield, then park 100 ns at a time: keeps a core busy when idle), blocking (lock and condition) or yielding; never a busy spin"),
        ENGINE_THREAD("--engine-thread", "auto",
            "where the engine decides and journals with process durability: event-loop (as the event loop's "
                + "tasks: no wake-ups between threads), own (a thread of its own, surge-engine) or auto (event-loop "
                + "when there is one event loop, else own); sync durability always uses surge-engine, so that "
                + "no sync holds up an event loop"),
        TRANSPORT("--transport", "auto",
            "the sockets' I/O: epoll, io_uring (Linux 5.14+: one system call submits a loop iteration's "
                + "reads and writes), nio, or auto (io_uring where the kernel allows it, else epoll where its native "
                + "library loads, else nio)"),
        IO_THREADS("--io-threads", "0",
            "Netty event-loop threads; 0 = one per core but one, left to the engine's thread (at least 1)"),
        TRUSTED_PROXIES("--trusted-proxies", "", "comma-separated addresses/CIDRs whose X-Forwarded-For is believed"),
        RATE_LIMIT("--rate-limit", "200", "requests per second per client IP; 0 = no limit"),
        RATE_BURST("--rate-burst", "0", "token-bucket size per client IP; 0 = twice the rate"),
        MAX_BODY("--max-body", "65536", "largest JSON request body in bytes (413 above)"),
        MAX_HEADER("--max-header-size", "8192", "largest request header block in bytes"),
        REQUEST_TIMEOUT_MS("--request-timeout-ms", "10000",
            "a request's headers and body must all arrive within this time from its first byte (408)"),
        IDLE_TIMEOUT_MS("--idle-timeout-ms", "60000",
            "a keep-alive connection with nothing in flight is closed after this much silence"),
        MAX_PIPELINED("--max-pipelined", "64",
            "requests in flight per connection before the server stops reading from it"),
        MAX_CONNECTIONS("--max-connections", "20000",
            "open client connections in all; a connection beyond it is reset at once, unanswered; 0 = no cap"),
        MAX_CONNECTIONS_PER_IP("--max-connections-per-ip", "512",
            "open connections per peer address (the socket's, not X-Forwarded-For); a connection beyond it is "
                + "reset at once; a trusted proxy (--trusted-proxies) is exempt and counts only toward "
                + "--max-connections; 0 = no cap"),
        FIRST_BYTE_TIMEOUT_MS("--first-byte-timeout-ms", "5000",
            "a new connection that sends nothing within this time is closed; 0 = only the idle timeout applies"),
        CODE_BATCH("--code-batch", "10000", "codes per LOAD_CODES command of a streamed upload"),
        DRAIN_TIMEOUT_MS("--drain-timeout-ms", "10000",
            "on SIGTERM, how long to wait for in-flight requests before closing"),
        SNAPSHOT_EVERY("--snapshot-every", "1000000",
            "write a snapshot after this many new events (a background replica; the writer never pauses); 0: no "
                + "snapshots, no replica thread, and a restart replays the whole journal"),
        SNAPSHOT_INTERVAL_S("--snapshot-interval-s", "300", "... or after this many seconds when anything is new"),
        TRUNCATE_CORRUPT_TAIL("--truncate-corrupt-tail", "false",
            "at recovery, cut a torn or corrupt journal tail instead of refusing to start"),
        DELIVERY_RETRIES("--delivery-retries", String.valueOf(DeliverySettings.DEFAULTS.attemptsPerSupplier()),
            "requests to one supplier per recharge on 5xx or refused connections before failing over to the next"),
        DELIVERY_BACKOFF_MS("--delivery-backoff-ms", String.valueOf(DeliverySettings.DEFAULTS.backoffMs()),
            "the first retry of a recharge waits up to this (full jitter), doubling with each retry"),
        DELIVERY_BACKOFF_MAX_MS("--delivery-backoff-max-ms", String.valueOf(DeliverySettings.DEFAULTS.backoffMaxMs()),
            "the longest wait between two requests for one recharge (retries and status queries)"),
        BREAKER_FAILURES("--breaker-failures", String.valueOf(DeliverySettings.DEFAULTS.breakerFailures()),
            "consecutive failures (5xx, refused, timeout) that open a supplier's circuit breaker"),
        BREAKER_OPEN_MS("--breaker-open-ms", String.valueOf(DeliverySettings.DEFAULTS.breakerOpenMs()),
            "how long an open circuit sends nothing before one probe request (half-open)"),
        DELIVERY_QUEUE("--delivery-queue", String.valueOf(DeliverySettings.DEFAULTS.queue()),
            "recharges the dispatcher holds at once; beyond that they wait in the journal and are picked up as it drains"),
        ALLOW_LINK_LOCAL_SUPPLIERS("--allow-link-local-suppliers", "false",
            "let a supplier URL name, or resolve to, a link-local or cloud metadata address (169.254.0.0/16, "
                + "fe80::/10, fd00:ec2::254, metadata.google.internal...); off, PUT /admin/suppliers refuses them "
                + "and the dispatcher will not connect to one"),
        ENGINE("--engine", "local",
            "local: this process decides every command on its own ring and journals it in --data-dir; cluster: "
                + "the HTTP edge only, sending every command to a Surge cluster (--cluster-members) and answering "
                + "once a majority of its members holds it (docs/cluster.md). With cluster, the flags of the ring, "
                + "the journal, snapshots and deliveries do not apply and are refused, demo mode is off, and "
                + "SURGE_CODE_KEY is not needed (the members hold it)"),
        CLUSTER_MEMBERS("--cluster-members", "",
            "with --engine cluster: every member as host:port, comma-separated, in id order: the same list as "
                + "scripts/cluster-node's --members"),
        CLUSTER_EGRESS_HOST("--cluster-egress-host", "",
            "with --engine cluster: this host's address as the members reach it (they send answers there, to a "
                + "port the client picks); empty = 127.0.0.1 when every member is on loopback, else required"),
        CLUSTER_AERON_DIR("--cluster-aeron-dir", "",
            "with --engine cluster: the cluster client's media driver directory, one per gateway process "
                + "(deleted at start and stop); empty = /dev/shm/surge-<user>/gateway-<pid> under an owner-only "
                + "parent (the temporary directory without /dev/shm)"),
        CLUSTER_MAX_IN_FLIGHT("--cluster-max-in-flight", "4096",
            "with --engine cluster: commands sent and not answered yet beyond which requests are answered 503 "
                + "OVERLOADED (as a full ring is)"),
        CLUSTER_REFRESH_MS("--cluster-refresh-ms", "2000",
            "with --engine cluster: how often the redeemer keys and payment providers' secrets are read again "
                + "from the cluster, so that another gateway's changes arrive within about this long");

        public final String flag;
        /** The flag's variable: {@code --max-body} is {@code SURGE_MAX_BODY}. */
        public final String env;
        public final String defaultValue;
        public final String help;

        Option(String flag, String defaultValue, String help) {
            this.flag = flag;
            this.env = "SURGE_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
            this.defaultValue = defaultValue;
            this.help = help;
        }

        boolean isSwitch() {
            return this == DEMO || this == TRUNCATE_CORRUPT_TAIL || this == ALLOW_LINK_LOCAL_SUPPLIERS;
        }
    }

    /** Secrets: environment only. */
    public static final String ADMIN_TOKEN_ENV = "SURGE_ADMIN_TOKEN";
    public static final String USER_TOKEN_SECRET_ENV = "SURGE_USER_TOKEN_SECRET";
    public static final String CODE_KEY_ENV = "SURGE_CODE_KEY";

    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    public static final int MIN_USER_SECRET_BYTES = 32;
    public static final int CODE_KEY_BYTES = 32;

    // ---- values ----------------------------------------------------------------------------

    private final String[] values = new String[Option.values().length];
    private String adminToken;
    private String userTokenSecret;
    private String codeKeyBase64;
    private boolean helpRequested;
    private EpochClock clock = SystemEpochClock.INSTANCE;

    // derived by conclude()
    private boolean concluded;
    private int port;
    private Path dataDir;
    private Durability durability;
    private boolean demo;
    private int ringSize;
    private int expectedUsers;
    private int warmUpClaims;
    private long idempotencyWindowMinutes;
    private EngineRing.Wait waitStrategy;
    private boolean engineOnEventLoop;
    private Transport transport;
    private int ioThreads;
    private List<Cidr> trustedProxies;
    private double rateLimit;
    private double rateBurst;
    private int maxBody;
    private int maxHeader;
    private long requestTimeoutMs;
    private long idleTimeoutMs;
    private int maxPipelined;
    private int maxConnections;
    private int maxConnectionsPerIp;
    private long firstByteTimeoutMs;
    private int codeBatch;
    private long drainTimeoutMs;
    private boolean truncateCorruptTail;
    private long snapshotEvery;
    private long snapshotIntervalSeconds;
    private DeliverySettings delivery;
    private boolean cluster;
    private ClusterMembers clusterMembers;
    private String clusterEgressHost;
    private Path clusterAeronDir;
    private int clusterMaxInFlight;
    private long clusterRefreshMs;
    private byte[] codeKey;
    private final List<String> generatedSecrets = new ArrayList<>();

    /** Defaults only (no environment): what tests start from. */
    public Configuration() {
    }

    /** Reads the environment, then the flags over it. Throws on an unknown flag or a missing value. */
    public static Configuration from(String[] args, Map<String, String> env) {
        Configuration c = new Configuration();
        for (Option o : Option.values()) {
            String v = env.get(o.env);
            if (v != null && !v.isEmpty()) {
                c.values[o.ordinal()] = v;
            }
        }
        c.adminToken = emptyToNull(env.get(ADMIN_TOKEN_ENV));
        c.userTokenSecret = emptyToNull(env.get(USER_TOKEN_SECRET_ENV));
        c.codeKeyBase64 = emptyToNull(env.get(CODE_KEY_ENV));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                c.helpRequested = true;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--no-demo")) {
                c.set(Option.DEMO, "false");
                continue;
            }
            Option option = byFlag(name);
            if (option == null) {
                throw new ConfigurationException("unknown option " + arg + " (see --help)");
            }
            if (option.isSwitch() && value == null) {
                c.set(option, "true");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigurationException(option.flag + " needs a value (see --help)");
                }
                value = args[++i];
            }
            c.set(option, value);
        }
        return c;
    }

    private static Option byFlag(String flag) {
        for (Option o : Option.values()) {
            if (o.flag.equals(flag)) {
                return o;
            }
        }
        return null;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public Configuration set(Option option, String value) {
        values[option.ordinal()] = value;
        concluded = false;
        return this;
    }

    public String raw(Option option) {
        String v = values[option.ordinal()];
        return v == null ? option.defaultValue : v;
    }

    public Configuration adminToken(String token) {
        this.adminToken = token;
        return this;
    }

    public Configuration userTokenSecret(String secret) {
        this.userTokenSecret = secret;
        return this;
    }

    public Configuration codeKey(String base64) {
        this.codeKeyBase64 = base64;
        return this;
    }

    /** The wall clock stamped into commands; tests may inject their own. */
    public Configuration clock(EpochClock clock) {
        this.clock = clock;
        return this;
    }

    public boolean helpRequested() {
        return helpRequested;
    }

    // ---- validation ------------------------------------------------------------------------

    /**
     * Checks every value once and derives the typed settings. In demo mode missing secrets are
     * generated (see {@link #generatedSecrets()}); otherwise a missing one is an error naming its
     * variable. Throws {@link ConfigurationException} with a message for the operator.
     */
    public Configuration conclude() {
        port = intIn(Option.PORT, 0, 65535);
        if (raw(Option.HOST).isBlank()) {
            throw bad(Option.HOST, "must not be empty");
        }
        dataDir = Path.of(raw(Option.DATA_DIR));
        try {
            durability = Durability.parse(raw(Option.DURABILITY));
        } catch (IllegalArgumentException e) {
            throw bad(Option.DURABILITY, "must be process or sync");
        }
        cluster = switch (raw(Option.ENGINE).toLowerCase(Locale.ROOT)) {
            case "local" -> false;
            case "cluster" -> true;
            default -> throw bad(Option.ENGINE, "must be local or cluster");
        };
        concludeCluster();
        // in front of a cluster demo mode is off unless asked for (and then refused by concludeCluster)
        demo = cluster ? false : bool(Option.DEMO);
        truncateCorruptTail = bool(Option.TRUNCATE_CORRUPT_TAIL);
        ringSize = intIn(Option.RING_SIZE, 4, 1 << 22);
        expectedUsers = intIn(Option.EXPECTED_USERS, 0, 100_000_000);
        warmUpClaims = intIn(Option.WARM_UP_CLAIMS, 0, 1_000_000); // the JIT has long settled by then
        idempotencyWindowMinutes = longIn(Option.IDEMPOTENCY_WINDOW_MINUTES, 1, 525_600);
        if (Integer.bitCount(ringSize) != 1) {
            throw bad(Option.RING_SIZE, "must be a power of two");
        }
        waitStrategy = switch (raw(Option.WAIT_STRATEGY).toLowerCase(Locale.ROOT)) {
            case "parking" -> EngineRing.Wait.PARKING;
            case "blocking" -> EngineRing.Wait.BLOCKING;
            case "sleeping" -> EngineRing.Wait.SLEEPING;
            case "yielding" -> EngineRing.Wait.YIELDING;
            default -> throw bad(Option.WAIT_STRATEGY, "must be parking, blocking, sleeping or yielding");
        };
        ioThreads = intIn(Option.IO_THREADS, 0, 256);
        if (ioThreads == 0) {
            ioThreads = defaultIoThreads(Runtime.getRuntime().availableProcessors());
        }
        transport = switch (raw(Option.TRANSPORT).toLowerCase(Locale.ROOT)) {
            case "auto" -> Transport.AUTO;
            case "epoll" -> Transport.EPOLL;
            case "io_uring", "io-uring" -> Transport.IO_URING;
            case "nio" -> Transport.NIO;
            default -> throw bad(Option.TRANSPORT, "must be auto, epoll, io_uring or nio");
        };
        engineOnEventLoop = switch (raw(Option.ENGINE_THREAD).toLowerCase(Locale.ROOT)) {
            case "auto" -> ioThreads == 1;
            case "event-loop" -> true;
            case "own" -> false;
            default -> throw bad(Option.ENGINE_THREAD, "must be auto, event-loop or own");
        };
        List<Cidr> proxies = new ArrayList<>();
        for (String part : raw(Option.TRUSTED_PROXIES).split(",")) {
            if (!part.isBlank()) {
                try {
                    proxies.add(Cidr.parse(part));
                } catch (IllegalArgumentException e) {
                    throw bad(Option.TRUSTED_PROXIES, e.getMessage());
                }
            }
        }
        trustedProxies = List.copyOf(proxies);
        rateLimit = doubleIn(Option.RATE_LIMIT, 0, 1e9);
        rateBurst = doubleIn(Option.RATE_BURST, 0, 1e9);
        if (rateBurst == 0) {
            rateBurst = Math.max(1, rateLimit * 2);
        }
        maxBody = intIn(Option.MAX_BODY, 1024, 16 << 20);
        maxHeader = intIn(Option.MAX_HEADER, 1024, 1 << 20);
        requestTimeoutMs = longIn(Option.REQUEST_TIMEOUT_MS, 50, 3_600_000);
        idleTimeoutMs = longIn(Option.IDLE_TIMEOUT_MS, 100, 86_400_000);
        maxPipelined = intIn(Option.MAX_PIPELINED, 1, 65536);
        maxConnections = intIn(Option.MAX_CONNECTIONS, 0, 10_000_000);
        maxConnectionsPerIp = intIn(Option.MAX_CONNECTIONS_PER_IP, 0, 10_000_000);
        firstByteTimeoutMs = longIn(Option.FIRST_BYTE_TIMEOUT_MS, 0, 3_600_000);
        if (firstByteTimeoutMs > 0 && firstByteTimeoutMs < 50) {
            throw bad(Option.FIRST_BYTE_TIMEOUT_MS, "must be 0 (off) or 50-3600000");
        }
        codeBatch = intIn(Option.CODE_BATCH, 1, 100_000);
        drainTimeoutMs = longIn(Option.DRAIN_TIMEOUT_MS, 0, 600_000);
        snapshotEvery = longIn(Option.SNAPSHOT_EVERY, 0, Long.MAX_VALUE / 2);
        snapshotIntervalSeconds = longIn(Option.SNAPSHOT_INTERVAL_S, 1, 86_400 * 7);
        delivery = deliverySettings();

        concludeSecrets();
        concluded = true;
        return this;
    }

    /**
     * The secrets from the environment: generated in demo mode when missing, else required, and
     * checked (SURGE_CODE_KEY only when given, in front of a cluster: the members hold it).
     */
    private void concludeSecrets() {
        generatedSecrets.clear();
        SecureRandom random = new SecureRandom();
        if (adminToken == null) {
            adminToken = demoSecret(ADMIN_TOKEN_ENV, "adm_" + base64Url(random, 24));
        }
        if (userTokenSecret == null) {
            userTokenSecret = demoSecret(USER_TOKEN_SECRET_ENV, base64Url(random, 32));
        }
        if (codeKeyBase64 == null && cluster) {
            codeKey = null; // the members hold it; the edge hashes nothing itself (docs/cluster.md)
        } else if (codeKeyBase64 == null) {
            byte[] key = new byte[CODE_KEY_BYTES];
            random.nextBytes(key);
            codeKeyBase64 = demoSecret(CODE_KEY_ENV, Base64.getEncoder().encodeToString(key));
        }
        if (adminToken.length() < MIN_ADMIN_TOKEN_LENGTH || !printable(adminToken)) {
            throw new ConfigurationException(ADMIN_TOKEN_ENV + " must be at least " + MIN_ADMIN_TOKEN_LENGTH
                + " printable ASCII characters");
        }
        if (userTokenSecret.getBytes(StandardCharsets.UTF_8).length < MIN_USER_SECRET_BYTES) {
            throw new ConfigurationException(USER_TOKEN_SECRET_ENV + " must be at least " + MIN_USER_SECRET_BYTES
                + " bytes (HS256 wants a 256-bit key)");
        }
        if (codeKeyBase64 != null) {
            try {
                codeKey = Base64.getDecoder().decode(codeKeyBase64.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(CODE_KEY_ENV + " must be base64: " + e.getMessage());
            }
            if (codeKey.length != CODE_KEY_BYTES) {
                throw new ConfigurationException(CODE_KEY_ENV + " must decode to " + CODE_KEY_BYTES + " bytes, was "
                    + codeKey.length);
            }
        }
    }

    /**
     * The flags of the engine this process would run itself: its ring, journal, snapshots and the
     * dispatchers of deliveries and refunds, none of which a gateway in front of a cluster has.
     */
    static final List<Option> LOCAL_ONLY = List.of(Option.DATA_DIR, Option.DURABILITY, Option.RING_SIZE,
        Option.EXPECTED_USERS, Option.WARM_UP_CLAIMS, Option.IDEMPOTENCY_WINDOW_MINUTES, Option.WAIT_STRATEGY, Option.ENGINE_THREAD,
        Option.SNAPSHOT_EVERY, Option.SNAPSHOT_INTERVAL_S, Option.TRUNCATE_CORRUPT_TAIL, Option.DELIVERY_RETRIES,
        Option.DELIVERY_BACKOFF_MS, Option.DELIVERY_BACKOFF_MAX_MS, Option.BREAKER_FAILURES, Option.BREAKER_OPEN_MS,
        Option.DELIVERY_QUEUE);
    /** The flags of a gateway in front of a cluster. */
    static final List<Option> CLUSTER_ONLY = List.of(Option.CLUSTER_MEMBERS, Option.CLUSTER_EGRESS_HOST,
        Option.CLUSTER_AERON_DIR, Option.CLUSTER_MAX_IN_FLIGHT, Option.CLUSTER_REFRESH_MS);

    /** Whether the option was given (flag or variable), not left at its default. */
    private boolean given(Option o) {
        return values[o.ordinal()] != null;
    }

    /** Checks the flags against the engine chosen, and the cluster's own (docs/cluster.md). */
    private void concludeCluster() {
        List<String> misplaced = new ArrayList<>();
        for (Option o : cluster ? LOCAL_ONLY : CLUSTER_ONLY) {
            if (given(o)) {
                misplaced.add(o.flag + " (" + o.env + ")");
            }
        }
        if (!misplaced.isEmpty()) {
            throw new ConfigurationException(String.join(", ", misplaced) + (cluster
                ? ": not with --engine cluster: the members hold the state, journal it and deliver (docs/cluster.md)"
                : ": only with --engine cluster (now --engine local)"));
        }
        if (!cluster) {
            return;
        }
        if (given(Option.DEMO) && bool(Option.DEMO)) {
            throw bad(Option.DEMO, "not with --engine cluster: demo mode sets up its campaigns and simulators in a "
                + "local journal; start members with scripts/cluster-node and set SURGE_ADMIN_TOKEN and "
                + "SURGE_USER_TOKEN_SECRET");
        }
        String members = raw(Option.CLUSTER_MEMBERS);
        if (members.isBlank()) {
            throw bad(Option.CLUSTER_MEMBERS, "required with --engine cluster: every member as host:port, in id order, "
                + "as scripts/cluster-node's --members");
        }
        try {
            clusterMembers = ClusterMembers.parse(members);
        } catch (IllegalArgumentException e) {
            throw bad(Option.CLUSTER_MEMBERS, e.getMessage());
        }
        clusterEgressHost = raw(Option.CLUSTER_EGRESS_HOST).strip();
        if (clusterEgressHost.isEmpty()) {
            if (!allLoopback(clusterMembers)) {
                throw bad(Option.CLUSTER_EGRESS_HOST, "required when a member is not on loopback: this host's address "
                    + "as the members reach it (they send their answers there)");
            }
            clusterEgressHost = "127.0.0.1";
        }
        String dir = raw(Option.CLUSTER_AERON_DIR).strip();
        clusterAeronDir = dir.isEmpty() ? defaultClusterAeronDir() : Path.of(dir);
        clusterMaxInFlight = intIn(Option.CLUSTER_MAX_IN_FLIGHT, 1, 1 << 20);
        clusterRefreshMs = longIn(Option.CLUSTER_REFRESH_MS, 100, 3_600_000);
    }

    private static boolean allLoopback(ClusterMembers members) {
        for (int id = 0; id < members.size(); id++) {
            String host = members.host(id);
            if (!(host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * /dev/shm/surge-USER/gateway-PID (the temporary directory without /dev/shm): one per process,
     * since a client's media driver deletes its directory at start. Made owner-only at start, as a
     * member's is: its buffers hold commands in flight, uploaded codes and supplier secrets among them.
     */
    private static Path defaultClusterAeronDir() {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("surge-" + System.getProperty("user.name")).resolve("gateway-" + ProcessHandle.current().pid());
    }

    private String demoSecret(String env, String generated) {
        if (!demo) {
            throw new ConfigurationException(env + " is not set: it is required unless in demo mode"
                + (cluster ? " (which is off with --engine cluster)" : "") + " (see --help)");
        }
        generatedSecrets.add(env + "=" + generated);
        return generated;
    }

    private static String base64Url(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private boolean bool(Option o) {
        return switch (raw(o).toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw bad(o, "must be true or false");
        };
    }

    private int intIn(Option o, int min, int max) {
        return (int) longIn(o, min, max);
    }

    private long longIn(Option o, long min, long max) {
        long v;
        try {
            v = Long.parseLong(raw(o).trim());
        } catch (NumberFormatException e) {
            throw bad(o, "must be a whole number");
        }
        if (v < min || v > max) {
            throw bad(o, "must be " + min + "-" + max);
        }
        return v;
    }

    private double doubleIn(Option o, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(raw(o).trim());
        } catch (NumberFormatException e) {
            throw bad(o, "must be a number");
        }
        if (!(v >= min && v <= max)) {
            throw bad(o, "must be " + min + "-" + max);
        }
        return v;
    }

    /** The dispatchers' settings, in the ranges {@link DeliverySettings#validated} keeps (shared with cluster-node). */
    private DeliverySettings deliverySettings() {
        Option[] options = {Option.DELIVERY_RETRIES, Option.DELIVERY_BACKOFF_MS, Option.DELIVERY_BACKOFF_MAX_MS,
            Option.BREAKER_FAILURES, Option.BREAKER_OPEN_MS, Option.DELIVERY_QUEUE};
        try {
            return new DeliverySettings(intIn(Option.DELIVERY_RETRIES, Integer.MIN_VALUE, Integer.MAX_VALUE),
                longIn(Option.DELIVERY_BACKOFF_MS, Long.MIN_VALUE, Long.MAX_VALUE),
                longIn(Option.DELIVERY_BACKOFF_MAX_MS, Long.MIN_VALUE, Long.MAX_VALUE),
                intIn(Option.BREAKER_FAILURES, Integer.MIN_VALUE, Integer.MAX_VALUE),
                longIn(Option.BREAKER_OPEN_MS, Long.MIN_VALUE, Long.MAX_VALUE),
                intIn(Option.DELIVERY_QUEUE, Integer.MIN_VALUE, Integer.MAX_VALUE),
                bool(Option.ALLOW_LINK_LOCAL_SUPPLIERS)).validated();
        } catch (IllegalArgumentException e) {
            // it names the flag first: refused as every other option is, with its variable and value
            for (Option o : options) {
                if (e.getMessage().startsWith(o.flag + " ")) {
                    throw bad(o, e.getMessage().substring(o.flag.length() + 1));
                }
            }
            throw new ConfigurationException(e.getMessage());
        }
    }

    private ConfigurationException bad(Option o, String what) {
        if (raw(o).isEmpty()) {
            return new ConfigurationException(o.flag + " / " + o.env + ": " + what);
        }
        return new ConfigurationException(o.flag + " / " + o.env + " = '" + raw(o) + "': " + what);
    }

    /** This configuration, once {@link #conclude()} has derived the typed settings. */
    private Configuration concluded() {
        if (!concluded) {
            throw new IllegalStateException("conclude() the configuration first");
        }
        return this;
    }

    // ---- help ------------------------------------------------------------------------------

    public static String help() {
        StringBuilder b = new StringBuilder();
        b.append("Usage: scripts/run [options]\n\n");
        b.append("Surge: flash-sale issuance engine. A flag wins over its environment variable.\n\n");
        b.append("Options:\n");
        for (Option o : Option.values()) {
            String flag = o == Option.DEMO ? "--demo / --no-demo" : o.isSwitch() ? o.flag : o.flag + " <value>";
            b.append(String.format(Locale.ROOT, "  %-30s %s%n", flag, o.help));
            b.append(String.format(Locale.ROOT, "  %-30s env %s, default '%s'%n", "", o.env, o.defaultValue));
        }
        b.append(String.format(Locale.ROOT, "  %-30s %s%n", "--help", "print this and exit"));
        b.append("\nSecrets (environment only; generated and printed in demo mode, required otherwise):\n");
        b.append("  ").append(ADMIN_TOKEN_ENV).append("        admin bearer token, at least ")
            .append(MIN_ADMIN_TOKEN_LENGTH).append(" printable characters\n");
        b.append("  ").append(USER_TOKEN_SECRET_ENV).append("  HS256 secret of user JWTs, at least ")
            .append(MIN_USER_SECRET_BYTES).append(" bytes\n");
        b.append("  ").append(CODE_KEY_ENV).append("           AES-256-GCM key of card codes at rest, base64 of ")
            .append(CODE_KEY_BYTES).append(" bytes\n");
        b.append("                           (not needed with --engine cluster: the members hold it)\n");
        return b.toString();
    }

    // ---- typed accessors (after conclude) ----------------------------------------------------

    public String host() {
        return raw(Option.HOST);
    }

    public int port() {
        return concluded().port;
    }

    public Path dataDir() {
        return concluded().dataDir;
    }

    public Durability durability() {
        return concluded().durability;
    }

    public boolean demo() {
        return concluded().demo;
    }

    public int ringSize() {
        return concluded().ringSize;
    }

    public int expectedUsers() {
        return concluded().expectedUsers;
    }

    public int warmUpClaims() {
        return concluded().warmUpClaims;
    }

    /**
     * The configuration of the scratch engine that {@code --warm-up-claims} warms up: this one's
     * settings (durability, transport, threads, limits: the code paths a claim takes here), its
     * secrets, and its clock, but on loopback at any free port, over {@code dataDir}, sized for
     * {@code users}, without demo, rate limit, snapshots or a warm-up of its own.
     */
    public Configuration forWarmUp(Path dataDir, int users) {
        Configuration c = new Configuration();
        System.arraycopy(values, 0, c.values, 0, values.length);
        c.set(Option.HOST, "127.0.0.1").set(Option.PORT, "0").set(Option.DATA_DIR, dataDir.toString())
            .set(Option.DEMO, "false").set(Option.RATE_LIMIT, "0").set(Option.WARM_UP_CLAIMS, "0")
            .set(Option.SNAPSHOT_EVERY, "0") // a snapshot of the scratch state, thrown away, would cost a second
            .set(Option.EXPECTED_USERS, Integer.toString(users));
        c.adminToken = adminToken();
        c.userTokenSecret = userTokenSecret();
        byte[] key = codeKey();
        c.codeKeyBase64 = key == null ? null : java.util.Base64.getEncoder().encodeToString(key);
        c.clock = clock();
        return c.conclude();
    }

    public Duration idempotencyWindow() {
        return Duration.ofMinutes(concluded().idempotencyWindowMinutes);
    }

    public EngineRing.Wait waitStrategy() {
        return concluded().waitStrategy;
    }

    /** The socket transport asked for (--transport); {@link Transport#AUTO} picks at start. */
    public Transport transport() {
        return concluded().transport;
    }

    /** Whether the engine's stages run as an event loop's tasks (with process durability; see --engine-thread). */
    public boolean engineOnEventLoop() {
        return concluded().engineOnEventLoop;
    }

    /**
     * One event loop per core but one: the engine's writer keeps a core busy under load. On two
     * cores that is one loop, which then also hosts the engine (--engine-thread auto): with the
     * engine on a thread of its own, one loop and two cost the same CPU per claim
     * (docs/benchmarks.md); hosted on the one loop, about a fifth less.
     */
    static int defaultIoThreads(int cores) {
        return Math.max(1, cores - 1);
    }

    public int ioThreads() {
        return concluded().ioThreads;
    }

    public List<Cidr> trustedProxies() {
        return concluded().trustedProxies;
    }

    public double rateLimit() {
        return concluded().rateLimit;
    }

    public double rateBurst() {
        return concluded().rateBurst;
    }

    public int maxBody() {
        return concluded().maxBody;
    }

    public int maxHeader() {
        return concluded().maxHeader;
    }

    public long requestTimeoutMs() {
        return concluded().requestTimeoutMs;
    }

    public long idleTimeoutMs() {
        return concluded().idleTimeoutMs;
    }

    public int maxPipelined() {
        return concluded().maxPipelined;
    }

    /** Open connections in all; 0 = no cap. */
    public int maxConnections() {
        return concluded().maxConnections;
    }

    /** Open connections per peer address (trusted proxies exempt); 0 = no cap. */
    public int maxConnectionsPerIp() {
        return concluded().maxConnectionsPerIp;
    }

    /** How long a new connection may stay silent before it is closed; 0 = off. */
    public long firstByteTimeoutMs() {
        return concluded().firstByteTimeoutMs;
    }

    public int codeBatch() {
        return concluded().codeBatch;
    }

    public long drainTimeoutMs() {
        return concluded().drainTimeoutMs;
    }

    public long snapshotEvery() {
        return concluded().snapshotEvery;
    }

    public long snapshotIntervalSeconds() {
        return concluded().snapshotIntervalSeconds;
    }

    /** Retry, backoff, circuit-breaker, hand-off and address settings of supplier deliveries. */
    public DeliverySettings delivery() {
        return concluded().delivery;
    }

    public boolean truncateCorruptTail() {
        return concluded().truncateCorruptTail;
    }

    public String adminToken() {
        return concluded().adminToken;
    }

    public String userTokenSecret() {
        return concluded().userTokenSecret;
    }

    /** The 32-byte AES key of card codes at rest; null in front of a cluster when it is not set. */
    public byte[] codeKey() {
        byte[] key = concluded().codeKey;
        return key == null ? null : key.clone();
    }

    /** Whether this gateway sends its commands to a cluster ({@code --engine cluster}) rather than its own ring. */
    public boolean cluster() {
        return concluded().cluster;
    }

    /** The cluster's members (with {@code --engine cluster}), else null. */
    public ClusterMembers clusterMembers() {
        return concluded().clusterMembers;
    }

    /** As given: {@code host:port,...}, for messages. */
    public String clusterMembersText() {
        return raw(Option.CLUSTER_MEMBERS);
    }

    public String clusterEgressHost() {
        return concluded().clusterEgressHost;
    }

    public Path clusterAeronDir() {
        return concluded().clusterAeronDir;
    }

    public int clusterMaxInFlight() {
        return concluded().clusterMaxInFlight;
    }

    public long clusterRefreshMs() {
        return concluded().clusterRefreshMs;
    }

    /** "VARIABLE=value" for each secret generated in demo mode, for printing at start. */
    public List<String> generatedSecrets() {
        return List.copyOf(concluded().generatedSecrets);
    }

    public EpochClock clock() {
        return clock;
    }
}
