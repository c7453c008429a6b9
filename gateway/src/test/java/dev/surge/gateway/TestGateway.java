package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.json.Json;
import dev.surge.journal.cli.JournalCli;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.SurgeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway in this JVM on 127.0.0.1 and a free port, over an in-memory journal, plus an
 * HTTP/1.1 client for it. Close it to stop the server and the ring.
 */
public final class TestGateway implements AutoCloseable {
    private static final Pattern CSRF = Pattern.compile("<meta name=\"surge-csrf\" content=\"([A-Za-z0-9_-]+)\">");
    public static final String ADMIN = "test-admin-token-0123456789";
    public static final String SECRET = "test-user-secret-0123456789abcdef-0123456789";
    public static final String CODE_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    public final Gateway gateway;
    public final EngineStorage engineStorage;
    /** The in-memory storage, or null over another kind (or in front of a cluster: none). */
    public final MemoryStorage storage;
    public final URI base;
    public final int port;
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    /** A response: status, headers and body text. */
    public record Res(int status, HttpHeaders headers, String body) {
        public Map<String, Object> json() {
            return JsonTree.object(body);
        }

        public Object at(Object... path) {
            return JsonTree.at(JsonTree.parse(body), path);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String errorCode() {
            return (String) at("error", "code");
        }

        public String errorField() {
            return (String) at("error", "field");
        }
    }

    /**
     * Surge's {@link Main} in its own JVM ({@link SurgeProcess}): no demo, any free port, on
     * {@code dataDir} with {@code flags} and this class's secrets, what an operator starts. Ready
     * when it returns; its log goes next to {@code dataDir}.
     */
    public static SurgeProcess process(Path dataDir, String... flags) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--no-demo", "--port", "0", "--data-dir", dataDir.toString()));
        args.addAll(List.of(flags));
        UserTokens tokens = new UserTokens(SECRET, Json.FACTORY);
        return SurgeProcess.start(withSecrets(SurgeProcess.java(Main.class, args.toArray(String[]::new))),
            Files.createTempFile(dataDir.toAbsolutePath().getParent(), "surge-", ".log"), ADMIN, user -> tokens.mint(user, Instant.now().getEpochSecond() + 3600));
    }

    /** {@code process} with this class's SURGE_* secrets and stderr merged into stdout. */
    public static ProcessBuilder withSecrets(ProcessBuilder process) {
        process.redirectErrorStream(true);
        process.environment().put("SURGE_ADMIN_TOKEN", ADMIN);
        process.environment().put("SURGE_USER_TOKEN_SECRET", SECRET);
        process.environment().put("SURGE_CODE_KEY", CODE_KEY);
        return process;
    }

