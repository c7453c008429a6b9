package dev.surge.gateway;

import dev.surge.delivery.SimulatedPaymentProvider;
import dev.surge.delivery.SimulatedSupplier;
import dev.surge.engine.state.StateMachine;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.config.ConfigurationException;
import dev.surge.journal.PrivateFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code scripts/run}: configuration (flags over {@code SURGE_*} variables, checked once), the
 * HTTP server (live at once, NOT_READY until recovery is done), recovery from the journal, the
 * engine ring with the supplier dispatcher, then demo setup when asked (a demo campaign, and the
 * simulated supplier its recharges are delivered to). SIGTERM or SIGINT stops accepting, drains in-flight
 * requests, closes the ring (flushing and closing the journal) and exits 0. With {@code --engine
 * cluster} there is no journal or ring here: the HTTP server, then the cluster client and what the
 * gateway keeps of the cluster's state (docs/cluster.md), and SIGTERM closes the client instead.
 *
 * <p>Exit codes: 0 after a clean stop, 1 when start-up fails, 2 for bad configuration.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Demo mode keeps the secrets it generated here, so that a restart can read its own journal. */
    static final String DEMO_SECRETS_FILE = "demo-secrets.env";

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Configuration config;
        try {
            config = Configuration.from(args, env);
            if (config.helpRequested()) {
                out.print(Configuration.help());
                return 0;
            }
            config = withDemoSecrets(args, env, config);
            config.conclude();
        } catch (ConfigurationException e) {
            err.println("surge: " + e.getMessage());
            return 2;
        }
        SimulatedSupplier.Factory simulatorFactory = null;
        SimulatedPaymentProvider.Factory paymentFactory = null;
        if (config.demo()) {
            try {
                simulatorFactory = Demo.simulator(); // before anything starts: demo mode cannot run without it
                paymentFactory = Demo.paymentSimulator();
            } catch (IllegalStateException e) {
                err.println("surge: " + e.getMessage());
                return 1;
            }
        }
        Gateway gateway = new Gateway(config);
        AtomicReference<EngineStorage> storage = new AtomicReference<>();
        AtomicReference<SimulatedSupplier> simulator = new AtomicReference<>();
        AtomicReference<SimulatedPaymentProvider> payments = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            try {
                gateway.shutdown(); // drain, close the ring (which flushes and closes the journal)
                EngineStorage s = storage.get();
                if (s != null) {
                    s.close(); // the snapshot agent's final snapshot
                }
                SimulatedSupplier sim = simulator.get();
                if (sim != null) {
                    sim.close();
                }
                SimulatedPaymentProvider pay = payments.get();
                if (pay != null) {
                    pay.close();
                }
            } finally {
                stopped.countDown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "surge-shutdown"));
        Signals.onTerminate(() -> {
            LOG.info("signal received: draining and stopping");
            stop.run();
            System.exit(0); // the shutdown hook then finds everything already stopped
        });
        try {
            InetSocketAddress bound = gateway.startServer();
            out.println("listening on " + config.host() + ":" + bound.getPort());
            out.flush();
            if (config.cluster()) {
                LOG.info("HTTP on {}:{} ({}); in front of the cluster {}", config.host(), bound.getPort(),
                    gateway.transport().name().toLowerCase(java.util.Locale.ROOT), config.clusterMembersText());
                if (gateway.startCluster() != null) {
                    LOG.info("ready: commands go to the cluster {} (client media driver in {})",
                        config.clusterMembersText(), config.clusterAeronDir());
                }
                return awaitStop(stopped);
            }
            if (config.warmUpClaims() > 0) {
                warmUp(config);
            }
            LOG.info("HTTP on {}:{} ({}); recovering from {}", config.host(), bound.getPort(),
                gateway.transport().name().toLowerCase(java.util.Locale.ROOT), config.dataDir());
            storage.set(Storages.open(config, gateway.context().recovery));
            StateMachine machine = storage.get().recover().reserve(config.expectedUsers());
            gateway.startEngine(machine, storage.get());
            if (config.demo()) {
                saveDemoSecrets(config);
                simulator.set(Demo.startSupplier(simulatorFactory, config.host()));
                boolean created = Demo.setUp(gateway.engine(), config.clock().time(), simulator.get());
                payments.set(Demo.startPayments(paymentFactory, config.host()));
                Demo.setUpPaid(gateway.engine(), config.clock().time(), payments.get());
                for (String s : config.generatedSecrets()) {
                    out.println("generated " + s);
                }
                out.println(Demo.banner(gateway, config, bound.getPort(), created, simulator.get()));
                out.println(Demo.paidBanner(gateway, config, bound.getPort(), payments.get()));
                out.flush();
            }
            LOG.info("ready ({} durability)", config.durability().name().toLowerCase(java.util.Locale.ROOT));
        } catch (Exception e) {
            if (addressInUse(e)) {
                // The likeliest first-run stumble (a Surge already running in another terminal): one clear line.
                err.println("surge: cannot listen on " + config.host() + ":" + config.port() + ": the address is "
                    + "already in use (is Surge already running? Stop it, or choose another --port; --port 0 takes "
                    + "any free port)");
            } else {
                err.println("surge: start-up failed: " + e.getMessage());
                LOG.error("start-up failed", e);
            }
            stop.run();
            return 1;
        }
        return awaitStop(stopped);
    }

    /**
     * {@code --warm-up-claims}: best effort. A warm-up that fails leaves a server as cold as
     * without one, which still serves; the operator reads why in the log.
     */
    private static void warmUp(Configuration config) {
        LOG.info("warming up: {} claims through a scratch engine (API not ready meanwhile)", config.warmUpClaims());
        try {
            WarmUp.Result r = WarmUp.run(config, config.warmUpClaims());
            LOG.info("warmed up: {} claims ({} granted) in {} ms; the scratch engine and its journal are gone",
                r.claims(), r.granted(), r.millis());
        } catch (IOException | RuntimeException e) {
            LOG.warn("warm-up failed, starting cold: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int awaitStop(CountDownLatch stopped) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Whether a start-up failure is the port being taken (Netty's native transport has no BindException). */
    private static boolean addressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /** In demo mode, secrets missing from the environment come from the data directory if an earlier run saved them. */
    private static Configuration withDemoSecrets(String[] args, Map<String, String> env, Configuration parsed) {
        String demo = parsed.raw(Configuration.Option.DEMO);
        if (!demo.equalsIgnoreCase("true") || parsed.raw(Configuration.Option.ENGINE).equalsIgnoreCase("cluster")) {
            return parsed; // in front of a cluster there is no demo mode (Configuration.conclude says why)
        }
        Path file = Path.of(parsed.raw(Configuration.Option.DATA_DIR)).resolve(DEMO_SECRETS_FILE);
        if (!Files.isReadable(file)) {
            return parsed;
        }
        Map<String, String> merged = new HashMap<>(env);
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    merged.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getMessage());
        }
        return Configuration.from(args, merged);
    }

    private static void saveDemoSecrets(Configuration config) throws IOException {
        List<String> generated = config.generatedSecrets();
        if (generated.isEmpty()) {
            return;
        }
        Path file = PrivateFiles.directory(config.dataDir()).resolve(DEMO_SECRETS_FILE);
        StringBuilder b = new StringBuilder("# Secrets generated by Surge's demo mode; delete with the data directory.\n");
        if (Files.isReadable(file)) {
            b.setLength(0);
            b.append(Files.readString(file, StandardCharsets.UTF_8));
        }
        for (String s : generated) {
            b.append(s).append('\n');
        }
        // rw------- from its first byte: a private temporary file, renamed over the old one
        PrivateFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
