package dev.surge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ring.EngineRing;
import dev.surge.journal.Durability;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationTest {
    private static final Map<String, String> SECRETS = Map.of(
        "SURGE_ADMIN_TOKEN", "admin-token-0123456789",
        "SURGE_USER_TOKEN_SECRET", "user-secret-0123456789-0123456789-abc",
        "SURGE_CODE_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

    private static Map<String, String> env(String... kv) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(SECRETS);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void eventLoopsLeaveTheWriterACore() {
        assertEquals(1, Configuration.defaultIoThreads(1));
        assertEquals(1, Configuration.defaultIoThreads(2));
        assertEquals(7, Configuration.defaultIoThreads(8));
        Configuration c = Configuration.from(new String[0], env()).conclude();
        assertEquals(Configuration.defaultIoThreads(Runtime.getRuntime().availableProcessors()), c.ioThreads());
        assertEquals(3, Configuration.from(new String[] {"--io-threads", "3"}, env()).conclude().ioThreads());
    }

    @Test
    void theEngineRunsOnTheEventLoopWhenThereIsOne() {
        assertTrue(Configuration.from(new String[] {"--io-threads", "1"}, env()).conclude().engineOnEventLoop());
        assertFalse(Configuration.from(new String[] {"--io-threads", "2"}, env()).conclude().engineOnEventLoop());
        assertTrue(Configuration.from(new String[] {"--io-threads", "2", "--engine-thread", "event-loop"}, env())
            .conclude().engineOnEventLoop());
        assertFalse(Configuration.from(new String[] {"--io-threads", "1"}, env("SURGE_ENGINE_THREAD", "own"))
            .conclude().engineOnEventLoop());
        ConfigurationException e = assertThrows(ConfigurationException.class,
            () -> Configuration.from(new String[] {"--engine-thread", "mine"}, env()).conclude());
        assertTrue(e.getMessage().contains("--engine-thread"), e.getMessage());
    }

    @Test
    void transportIsAutoUnlessAskedAndOnlyAKnownOne() {
        assertEquals(Transport.AUTO, Configuration.from(new String[0], env()).conclude().transport());
        assertEquals(Transport.IO_URING, Configuration.from(new String[] {"--transport", "io_uring"}, env())
            .conclude().transport());
        assertEquals(Transport.NIO, Configuration.from(new String[0], env("SURGE_TRANSPORT", "nio")).conclude()
            .transport());
        ConfigurationException e = assertThrows(ConfigurationException.class,
            () -> Configuration.from(new String[] {"--transport", "kqueue"}, env()).conclude());
        assertTrue(e.getMessage().contains("--transport"), e.getMessage());
    }

    @Test
    void defaultsVariablesAndFlagsInThatOrder() {
        Configuration c = Configuration.from(new String[0], env()).conclude();
        assertEquals(8080, c.port());
        assertEquals("127.0.0.1", c.host());
        assertEquals(Durability.PROCESS, c.durability());
        assertTrue(c.demo());
        c = Configuration.from(new String[0], env("SURGE_PORT", "9090", "SURGE_DURABILITY", "sync", "SURGE_DEMO", "false"))
            .conclude();
        assertEquals(9090, c.port());
        assertEquals(Durability.SYNC, c.durability());
        assertFalse(c.demo());
        c = Configuration.from(new String[] {"--port", "0", "--durability=process", "--demo", "--ring-size", "64",
            "--wait-strategy", "sleeping", "--trusted-proxies", "10.0.0.0/8,::1", "--truncate-corrupt-tail"},
            env("SURGE_PORT", "9090", "SURGE_DURABILITY", "sync", "SURGE_DEMO", "false")).conclude();
        assertEquals(0, c.port(), "a flag wins over its variable");
        assertEquals(Durability.PROCESS, c.durability());
        assertTrue(c.demo());
        assertEquals(64, c.ringSize());
        assertEquals(EngineRing.Wait.SLEEPING, c.waitStrategy());
        assertEquals(2, c.trustedProxies().size());
        assertTrue(c.truncateCorruptTail());
        assertFalse(Configuration.from(new String[] {"--no-demo"}, env()).conclude().demo());
    }

    private static ConfigurationException refused(Map<String, String> env, String... args) {
        return assertThrows(ConfigurationException.class, () -> Configuration.from(args, env).conclude());
    }

    @Test
    void theEngineIsLocalUnlessClusterIsAsked() {
        Configuration local = Configuration.from(new String[0], env()).conclude();
        assertFalse(local.cluster());
        assertEquals(null, local.clusterMembers());
        ConfigurationException e = refused(env(), "--engine", "raft");
        assertTrue(e.getMessage().contains("--engine") && e.getMessage().contains("local or cluster"), e.getMessage());
        e = refused(env("SURGE_CLUSTER_REFRESH_MS", "500"), "--cluster-members", "127.0.0.1:9010");
        assertTrue(e.getMessage().contains("--cluster-members (SURGE_CLUSTER_MEMBERS)")
            && e.getMessage().contains("--cluster-refresh-ms (SURGE_CLUSTER_REFRESH_MS)")
            && e.getMessage().contains("only with --engine cluster"), e.getMessage());
    }

    @Test
    void aGatewayInFrontOfAClusterNeedsItsMembersAndNoCodeKey() {
        Map<String, String> noCodeKey = new java.util.HashMap<>(SECRETS);
        noCodeKey.remove("SURGE_CODE_KEY");
        Configuration c = Configuration.from(new String[] {"--engine", "cluster", "--cluster-members",
            "localhost:9010,127.0.0.1:9020,127.0.0.1:9030"}, noCodeKey).conclude();
        assertTrue(c.cluster());
        assertEquals(3, c.clusterMembers().size());
        assertEquals("0=localhost:9010,1=127.0.0.1:9020,2=127.0.0.1:9030", c.clusterMembers().ingressEndpoints());
        assertEquals("127.0.0.1", c.clusterEgressHost(), "every member on loopback");
        assertEquals(null, c.codeKey(), "the members hold it");
        assertFalse(c.demo(), "no demo mode in front of a cluster");
        assertEquals(4096, c.clusterMaxInFlight());
        assertEquals(2000, c.clusterRefreshMs());
        assertTrue(c.clusterAeronDir().getFileName().toString().startsWith("gateway-"), c.clusterAeronDir().toString());
        assertTrue(c.clusterAeronDir().getParent().getFileName().toString().startsWith("surge-"));

        c = Configuration.from(new String[] {"--cluster-egress-host", "10.0.0.9", "--cluster-aeron-dir", "/tmp/x",
            "--cluster-max-in-flight", "64", "--cluster-refresh-ms=500"},
            env("SURGE_ENGINE", "cluster", "SURGE_CLUSTER_MEMBERS", "10.0.0.1:9010,10.0.0.2:9010,10.0.0.3:9010"))
            .conclude();
        assertEquals("10.0.0.9", c.clusterEgressHost());
        assertEquals(java.nio.file.Path.of("/tmp/x"), c.clusterAeronDir());
        assertEquals(64, c.clusterMaxInFlight());
        assertEquals(500, c.clusterRefreshMs());
        assertEquals(32, c.codeKey().length, "checked when given");
    }

    @Test
    void clusterModeRefusesWhatMakesNoSenseWithIt() {
        String[] cluster = {"--engine", "cluster", "--cluster-members", "127.0.0.1:9010"};
        ConfigurationException e = refused(env(), "--engine", "cluster");
        assertTrue(e.getMessage().contains("--cluster-members") && e.getMessage().contains("required"), e.getMessage());
        e = refused(env(), "--engine", "cluster", "--cluster-members", "host-without-port");
        assertTrue(e.getMessage().contains("--cluster-members") && e.getMessage().contains("host:port"), e.getMessage());
        e = refused(env(), "--engine", "cluster", "--cluster-members", "127.0.0.1:65534");
        assertTrue(e.getMessage().contains("5 ports"), e.getMessage());
        e = refused(env(), "--engine", "cluster", "--cluster-members", "10.0.0.1:9010,10.0.0.2:9010");
        assertTrue(e.getMessage().contains("--cluster-egress-host") && e.getMessage().contains("loopback"),
            e.getMessage());
        e = refused(env("SURGE_DATA_DIR", "/var/surge"), concat(cluster, "--durability", "sync", "--ring-size", "64"));
        assertTrue(e.getMessage().contains("--data-dir (SURGE_DATA_DIR), --durability (SURGE_DURABILITY), "
            + "--ring-size (SURGE_RING_SIZE): not with --engine cluster"), e.getMessage());
        e = refused(env(), concat(cluster, "--delivery-retries", "5", "--snapshot-every", "10"));
        assertTrue(e.getMessage().contains("--snapshot-every") && e.getMessage().contains("--delivery-retries"),
            e.getMessage());
        e = refused(env(), concat(cluster, "--demo"));
        assertTrue(e.getMessage().contains("--demo") && e.getMessage().contains("not with --engine cluster"),
            e.getMessage());
        e = refused(env(), concat(cluster, "--cluster-max-in-flight", "0"));
        assertTrue(e.getMessage().contains("--cluster-max-in-flight"), e.getMessage());
        Map<String, String> noAdmin = new java.util.HashMap<>(SECRETS);
        noAdmin.remove("SURGE_ADMIN_TOKEN");
        e = refused(noAdmin, cluster);
        assertTrue(e.getMessage().contains("SURGE_ADMIN_TOKEN is not set") && e.getMessage().contains("--engine cluster"),
            e.getMessage());
        assertTrue(Configuration.from(concat(cluster, "--no-demo", "--allow-link-local-suppliers", "--port", "0"),
            env()).conclude().cluster(), "what applies to both engines is taken");
        assertTrue(Configuration.help().contains("--cluster-members <value>"));
        assertTrue(Configuration.help().contains("SURGE_ENGINE"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void connectionCapsDefaultOnAndZeroTurnsThemOff() {
        Configuration c = Configuration.from(new String[0], env()).conclude();
        assertEquals(20_000, c.maxConnections());
        assertEquals(512, c.maxConnectionsPerIp());
        assertEquals(5000, c.firstByteTimeoutMs());
        c = Configuration.from(new String[] {"--max-connections", "0", "--first-byte-timeout-ms=0"},
            env("SURGE_MAX_CONNECTIONS_PER_IP", "0")).conclude();
        assertEquals(0, c.maxConnections());
        assertEquals(0, c.maxConnectionsPerIp());
        assertEquals(0, c.firstByteTimeoutMs());
    }

    @Test
    void linkLocalSuppliersAreOffUnlessAllowed() {
        assertFalse(Configuration.from(new String[0], env()).conclude().delivery().allowLinkLocal());
        assertTrue(Configuration.from(new String[] {"--allow-link-local-suppliers"}, env()).conclude().delivery()
            .allowLinkLocal(), "a switch: no value needed");
        assertTrue(Configuration.from(new String[0], env("SURGE_ALLOW_LINK_LOCAL_SUPPLIERS", "true")).conclude()
            .delivery().allowLinkLocal());
        assertFalse(Configuration.from(new String[] {"--allow-link-local-suppliers=false"},
            env("SURGE_ALLOW_LINK_LOCAL_SUPPLIERS", "true")).conclude().delivery().allowLinkLocal());
        assertMessage("--allow-link-local-suppliers", new String[] {"--allow-link-local-suppliers=maybe"});
    }

    @Test
    void badValuesAreClearErrors() {
        assertMessage("--port", new String[] {"--port", "70000"});
        assertMessage("--ring-size", new String[] {"--ring-size", "1000"});
        assertMessage("--durability", new String[] {"--durability", "fast"});
        assertMessage("--wait-strategy", new String[] {"--wait-strategy", "busy-spin"});
        assertMessage("--trusted-proxies", new String[] {"--trusted-proxies", "proxy.example.com"});
        assertMessage("--max-connections", new String[] {"--max-connections", "-1"});
        assertMessage("--max-connections-per-ip", new String[] {"--max-connections-per-ip", "lots"});
        assertMessage("--first-byte-timeout-ms", new String[] {"--first-byte-timeout-ms", "10"});
        assertMessage("unknown option", new String[] {"--colour", "red"});
        assertMessage("needs a value", new String[] {"--port"});
    }

    private static void assertMessage(String expected, String[] args) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
            () -> Configuration.from(args, env()).conclude());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void secretsAreRequiredOutsideDemoMode() {
        for (String name : SECRETS.keySet()) {
            java.util.HashMap<String, String> env = new java.util.HashMap<>(SECRETS);
            env.remove(name);
            ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Configuration.from(new String[] {"--no-demo"}, env).conclude());
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        Configuration demo = Configuration.from(new String[0], Map.of()).conclude();
        assertEquals(3, demo.generatedSecrets().size());
        assertEquals(32, demo.codeKey().length);
        assertThrows(ConfigurationException.class, () -> Configuration.from(new String[0],
            env("SURGE_CODE_KEY", "c2hvcnQ=")).conclude());
        assertThrows(ConfigurationException.class, () -> Configuration.from(new String[0],
            env("SURGE_USER_TOKEN_SECRET", "short")).conclude());
    }

    @Test
    void helpNamesEveryFlagAndVariable() {
        assertTrue(Configuration.from(new String[] {"--help"}, Map.of()).helpRequested());
        String help = Configuration.help();
        for (Configuration.Option o : Configuration.Option.values()) {
            assertTrue(help.contains(o.flag) && help.contains(o.env), o.name());
        }
        assertTrue(help.contains("SURGE_ADMIN_TOKEN") && help.contains("SURGE_CODE_KEY"));
    }

    @Test
    void everyVariableKeepsItsDocumentedName() {
        // operators' deployments set these names; the enum derives them from the flags
        assertEquals(java.util.List.of("SURGE_HOST", "SURGE_PORT", "SURGE_DATA_DIR", "SURGE_DURABILITY", "SURGE_DEMO",
                "SURGE_RING_SIZE", "SURGE_EXPECTED_USERS", "SURGE_WARM_UP_CLAIMS", "SURGE_IDEMPOTENCY_WINDOW_MINUTES", "SURGE_WAIT_STRATEGY",
                "SURGE_ENGINE_THREAD", "SURGE_TRANSPORT", "SURGE_IO_THREADS",
                "SURGE_TRUSTED_PROXIES", "SURGE_RATE_LIMIT",
                "SURGE_RATE_BURST", "SURGE_MAX_BODY", "SURGE_MAX_HEADER_SIZE", "SURGE_REQUEST_TIMEOUT_MS",
                "SURGE_IDLE_TIMEOUT_MS", "SURGE_MAX_PIPELINED", "SURGE_MAX_CONNECTIONS",
                "SURGE_MAX_CONNECTIONS_PER_IP", "SURGE_FIRST_BYTE_TIMEOUT_MS", "SURGE_CODE_BATCH", "SURGE_DRAIN_TIMEOUT_MS",
                "SURGE_SNAPSHOT_EVERY", "SURGE_SNAPSHOT_INTERVAL_S", "SURGE_TRUNCATE_CORRUPT_TAIL",
                "SURGE_DELIVERY_RETRIES", "SURGE_DELIVERY_BACKOFF_MS", "SURGE_DELIVERY_BACKOFF_MAX_MS",
                "SURGE_BREAKER_FAILURES", "SURGE_BREAKER_OPEN_MS", "SURGE_DELIVERY_QUEUE",
                "SURGE_ALLOW_LINK_LOCAL_SUPPLIERS", "SURGE_ENGINE", "SURGE_CLUSTER_MEMBERS", "SURGE_CLUSTER_EGRESS_HOST",
                "SURGE_CLUSTER_AERON_DIR", "SURGE_CLUSTER_MAX_IN_FLIGHT", "SURGE_CLUSTER_REFRESH_MS"),
            java.util.Arrays.stream(Configuration.Option.values()).map(o -> o.env).toList());
        assertEquals(2048, Configuration.from(new String[0], env("SURGE_MAX_HEADER_SIZE", "2048")).conclude().maxHeader());
        assertEquals(2_000_000, Configuration.from(new String[] {"--expected-users", "2000000"}, env()).conclude()
            .expectedUsers());
    }
}
