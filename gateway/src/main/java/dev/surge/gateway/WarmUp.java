package dev.surge.gateway;

import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code --warm-up-claims}: before the API takes requests, this many claims go over loopback to a
 * scratch engine, so that a sale opening at full rate meets code the JIT has compiled rather than
 * the interpreter. The scratch is a whole second gateway of the same configuration (transport,
 * durability, threads: the code a claim runs here) over a temporary directory with its own
 * journal, a code campaign of its own and users of its own; it is stopped and its directory deleted
 * before this server recovers, so nothing of it reaches this server's state or journal. Compiled
 * code belongs to the classes, not to the instance, so the real server's first claims run it.
 *
 * <p>Measured (docs/benchmarks.md, "A sale on a cold server"): at 20,000 claims/s from the first
 * second, the server's own clock had 84% of a cold server's claims of the first 5 s within 1 ms,
 * and 95-98% after a warm-up of 200,000 claims (5-7 s on two cores).
 */
final class WarmUp {
    static final String CAMPAIGN = "warm-up";
    static final String SKU = "card";
    private static final int CONNECTIONS = 4;
    /** Requests written before their answers are read, per connection: well under --max-pipelined. */
    private static final int PIPELINE = 8;

    /** What a warm-up did: claims answered, of them granted, how long it took, where its scratch was. */
    record Result(long claims, long granted, long millis, Path scratch) {
    }

    private WarmUp() {
    }

    /** Runs {@code claims} claims through a scratch engine configured as {@code config}; blocks until done. */
    static Result run(Configuration config, int claims) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory("surge-warm-up");
        // a stop signal during the warm-up exits the process from under it: the scratch goes too
        Thread cleanup = new Thread(() -> deleteQuietly(dir), "surge-warm-up-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Configuration scratch = config.forWarmUp(dir, claims);
            Gateway gateway = new Gateway(scratch);
            EngineStorage storage = null;
            try {
                InetSocketAddress address = gateway.startServer();
                storage = Storages.open(scratch);
                gateway.startEngine(storage.recover().reserve(claims), storage);
                setUp(address, scratch.adminToken(), claims);
                long granted = claim(address, new UserTokens(scratch.userTokenSecret(), Json.FACTORY), claims);
                return new Result(claims, granted, (System.nanoTime() - start) / 1_000_000, dir);
            } finally {
                gateway.shutdown(); // the ring closes the scratch journal
                if (storage != null) {
                    storage.close();
                }
            }
        } finally {
            delete(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the process is stopping: the hook runs, and finds the directory gone
            }
        }
    }

    /** A code campaign with a code for every claim, through the admin API (its code warms too). */
    private static void setUp(InetSocketAddress address, String adminToken, int claims)
        throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + address.getPort() + "/admin/campaigns/" + CAMPAIGN;
        send(http, HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + adminToken)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"warm-up\",\"perUserLimit\":1,"
                + "\"skus\":[{\"id\":\"" + SKU + "\",\"kind\":\"CODE\"}]}")));
        StringBuilder codes = new StringBuilder(claims * 16);
        for (int i = 0; i < claims; i++) {
            codes.append("WARM-UP-").append(i).append('\n');
        }
        send(http, HttpRequest.newBuilder(URI.create(base + "/skus/" + SKU + "/codes"))
            .header("Content-Type", "text/plain").header("Authorization", "Bearer " + adminToken)
            .POST(HttpRequest.BodyPublishers.ofString(codes.toString())));
    }

    private static void send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofMinutes(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("warm-up set-up: " + r.statusCode() + " " + r.body());
        }
    }

    /** The claims, user i claiming once, over a few keep-alive connections at once; returns the grants. */
    private static long claim(InetSocketAddress address, UserTokens tokens, int claims) throws InterruptedException {
        long exp = System.currentTimeMillis() / 1000 + 3600;
        AtomicLong granted = new AtomicLong();
        Thread[] threads = new Thread[CONNECTIONS];
        IOException[] failed = new IOException[1];
        for (int t = 0; t < CONNECTIONS; t++) {
            int first = t;
            threads[t] = new Thread(() -> {
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    ByteArrayOutputStream batch = new ByteArrayOutputStream();
                    for (int i = first; i < claims; i += CONNECTIONS * PIPELINE) {
                        batch.reset();
                        int n = 0;
                        for (int u = i; u < claims && n < PIPELINE; u += CONNECTIONS, n++) {
                            batch.writeBytes(request(tokens.mint("warm-up-" + u, exp), u));
                        }
                        batch.writeTo(out);
                        for (int k = 0; k < n; k++) {
                            if (answer(in).contains("\"GRANTED\"")) {
                                granted.incrementAndGet();
                            }
                        }
                    }
                } catch (IOException e) {
                    synchronized (failed) {
                        failed[0] = e;
                    }
                }
            }, "surge-warm-up-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failed[0] != null) {
            throw new IllegalStateException("warm-up claims failed: " + failed[0].getMessage(), failed[0]);
        }
        return granted.get();
    }

    private static byte[] request(String token, int user) {
        String body = "{\"campaignId\":\"" + CAMPAIGN + "\",\"skuId\":\"" + SKU + "\"}";
        return ("POST /v1/claims HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer "
            + token + "\r\nIdempotency-Key: warm-up-" + user + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** One HTTP/1.1 answer with a Content-Length; its body. */
    private static String answer(InputStream in) throws IOException {
        int length = -1;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the scratch server closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** At exit, while the scratch may still be writing: a few tries, then whatever is left stays. */
    private static void deleteQuietly(Path dir) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                delete(dir);
                return;
            } catch (IOException | RuntimeException e) {
                // a file appeared meanwhile: once more
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
