package dev.surge.bench;

import dev.surge.gateway.EngineStorage;
import dev.surge.gateway.Gateway;
import dev.surge.gateway.Storages;
import dev.surge.gateway.config.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One HTTP claim round trip against the real gateway in this JVM (Chronicle journal in a temporary
 * directory, process durability, 127.0.0.1, any free port): a keep-alive {@code POST /v1/claims}
 * written from pre-built bytes over a raw socket (distinct users' JWTs, a fresh Idempotency-Key
 * each time), its response read and checked for 200. Campaign "bench", one CODE SKU "card" with
 * {@link #codes} codes and a per-user limit no run reaches, so every claim is granted.
 *
 * <p>With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per claim by the
 * whole JVM, client included. {@link #main} separates the server: it sums
 * {@code ThreadMXBean.getThreadAllocatedBytes} over every thread but the client's, before and after
 * N claims, and prints bytes per claim by thread:
 * <pre>java $(scripts/lib/jvm-args.sh) -cp bench/target/benchmarks.jar dev.surge.bench.HttpClaimBenchmark \
 *     [claims=200000] [warmup=200000]</pre>
 * Add {@code -XX:StartFlightRecording=filename=claims.jfr,settings=profile} and read the
 * allocators with {@code jfr print --events jdk.ObjectAllocationSample claims.jfr}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HttpClaimBenchmark {
    private static final String ADMIN = "bench-admin-token-0123456789";
    private static final String USER_SECRET = "bench-user-secret-0123456789abcdef-0123456789";
    private static final String CODE_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final int USERS = 4096;
    private static final int KEY_DIGITS = 16;

    /** Card codes loaded: more than a run claims. */
    @Param({"1000000"})
    public long codes;

    private Path data;
    private Gateway gateway;
    private EngineStorage storage;
    private Client client;

    @Setup(Level.Trial)
    public void start() throws Exception {
        data = Files.createTempDirectory("surge-http-claim-bench");
        Configuration config = new Configuration()
            .set(Configuration.Option.PORT, "0")
            .set(Configuration.Option.HOST, "127.0.0.1")
            .set(Configuration.Option.DEMO, "false")
            .set(Configuration.Option.DATA_DIR, data.toString())
            .set(Configuration.Option.RATE_LIMIT, "0")
            // sized for the run, as an operator sizes a server for its sale: no table grows mid-run
            .set(Configuration.Option.EXPECTED_USERS, Long.toString(Math.min(codes, 100_000_000)))
            .adminToken(ADMIN).userTokenSecret(USER_SECRET).codeKey(CODE_KEY).conclude();
        gateway = new Gateway(config);
        InetSocketAddress address = gateway.startServer();
        storage = Storages.open(config);
        gateway.startEngine(storage.recover().reserve(config.expectedUsers()), storage);
        campaign(address.getPort(), codes);
        client = new Client(address.getPort(), gateway);
    }

    /** Campaign "bench": one CODE SKU "card" holding {@code codes} codes, a per-user limit no run reaches. */
    private static void campaign(int port, long codes) throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port + "/admin/campaigns/" + FlashSale.CAMPAIGN;
        java.net.http.HttpResponse<String> put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base))
            .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\",\"perUserLimit\":"
                + Integer.MAX_VALUE + ",\"skus\":[{\"id\":\"" + FlashSale.CODE_SKU + "\",\"kind\":\"CODE\"}]}"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        java.net.http.HttpResponse<String> upload = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/skus/" + FlashSale.CODE_SKU + "/codes"))
            .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "text/plain")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new Codes(codes)))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200 || upload.statusCode() != 200) {
            throw new IOException("campaign set-up failed: " + put.body() + " " + upload.body());
        }
    }

    /** {@code count} distinct codes, one a line, made as they are read. */
    private static final class Codes extends InputStream {
        private final long count;
        private byte[] line = new byte[0];
        private int pos;
        private long next;

        Codes(long count) {
            this.count = count;
        }

        @Override
        public int read() {
            if (pos == line.length) {
                if (next == count) {
                    return -1;
                }
                line = ("HTTP-BENCH-" + next++ + "\n").getBytes(StandardCharsets.US_ASCII);
                pos = 0;
            }
            return line[pos++];
        }
    }

    @Benchmark
    public int claim() throws IOException {
        return client.claim();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        gateway.shutdown();
        storage.close();
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * One keep-alive connection: per user a pre-built request whose Idempotency-Key digits are
     * rewritten in place, and a response reader that allocates nothing. Not thread-safe.
     */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[][] requests = new byte[USERS][];
        private final int[] keyAt = new int[USERS];
        private final byte[] buf = new byte[64 * 1024];
        private long sent;

        Client(int port, Gateway gateway) throws IOException {
            long exp = Instant.now().getEpochSecond() + 24 * 3600;
            byte[] body = ("{\"campaignId\":\"" + FlashSale.CAMPAIGN + "\",\"skuId\":\"" + FlashSale.CODE_SKU + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
            for (int u = 0; u < USERS; u++) {
                String head = "POST /v1/claims HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + gateway.userTokens().mint("bench-user-" + u, exp) + "\r\n"
                    + "Content-Length: " + body.length + "\r\nIdempotency-Key: k-";
                keyAt[u] = head.length();
                String tail = "0".repeat(KEY_DIGITS) + "\r\n\r\n";
                byte[] r = new byte[head.length() + tail.length() + body.length];
                System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, r, 0, head.length());
                System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, r, head.length(), tail.length());
                System.arraycopy(body, 0, r, head.length() + tail.length(), body.length);
                requests[u] = r;
            }
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        /** Sends one claim and reads its response; returns the status (throws unless 200). */
        int claim() throws IOException {
            long n = sent++;
            int u = (int) (n % USERS);
            byte[] r = requests[u];
            long k = n;
            for (int i = keyAt[u] + KEY_DIGITS - 1; i >= keyAt[u]; i--) {
                r[i] = (byte) ('0' + (int) (k % 10));
                k /= 10;
            }
            out.write(r);
            return readResponse();
        }

        private int readResponse() throws IOException {
            int have = 0;
            int headEnd = -1;
            while (headEnd < 0) {
                int got = in.read(buf, have, buf.length - have);
                if (got < 0) {
                    throw new IOException("connection closed");
                }
                have += got;
                headEnd = indexOfBlankLine(have);
            }
            int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
            int total = headEnd + contentLength(headEnd);
            while (have < total) {
                int got = in.read(buf, have, total - have);
                if (got < 0) {
                    throw new IOException("connection closed");
                }
                have += got;
            }
            if (status != 200 || have != total) {
                throw new IOException("unexpected answer: "
                    + new String(buf, 0, have, StandardCharsets.ISO_8859_1));
            }
            return status;
        }

        private int indexOfBlankLine(int have) {
            for (int i = 3; i < have; i++) {
                if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private int contentLength(int headEnd) {
            byte[] name = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + name.length < headEnd; i++) {
                for (int j = 0; j < name.length; j++) {
                    if (Character.toLowerCase(buf[i + j]) != name[j]) {
                        continue outer;
                    }
                }
                int v = 0;
                for (int p = i + name.length; p < headEnd && buf[p] != '\r'; p++) {
                    if (buf[p] >= '0' && buf[p] <= '9') {
                        v = v * 10 + buf[p] - '0';
                    }
                }
                return v;
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Bytes allocated per claim by the server's threads alone (every thread but this one), by thread. */
    public static void main(String[] args) throws Exception {
        int claims = arg(args, "claims", 200_000);
        int warmup = arg(args, "warmup", 200_000);
        HttpClaimBenchmark b = new HttpClaimBenchmark();
        b.codes = claims + warmup + 1000L;
        b.start();
        try {
            for (int i = 0; i < warmup; i++) {
                b.claim();
            }
            Map<String, Long> before = allocatedByThread();
            long t0 = System.nanoTime();
            for (int i = 0; i < claims; i++) {
                b.claim();
            }
            long t1 = System.nanoTime();
            Map<String, Long> after = allocatedByThread();
            long total = 0;
            System.out.printf(Locale.ROOT, "%d claims after %d warm-up claims, %.1f us per round trip%n", claims,
                warmup, (t1 - t0) / 1e3 / claims);
            for (Map.Entry<String, Long> e : after.entrySet()) {
                long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                total += d;
                if (d > claims / 10) {
                    System.out.printf(Locale.ROOT, "  %-24s %8.1f B/claim%n", e.getKey(), (double) d / claims);
                }
            }
            System.out.printf(Locale.ROOT, "server threads total     %8.1f B/claim%n", (double) total / claims);
        } finally {
            b.stop();
        }
        System.exit(0);
    }

    /** Bytes allocated so far by each live thread but the caller, summed by name (digits dropped). */
    private static Map<String, Long> allocatedByThread() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = mx.getThreadInfo(ids);
        Map<String, Long> byName = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != self && infos[i] != null && bytes[i] > 0) {
                byName.merge(infos[i].getThreadName().replaceAll("[0-9]+", "#"), bytes[i], Long::sum);
            }
        }
        return byName;
    }

    private static int arg(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }
}
