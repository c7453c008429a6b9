package dev.surge.bench;

import dev.surge.gateway.EngineStorage;
import dev.surge.gateway.Gateway;
import dev.surge.gateway.Storages;
import dev.surge.gateway.config.Configuration;
import dev.surge.simulator.SupplierSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Supplier delivery, measured end to end in one process: Surge (Chronicle journal, process
 * durability, HTTP on loopback) and the simulated supplier.
 *
 * <ol>
 *   <li><b>Deliveries/s sustained.</b> N recharges are granted while no supplier is configured
 *       (they wait PENDING); then the supplier is configured and the clock runs until the last
 *       one is DELIVERED: each delivery is a signed POST to the simulator, its answer, and a
 *       journaled record through the engine ring. Supplier latency 0 and a given one.</li>
 *   <li><b>Claim latency with a 2 s supplier.</b> Open-model claims at a fixed rate (latency from
 *       each claim's intended send time, so a stall is not hidden by coordinated omission),
 *       once for a CODE SKU with no deliveries going on (baseline), once for the recharge SKU
 *       while its supplier takes 2 s per recharge.</li>
 * </ol>
 *
 * <pre>java $(scripts/lib/jvm-args.sh) -cp bench/target/benchmarks.jar dev.surge.bench.DeliveryThroughput \
 *     [recharges=20000] [concurrency=64] [latencyMs=20] [rate=500] [seconds=10]</pre>
 */
public final class DeliveryThroughput {
    private static final String ADMIN = "bench-admin-token-0123456789";
    private static final String USER_SECRET = "bench-user-secret-0123456789abcdef-0123456789";
    private static final String CODE_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String SECRET = "bench-supplier-secret-0123456789";
    private static final Pattern PENDING = Pattern.compile("\"pending\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private Gateway gateway;
    private URI base;

    public static void main(String[] args) throws Exception {
        int recharges = arg(args, "recharges", 20_000);
        int concurrency = arg(args, "concurrency", 64);
        int latencyMs = arg(args, "latencyMs", 20);
        int rate = arg(args, "rate", 500);
        int seconds = arg(args, "seconds", 10);
        new DeliveryThroughput().run(recharges, concurrency, latencyMs, rate, seconds);
        System.exit(0);
    }

    private static int arg(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }

    private void run(int recharges, int concurrency, int latencyMs, int rate, int seconds) throws Exception {
        Path data = Files.createTempDirectory("surge-delivery-bench");
        Configuration config = new Configuration()
            .set(Configuration.Option.PORT, "0")
            .set(Configuration.Option.DEMO, "false")
            .set(Configuration.Option.DATA_DIR, data.toString())
            .set(Configuration.Option.RATE_LIMIT, "0")
            .set(Configuration.Option.DELIVERY_QUEUE, Integer.toString(Math.max(65_536, recharges)))
            .adminToken(ADMIN).userTokenSecret(USER_SECRET).codeKey(CODE_KEY).conclude();
        gateway = new Gateway(config);
        int port = gateway.startServer().getPort();
        base = URI.create("http://127.0.0.1:" + port);
        EngineStorage storage = Storages.open(config);
        gateway.startEngine(storage.recover(), storage);
        try (SupplierSimulator sim = new SupplierSimulator(SECRET, 1)) {
            sim.start("127.0.0.1", 0);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s; Surge on 127.0.0.1:%d, journal %s (process durability)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.version"), port, data);
            int warm = Math.min(2_000, recharges);
            deliveries(sim, "warmup", warm, concurrency, 0);
            deliveries(sim, "d0", recharges, concurrency, 0);
            deliveries(sim, "d" + latencyMs, recharges, concurrency, latencyMs);

            campaign("codes", "CODE", 0, null);
            StringBuilder codes = new StringBuilder();
            for (int i = 0; i < rate * (seconds + 3); i++) {
                codes.append("BENCH-CODE-").append(i).append('\n');
            }
            send("POST", "/admin/campaigns/codes/skus/card/codes", codes.toString(), "text/plain", ADMIN);
            sim.knobs().latencyMs = 2000;
            supplier("slow", sim.url("slow"), concurrency);
            campaign("slow", "DIRECT_RECHARGE", rate * (seconds + 3), "slow");
            claims("warmup", "codes", "card", rate, 2);
            claims("baseline: CODE claims, no deliveries", "codes", "card", rate, seconds);
            long before = sim.applied();
            claims("DIRECT_RECHARGE claims, supplier at 2 s", "slow", "vip", rate, seconds);
            System.out.printf(Locale.ROOT, "meanwhile the 2 s supplier applied %d of those recharges (%d at a time at "
                + "most); the rest were PENDING when their claims were answered%n", sim.applied() - before, concurrency);
        } finally {
            gateway.shutdown();
            storage.close();
        }
    }

    /** Grants n recharges with no supplier configured, then configures it and times the deliveries. */
    private void deliveries(SupplierSimulator sim, String id, int n, int concurrency, int latencyMs) throws Exception {
        sim.knobs().latencyMs = latencyMs;
        campaign(id, "DIRECT_RECHARGE", n, id);
        List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(claimAsync(id, "vip", id + "-u" + i, "13" + String.format("%09d", i)));
            if (out.size() == 256) {
                for (CompletableFuture<HttpResponse<String>> f : out) {
                    f.join();
                }
                out.clear();
            }
        }
        for (CompletableFuture<HttpResponse<String>> f : out) {
            f.join();
        }
        long before = sim.applied();
        long start = System.nanoTime();
        supplier(id, sim.url(id), concurrency);
        while (pending(id) > 0) {
            Thread.sleep(20);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (!id.equals("warmup")) {
            System.out.printf(Locale.ROOT, "deliveries: %d recharges, supplier latency %d ms, maxConcurrency %d: %.2f s, "
                + "%.0f deliveries/s (the simulator applied %d)%n", n, latencyMs, concurrency, secs, n / secs,
                sim.applied() - before);
        }
    }

    /** Open model: one claim every 1/rate s for {@code seconds}; latency from the intended send time. */
    private void claims(String label, String campaign, String sku, int rate, int seconds) {
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long intervalNanos = 1_000_000_000L / rate;
        int n = rate * seconds;
        long start = System.nanoTime();
        AtomicLong errors = new AtomicLong();
        List<CompletableFuture<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long intended = start + i * intervalNanos;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String user = label.hashCode() + "-" + i;
            all.add(claimAsync(campaign, sku, user, "13" + String.format("%09d", i)).handle((r, e) -> {
                if (e != null || r.statusCode() != 200 || !r.body().contains("\"GRANTED\"")) {
                    errors.incrementAndGet();
                }
                synchronized (h) {
                    h.recordValue(Math.min(System.nanoTime() - intended, h.getHighestTrackableValue()));
                }
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
        if (!label.equals("warmup")) {
            System.out.printf(Locale.ROOT, "claims, %s: %d at %d/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, "
                    + "%d not granted%n", label, n, rate, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, errors.get());
        }
    }

    private CompletableFuture<HttpResponse<String>> claimAsync(String campaign, String sku, String user, String account) {
        String token = gateway.userTokens().mint(user, Instant.now().getEpochSecond() + 3600);
        HttpRequest r = HttpRequest.newBuilder(base.resolve("/v1/claims")).timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token).header("Idempotency-Key", user)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"campaignId\":\"" + campaign + "\",\"skuId\":\"" + sku
                + "\",\"account\":\"" + account + "\"}")).build();
        return http.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    private void campaign(String id, String kind, int stock, String supplier) throws IOException, InterruptedException {
        String sku = kind.equals("CODE") ? "{\"id\":\"card\",\"kind\":\"CODE\"}"
            : "{\"id\":\"vip\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":" + stock + ",\"suppliers\":[\"" + supplier + "\"]}";
        send("PUT", "/admin/campaigns/" + id, "{\"name\":\"" + id + "\",\"skus\":[" + sku + "]}", "application/json", ADMIN);
    }

    private void supplier(String id, String url, int concurrency) throws IOException, InterruptedException {
        send("PUT", "/admin/suppliers/" + id, "{\"url\":\"" + url + "\",\"secret\":\"" + SECRET + "\",\"timeoutMs\":10000,"
            + "\"maxConcurrency\":" + concurrency + "}", "application/json", ADMIN);
    }

    private long pending(String campaign) throws IOException, InterruptedException {
        Matcher m = PENDING.matcher(send("GET", "/admin/campaigns/" + campaign, null, null, ADMIN));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private String send(String method, String path, String body, String type, String bearer)
        throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + bearer)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
