package dev.surge.simulator;

import dev.surge.engine.util.Ids;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/payment-sim}: the simulated payment provider on its own, until SIGTERM or SIGINT (exit 143/130). */
@Command(name = "payment-sim",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "A simulated payment provider (WeChat Pay, Alipay...) for paid flash sales,",
        "for demos and tests (docs/payment-simulator.md; protocol: docs/payments.md).",
        "Each path prefix is a provider name with its own secret and ledger.",
        "",
        "Surge's refunds:",
        "  POST /NAME/refunds       checks X-Surge-Signature, dedups by refundId (a",
        "                           repeat is 409), checks the transaction was paid",
        "  GET /NAME/refunds/ID     signed over the id: REFUNDED, FAILED, PENDING, 404",
        "The buyer:",
        "  POST /_sim/pay           {\"provider\", \"orderId\", \"amount\", \"currency\",",
        "                           \"notifyUrl\", \"mode\", \"delayMs\", \"payBy\",",
        "                           \"lateByMs\", \"repeats\"}; mode ON_TIME, TWICE,",
        "                           LATE or NEVER. Each payment's signed notification",
        "                           goes to notifyUrl (loopback or --allow-notify-host),",
        "                           resent until a 2xx.",
        "What happened:",
        "  GET /_sim/payments       orders, payments, refunds (?orderId= for one order)",
        "  GET /_sim/stats          counts",
        "  GET /_sim/statement/NAME the provider's refunds as CSV",
        "  POST /_sim/knobs?failRate=..&notifyAttempts=..  knobs, while it runs",
        "",
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  scripts/payment-sim --port 9091 --secret \"$SECRET\"",
        "  scripts/payment-sim --provider alipay=\"$A\" --provider wechat=\"$W\" \\",
        "      --latency-ms 50 --fail-rate 0.2 --seed 7",
        "",
        "  Then configure the provider in Surge: PUT /admin/suppliers/alipay",
        "    {\"url\": \"http://127.0.0.1:9091/alipay\", \"secret\": \"<its secret>\"}",
        "  and pay an order Surge reserved:",
        "  curl -X POST http://127.0.0.1:9091/_sim/pay \\",
        "    -H 'Content-Type: application/json' -d '{\"provider\": \"alipay\",",
        "    \"orderId\": \"<orderId>\", \"amount\": 990, \"currency\": \"CNY\",",
        "    \"notifyUrl\": \"http://127.0.0.1:8080/v1/payments/notify\", \"mode\": \"TWICE\"}'",
        "  curl http://127.0.0.1:9091/_sim/payments",
    })