    /** The operator CLI ({@code scripts/journal}) in its own JVM with the code key; its output, once it exited 0. */
    public static String journal(String... args) throws IOException, InterruptedException {
        Process p = withSecrets(SurgeProcess.java(JournalCli.class, args)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the journal CLI did not finish:\n" + out);
        assertEquals(JournalCli.EXIT_OK, p.exitValue(), out);
        return out;
    }

    public static Configuration config() {
        Configuration c = new Configuration()
            .set(Configuration.Option.PORT, "0")
            .set(Configuration.Option.HOST, "127.0.0.1")
            .set(Configuration.Option.DEMO, "false")
            .set(Configuration.Option.RATE_LIMIT, "0")
            .set(Configuration.Option.RING_SIZE, "1024")
            .set(Configuration.Option.IO_THREADS, "2")
            .adminToken(ADMIN)
            .userTokenSecret(SECRET)
            .codeKey(CODE_KEY);
        return c;
    }

    /**
     * A gateway in front of the cluster {@code members} ({@code host:port,...}), its client's media
     * driver in {@code aeronDir}: what {@code scripts/run --engine cluster} runs, without a data directory.
     */
    public static Configuration clusterConfig(String members, Path aeronDir) {
        return new Configuration()
            .set(Configuration.Option.PORT, "0")
            .set(Configuration.Option.HOST, "127.0.0.1")
            .set(Configuration.Option.RATE_LIMIT, "0")
            .set(Configuration.Option.IO_THREADS, "2")
            .set(Configuration.Option.ENGINE, "cluster")
            .set(Configuration.Option.CLUSTER_MEMBERS, members)
            .set(Configuration.Option.CLUSTER_AERON_DIR, aeronDir.toString())
            .adminToken(ADMIN)
            .userTokenSecret(SECRET);
    }

    /** The HTTP server of a gateway in front of a cluster, started; {@link #joinCluster} makes it ready. */
    public static TestGateway inFrontOfCluster(Configuration c) {
        c.conclude();
        try {
            return new TestGateway(new Gateway(c), null, false);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects to the cluster and loads what the gateway keeps of its state; ready when it returns. */
    public void joinCluster() throws InterruptedException {
        gateway.startCluster();
    }

    public static TestGateway start() {
        return start(c -> {
        });
    }

    public static TestGateway start(Consumer<Configuration> tweak) {
        return start(tweak, new MemoryStorage(), true);
    }

    public static TestGateway start(Consumer<Configuration> tweak, MemoryStorage storage, boolean ready) {
        return start(tweak, c -> storage, ready);
    }

    /** A gateway over the storage the factory makes from the concluded configuration (e.g. Chronicle). */
    public static TestGateway start(Consumer<Configuration> tweak, java.util.function.Function<Configuration, EngineStorage> storage,
                             boolean ready) {
        Configuration c = config();
        tweak.accept(c);
        c.conclude();
        try {
            return new TestGateway(new Gateway(c), storage.apply(c), ready);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestGateway(Gateway gateway, EngineStorage storage, boolean ready) throws InterruptedException {
        this.gateway = gateway;
        this.engineStorage = storage;
        this.storage = storage instanceof MemoryStorage m ? m : null;
        this.port = gateway.startServer().getPort();
        this.base = URI.create("http://127.0.0.1:" + port);
        if (ready) {
            makeReady();
        }
    }

    public void makeReady() {
        gateway.startEngine(engineStorage.recover(), engineStorage);
    }

    public String token(String user) {
        return gateway.userTokens().mint(user, Instant.now().getEpochSecond() + 3600);
    }

    /** Logs in to the dashboard with the admin token; returns the {@code Cookie} header value. */
    public String dashboardLogin() {
        Res r = send("POST", "/dashboard/login", "{\"token\":\"" + ADMIN + "\"}", "Content-Type", "application/json");
        assertEquals(200, r.status(), r.body());
        String setCookie = r.header("Set-Cookie");
        assertTrue(setCookie != null, "login sets a cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** The CSRF token the dashboard page carries for the session in {@code cookie}. */
    public String dashboardCsrf(String cookie) {
        Res page = send("GET", "/dashboard", null, "Cookie", cookie);
        Matcher m = CSRF.matcher(page.body());
        assertTrue(m.find(), "the page carries its CSRF token: " + page.body());
        return m.group(1);
    }

    public Res send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Res claim(String user, String key, String json) {
        return send("POST", "/v1/claims", json, "Authorization", "Bearer " + token(user), "Idempotency-Key", key,
            "Content-Type", "application/json");
    }

    public Res claim(String user, String key, String campaign, String sku) {
        return claim(user, key, "{\"campaignId\":\"" + campaign + "\",\"skuId\":\"" + sku + "\"}");
    }

    public Res redeem(String bearer, String key, String json) {
        return send("POST", "/v1/redemptions", json, "Authorization", "Bearer " + bearer, "Idempotency-Key", key,
            "Content-Type", "application/json");
    }

    public Res admin(String method, String path, String json) {
        if (json == null) {
            return send(method, path, null, "Authorization", "Bearer " + ADMIN);
        }
        return send(method, path, json, "Authorization", "Bearer " + ADMIN, "Content-Type", "application/json");
    }

    public Res upload(String campaign, String sku, String text) {
        return send("POST", "/admin/campaigns/" + campaign + "/skus/" + sku + "/codes", text,
            "Authorization", "Bearer " + ADMIN, "Content-Type", "text/plain");
    }

    public Res get(String path, String bearer) {
        return send("GET", path, null, "Authorization", "Bearer " + bearer);
    }

    /** Polls the owner's view of an order until it has {@code status} (the sweeper runs every 250 ms); fails after 10 s. */
    public void awaitOrderStatus(String user, String orderId, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!status.equals(get("/v1/orders/" + orderId, token(user)).at("status"))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("order " + orderId + " never became " + status);
            }
            Thread.sleep(50);
        }
    }

    /** A campaign with one CODE SKU ("card") holding {@code codes} codes, per-user limit 1. */
    public void codeCampaign(String id, int codes) {
        Res r = admin("PUT", "/admin/campaigns/" + id, "{\"name\":\"" + id + "\",\"perUserLimit\":1,"
            + "\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
        if (r.status() != 200) {
            throw new AssertionError(r.body());
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < codes; i++) {
            b.append(id).append("-CODE-").append(i).append('\n');
        }
        Res u = upload(id, "card", b.toString());
        if (u.status() != 200) {
            throw new AssertionError(u.body());
        }
    }

    @Override
    public void close() {
        gateway.shutdown();
        if (engineStorage != null) {
            engineStorage.close();
        }
    }
}
