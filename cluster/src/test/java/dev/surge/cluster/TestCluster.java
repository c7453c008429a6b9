package dev.surge.cluster;

import dev.surge.delivery.DeliverySettings;
import dev.surge.engine.state.StateConfig;
import dev.surge.journal.CodeCipher;
import io.aeron.Counter;
import io.aeron.cluster.ClusterControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Three (or more) members of a Surge cluster in this JVM, on loopback, each with its own
 * directories under {@code root} and its own ports, each as {@code scripts/cluster-node} runs it
 * (its journal in {@code nodeN/journal}, deliveries while it leads, with short backoffs); members
 * are killed (closed without a snapshot, as a crash) and started again from their directories.
 * Also makes clients. Public (in the cluster's test jar) for the gateway's tests in front of a cluster.
 */
public final class TestCluster implements AutoCloseable {
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(1000);
    /** The tests' SURGE_CODE_KEY (32 fixed bytes): nothing real is at stake. */
    public static final String CODE_KEY = "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw=";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CANVASS_TIMEOUT = Duration.ofSeconds(2);
    /** Retries and probes within tens of milliseconds: a test waits for deliveries, not for backoffs. */
    static final DeliverySettings DELIVERY = new DeliverySettings(3, 20, 500, 5, 500, 4_096, false);

    final Path root;
    public final ClusterMembers members;
    final CodeCipher cipher;
    final StateConfig config;
    private final ClusterNode[] nodes;
    private final List<ClusterEngineClient> clients = new ArrayList<>();

    private TestCluster(Path root, int size) {
        this.root = root;
        this.members = ClusterMembers.parse(freeMembers(size));
        this.cipher = CodeCipher.fromBase64(CODE_KEY);
        this.config = cipher.stateConfig();
        this.nodes = new ClusterNode[size];
    }

    /** Starts {@code size} members under {@code root}. */
    public static TestCluster start(Path root, int size) {
        TestCluster cluster = of(root, size);
        cluster.startAll();
        return cluster;
    }

    /** {@code size} members under {@code root}, with their ports chosen, none started yet. */
    public static TestCluster of(Path root, int size) {
        return new TestCluster(root, size);
    }

    /** {@code host:port,...}: the member list as {@code scripts/cluster-node --members} takes it. */
    public String memberList() {
        StringBuilder b = new StringBuilder();
        for (int id = 0; id < nodes.length; id++) {
            b.append(id == 0 ? "" : ",").append(members.endpoint(id, ClusterMembers.INGRESS)); // a member's first port
        }
        return b.toString();
    }

    public void start(int id) {
        if (nodes[id] != null) {
            throw new IllegalStateException("member " + id + " is running");
        }
        NodeSettings settings = NodeSettings.of(id, members, root.resolve("node" + id), root.resolve("aeron" + id))
            .withTimeouts(HEARTBEAT_TIMEOUT, SESSION_TIMEOUT, CANVASS_TIMEOUT);
        nodes[id] = ClusterNode.launchMember(settings, cipher, config, DELIVERY, () -> { });
    }

    /** Member {@code id}'s directory: its journal is {@code dir(id)/journal}. */
    Path dir(int id) {
        return root.resolve("node" + id);
    }

    /** Member {@code id}'s deliveries and refunds (running while it leads). */
    LeaderDispatch dispatch(int id) {
        return nodes[id].service().dispatch();
    }

    /** Stops member {@code id} as a crash would: no snapshot, whatever it held in memory gone. */
    public void kill(int id) {
        nodes[id].close();
        nodes[id] = null;
    }

    public void killAll() {
        for (int id = 0; id < nodes.length; id++) {
            if (nodes[id] != null) {
                kill(id);
            }
        }
    }

    public void startAll() {
        for (int id = 0; id < nodes.length; id++) {
            start(id);
        }
    }

    public int size() {
        return nodes.length;
    }

    public boolean running(int id) {
        return nodes[id] != null;
    }

    public NodeState probe(int id) {
        try {
            return nodes[id].service().probe().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("member " + id + " did not answer a probe", e);
        }
    }

    /** The id of the running member that leads, waiting up to {@code timeout} for one. */
    public int awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int id = 0; id < nodes.length; id++) {
                if (nodes[id] != null && "LEADER".equals(probe(id).role())) {
                    return id;
                }
            }
            sleep(50);
        }
        throw new AssertionError("no leader within " + timeout);
    }

    /**
     * Waits until every running member holds the same state as {@code id} (same last event and
     * digest), which must have decided at least {@code atLeast} events; returns that state.
     */
    public NodeState awaitSameState(long atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NodeState> states = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            states.clear();
            for (int id = 0; id < nodes.length; id++) {
                if (nodes[id] != null) {
                    states.add(probe(id));
                }
            }
            NodeState first = states.get(0);
            if (first.lastSequence() >= atLeast && states.stream().allMatch(s ->
                s.lastSequence() == first.lastSequence() && s.digest() == first.digest())) {
                return first;
            }
            sleep(50);
        }
        throw new AssertionError("members did not converge within " + timeout + ": " + states);
    }

    /** Asks the leader to take a snapshot and waits until every running member has taken one more. */
    void snapshot(Duration timeout) {
        int leader = awaitLeader(timeout);
        long[] before = new long[nodes.length];
        for (int id = 0; id < nodes.length; id++) {
            before[id] = nodes[id] == null ? 0 : probe(id).snapshots();
        }
        Counter toggle = nodes[leader].consensusModule().context().controlToggleCounter();
        if (!ClusterControl.ToggleState.SNAPSHOT.toggle(toggle)) {
            throw new AssertionError("the control toggle was busy: " + ClusterControl.ToggleState.get(toggle));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int id = 0; id < nodes.length; id++) {
            while (nodes[id] != null && probe(id).snapshots() == before[id]) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("member " + id + " took no snapshot within " + timeout);
                }
                sleep(50);
            }
        }
    }

    public ClusterEngineClient client(String name) {
        ClusterEngineClient client = new ClusterEngineClient(
            ClusterEngineClient.Settings.of(members, "127.0.0.1", root.resolve("client-" + name)));
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        for (ClusterEngineClient c : clients) {
            c.close();
        }
        killAll();
        deleteTree(root);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code size} members on loopback, each on a run of free UDP ports. */
    public static String freeMembers(int size) {
        StringBuilder b = new StringBuilder();
        int port = 20_000 + ThreadLocalRandom.current().nextInt(2_000) * 10;
        for (int id = 0; id < size; id++) {
            while (!free(port)) {
                port += ClusterMembers.PORTS * 2;
            }
            b.append(id == 0 ? "" : ",").append("127.0.0.1:").append(port);
            port += ClusterMembers.PORTS * 2;
        }
        return b.toString();
    }

    private static boolean free(int first) {
        for (int p = first; p < first + ClusterMembers.PORTS; p++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                s.getLocalPort();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