public final class PaymentSimulatorMain implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9091", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--secret", description = "The HMAC secret of every provider name not given by --provider "
        + "(default: $SURGE_PAY_SIM_SECRET; with neither and no --provider, one is generated and printed).")
    String secret;

    @Option(names = "--provider", paramLabel = "NAME=SECRET",
        description = "A provider and its own secret; repeat for several. Without --secret, only these exist.")
    Map<String, String> providers = new LinkedHashMap<>();

    @Option(names = "--latency-ms", defaultValue = "0", description = "Refund API: wait before every answer "
        + "(default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--fail-rate", defaultValue = "0",
        description = "Refund API: share of requests answered 503, applying nothing (default: ${DEFAULT-VALUE}).")
    double failRate;

    @Option(names = "--timeout-rate", defaultValue = "0",
        description = "Refund API: share of refunds never answered (default: ${DEFAULT-VALUE}).")
    double timeoutRate;

    @Option(names = "--timeout-applied", defaultValue = "0.5",
        description = "Of those, the share refunded before going silent (default: ${DEFAULT-VALUE}).")
    double timeoutApplied;

    @Option(names = "--reject-rate", defaultValue = "0",
        description = "Refund API: share of refunds refused for good with 422 (default: ${DEFAULT-VALUE}).")
    double rejectRate;

    @Option(names = "--no-check-transactions", negatable = false,
        description = "Take refunds of transactions this simulator never paid (by default they are 422, as is a "
            + "refund beyond what was paid).")
    boolean noCheckTransactions;

    @Option(names = "--notify-attempts", defaultValue = "15",
        description = "Deliveries of a notification until one gets a 2xx, as WeChat Pay and Alipay "
            + "(default: ${DEFAULT-VALUE}).")
    int notifyAttempts;

    @Option(names = "--notify-backoff-ms", defaultValue = "100",
        description = "Wait before the first resend, doubled for each one after (default: ${DEFAULT-VALUE}).")
    long notifyBackoffMs;

    @Option(names = "--notify-backoff-max-ms", defaultValue = "5000",
        description = "Longest wait between resends (default: ${DEFAULT-VALUE}).")
    long notifyBackoffMaxMs;

    @Option(names = "--notify-timeout-ms", defaultValue = "2000",
        description = "Connect and answer timeout of one delivery (default: ${DEFAULT-VALUE}).")
    long notifyTimeoutMs;

    @Option(names = "--allow-notify-host", paramLabel = "HOST",
        description = "A host notifications may go to besides loopback; repeat for several.")
    List<String> notifyHosts = List.of();

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault draws (default: ${DEFAULT-VALUE}).")
    long seed;

    public static void main(String[] args) {
        SimulatorMain.quietLogging();
        System.exit(new CommandLine(new PaymentSimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        String problem = problem();
        if (problem != null) {
            System.err.println("payment-sim: " + problem);
            return 2;
        }
        String fallback = secret != null ? secret : System.getenv("SURGE_PAY_SIM_SECRET");
        if ((fallback == null || fallback.isBlank()) && providers.isEmpty()) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            fallback = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            System.out.println("generated secret " + fallback);
        }
        PaymentSimulator sim = new PaymentSimulator(providers, fallback == null || fallback.isBlank() ? null : fallback,
            seed);
        configure(sim.knobs());
        notifyHosts.forEach(sim::allowNotifyHost);
        InetSocketAddress bound = sim.start(host, port);
        System.out.println("payment simulator listening on " + host + ":" + bound.getPort() + " (" + sim.knobs() + ")");
        System.out.println("providers: " + (providers.isEmpty() ? "" : String.join(", ", providers.keySet()) + ", ")
            + (fallback == null ? "no others" : "any other name") + "   refund API: " + sim.url("NAME")
            + "   pay: " + sim.payUrl());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "surge-paysim-stop"));
        Thread.currentThread().join(); // until SIGTERM or SIGINT, which run the hook
        return 0;
    }

    private String problem() {
        for (double rate : new double[] {failRate, timeoutRate, timeoutApplied, rejectRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                return "rates are between 0 and 1";
            }
        }
        for (Map.Entry<String, String> p : providers.entrySet()) {
            if (!Ids.isValid(p.getKey()) || p.getValue() == null || p.getValue().isBlank()) {
                return "--provider NAME=SECRET: NAME 1-64 characters [A-Za-z0-9._-], SECRET not empty";
            }
        }
        if (latencyMs < 0 || notifyBackoffMs < 0 || notifyBackoffMaxMs < 0 || notifyTimeoutMs < 1
            || notifyTimeoutMs > 600_000 || notifyAttempts < 1 || notifyAttempts > 1000) {
            return "times are >= 0, --notify-timeout-ms 1..600000, --notify-attempts 1..1000";
        }
        return null;
    }

    private void configure(PaymentSimulator.Knobs k) {
        k.latencyMs = latencyMs;
        k.failRate = failRate;
        k.timeoutRate = timeoutRate;
        k.timeoutAppliedRate = timeoutApplied;
        k.rejectRate = rejectRate;
        k.checkTransactions = !noCheckTransactions;
        k.notifyAttempts = notifyAttempts;
        k.notifyBackoffMs = notifyBackoffMs;
        k.notifyBackoffMaxMs = notifyBackoffMaxMs;
        k.notifyTimeoutMs = notifyTimeoutMs;
    }
}
