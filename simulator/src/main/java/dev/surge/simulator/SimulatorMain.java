package dev.surge.simulator;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/supplier-sim}: the simulated supplier on its own, until SIGTERM or SIGINT (exit 143/130). */
@Command(name = "supplier-sim",
    mixinStandardHelpOptions = true,
    description = {
        "A simulated recharge supplier for demos and tests (docs/delivery.md).",
        "",
        "Any path is a supplier name with its own ledger: POST /NAME recharges (checks",
        "X-Surge-Signature, dedups by Idempotency-Key: a repeat is 409), GET",
        "/NAME/DELIVERY_ID answers DELIVERED, FAILED, PENDING or 404. It counts the",
        "recharges applied per account. GET /_sim/stats shows the counts, GET",
        "/_sim/statement/NAME the statement as CSV (for journal reconcile), and",
        "POST /_sim/knobs?latencyMs=..&failRate=.. changes the knobs while it runs.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/supplier-sim --port 9090 --latency-ms 50 --fail-rate 0.2",
        "  scripts/supplier-sim --port 9090 --timeout-rate 0.1 --secret \"$SECRET\"",
        "  curl -X POST 'http://127.0.0.1:9090/_sim/knobs?latencyMs=2000'",
        "  then point a supplier at it: PUT /admin/suppliers/primary",
        "    {\"url\": \"http://127.0.0.1:9090/primary\", \"secret\": \"<its secret>\"}",
    })
public final class SimulatorMain implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9090", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Wait before every answer (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--fail-rate", defaultValue = "0",
        description = "Share of requests answered 503, applying nothing (default: ${DEFAULT-VALUE}).")
    double failRate;

    @Option(names = "--timeout-rate", defaultValue = "0",
        description = "Share of recharges never answered (default: ${DEFAULT-VALUE}).")
    double timeoutRate;

    @Option(names = "--timeout-applied", defaultValue = "0.5",
        description = "Of those, the share applied before going silent (default: ${DEFAULT-VALUE}).")
    double timeoutApplied;

    @Option(names = "--reject-rate", defaultValue = "0",
        description = "Share of recharges refused for good with 422 (default: ${DEFAULT-VALUE}).")
    double rejectRate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--secret", description = "The HMAC secret requests are signed with (default: $SURGE_SIM_SECRET, "
        + "else one is generated and printed).")
    String secret;

    public static void main(String[] args) {
        quietLogging();
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    /** Logback's configuration of the simulators' own (surge-sim-logback.xml), unless one was given: else Netty logs at DEBUG. */
    static void quietLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "surge-sim-logback.xml");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        for (double rate : new double[] {failRate, timeoutRate, timeoutApplied, rejectRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                System.err.println("supplier-sim: rates are between 0 and 1");
                return 2;
            }
        }
        String key = secret != null ? secret : System.getenv("SURGE_SIM_SECRET");
        if (key == null || key.isBlank()) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            key = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            System.out.println("generated secret " + key);
        }
        SupplierSimulator sim = new SupplierSimulator(key, seed);
        sim.knobs().latencyMs = latencyMs;
        sim.knobs().failRate = failRate;
        sim.knobs().timeoutRate = timeoutRate;
        sim.knobs().timeoutAppliedRate = timeoutApplied;
        sim.knobs().rejectRate = rejectRate;
        InetSocketAddress bound = sim.start(host, port);
        System.out.println("supplier simulator listening on " + host + ":" + bound.getPort() + " (" + sim.knobs() + ")");
        System.out.println("supplier URL: " + sim.url("NAME") + "   stats: http://" + host + ":" + bound.getPort()
            + "/_sim/stats");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "surge-sim-stop"));
        Thread.currentThread().join(); // until SIGTERM or SIGINT, which run the hook
        return 0;
    }
}
