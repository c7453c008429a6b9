package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Members of a cluster as they run in production: each in its own JVM ({@code ClusterNodeMain},
 * what {@code scripts/cluster-node} starts), on loopback, its directory {@code dir/nodeN} and its
 * output in {@code dir/nodeN.log}, where the tests read its role changes. Killed for real
 * (SIGKILL), stopped (SIGTERM), or frozen and thawed (SIGSTOP, SIGCONT).
 */
final class MemberProcesses implements AutoCloseable {
    private static final Pattern ROLE = Pattern.compile("member (\\d+) is now (LEADER|FOLLOWER|CANDIDATE)");

    final String members;
    private final Path dir;
    private final List<String> flags;
    private final Process[] nodes;

    /** {@code size} members, not started; {@code flags} go to every member's command line. */
    MemberProcesses(Path dir, int size, String... flags) {
        this.dir = dir;
        this.members = TestCluster.freeMembers(size);
        this.flags = List.of(flags);
        this.nodes = new Process[size];
    }

    MemberProcesses startAll() {
        for (int id = 0; id < nodes.length; id++) {
            start(id);
        }
        return this;
    }

    void start(int id) {
        List<String> args = new ArrayList<>(List.of("--id", String.valueOf(id), "--members", members,
            "--dir", dir.resolve("node" + id).toString(), "--aeron-dir", dir.resolve("aeron" + id).toString(),
            "--leader-heartbeat-timeout-ms", String.valueOf(TestCluster.HEARTBEAT_TIMEOUT.toMillis())));
        args.addAll(flags);
        ProcessBuilder pb = SurgeProcess.java(List.of("-Xmx256m"), ClusterNodeMain.class.getName(),
            args.toArray(new String[0]));
        pb.environment().put("SURGE_CODE_KEY", TestCluster.CODE_KEY);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile()));
        try {
            nodes[id] = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return nodes.length;
    }

    Process process(int id) {
        return nodes[id];
    }

    Path log(int id) {
        return dir.resolve("node" + id + ".log");
    }

    /** Member {@code id}'s output so far. */
    String output(int id) {
        try {
            return Files.exists(log(id)) ? Files.readString(log(id)) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The role member {@code id} last said it has, or null. */
    String role(int id) {
        String role = null;
        Matcher m = ROLE.matcher(output(id));
        while (m.find()) {
            role = m.group(2);
        }
        return role;
    }

    /** The running member whose output says last that it leads, other than {@code except}, waiting for one. */
    int awaitLeader(Duration timeout, int except) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int id = 0; id < nodes.length; id++) {
                if (id != except && nodes[id] != null && nodes[id].isAlive() && "LEADER".equals(role(id))) {
                    return id;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no member says it leads within " + timeout);
            TestCluster.sleep(50);
        }
    }

    /** SIGKILL: nothing of it closes, flushes or says goodbye. */
    void sigkill(int id) throws InterruptedException {
        nodes[id].destroyForcibly();
        assertEquals(137, nodes[id].waitFor(), "killed by SIGKILL");
    }

    /** SIGTERM: the member stops as {@code scripts/cluster-node} does on Ctrl-C, logging its last words. */
    void sigterm(int id) throws InterruptedException {
        nodes[id].destroy();
        assertTrue(nodes[id].waitFor(30, TimeUnit.SECONDS), "member " + id + " did not stop on SIGTERM");
    }

    /** SIGSTOP or SIGCONT: the whole JVM frozen, or thawed. */
    void signal(int id, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(nodes[id].pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    /** Threads of member {@code id}'s JVM whose (15-character) name starts with {@code prefix}. */
    long threads(int id, String prefix) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(nodes[id].pid()), "task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith(prefix);
                } catch (IOException e) {
                    return false; // the thread ended meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : nodes) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }
}
