package dev.surge.bench.loadgen;

import dev.surge.bench.FlashSale;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an idle server costs, and how fast it wakes: its CPU (user + system, /proc/PID/stat) over
 * an idle window as a share of one core; then the first claim after the window, on a keep-alive
 * connection opened (and warmed) before it, timed from the request's first byte to the
 * answer's last; a second claim on it for comparison; then a claim on a new connection, connect
 * included; then, a few times, a shorter idle window and the first claim after it on the kept
 * connection (one sample of a wake-up is not a figure). Before the first window the probe sends
 * {@value #WARM_ROUNDS} repeats of one claim (answered as replays), so that its own code is
 * compiled: run once, it was interpreted, and reading an answer byte by byte in the interpreter
 * took milliseconds of the figure. Each first claim is also read on the server's own clock: its
 * claim histogram ({@code /metrics}) read before the window and after the claim, so the
 * difference is that one claim's bucket. Blocking sockets on this thread, so no client-side
 * thread has to wake first.
 */
final class IdleProbe {
    /** Rounds before the first window of each kind: claims answered as replays, or the floor's pings. */
    static final int WARM_ROUNDS = 3000;

    /**
     * @param idleSeconds          the measured idle window
     * @param idleCpuPercent       server CPU over the window, percent of one core (-1 when unknown)
     * @param firstClaimUs         the first claim after the window (keep-alive connection): request and whole answer
     * @param firstStatus          its HTTP status
     * @param nextClaimUs          a second claim right after it, same connection
     * @param connectUs            then a new connection's TCP connect
     * @param newConnectionClaimUs and its first claim, connect included
     * @param againSeconds         the shorter idle windows after that
     * @param againClaimUs         the first claim after each of them, kept connection
     * @param firstServerUs        the bucket of the server's own clock that holds the first claim (its upper
     *                             bound in microseconds; NaN when unknown)
     * @param againServerUs        the same for each of the shorter windows' claims
     * @param floorUs              the machine's own floor: after as many windows of the same length, one
     *                             byte there and back between two threads of this probe over loopback
     */
    record Result(double idleSeconds, double idleCpuPercent, double firstClaimUs, int firstStatus, double nextClaimUs,
                  double connectUs, double newConnectionClaimUs, double againSeconds, double[] againClaimUs,
                  double firstServerUs, double[] againServerUs, double[] floorUs) {
        String json(String durability, double settleSeconds) {
            return String.format(Locale.ROOT, "{\"durability\": \"%s\", \"settleSeconds\": %.1f, \"idleSeconds\": %.1f, "
                    + "\"idleCpuPercent\": %.3f, \"firstClaimUs\": %.1f, \"firstStatus\": %d, \"nextClaimUs\": %.1f, "
                    + "\"connectUs\": %.1f, \"newConnectionClaimUs\": %.1f, \"againSeconds\": %.1f, "
                    + "\"againClaimUs\": [%s], \"firstServerUs\": %.1f, \"againServerUs\": [%s], \"floorUs\": [%s]}",
                durability, settleSeconds, idleSeconds, idleCpuPercent, firstClaimUs, firstStatus, nextClaimUs, connectUs,
                newConnectionClaimUs, againSeconds, list(againClaimUs), known(firstServerUs), list(againServerUs),
                list(floorUs));
        }

        private static String list(double[] values) {
            StringBuilder b = new StringBuilder();
            for (double v : values) {
                b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", known(v)));
            }
            return b.toString();
        }

        private static double known(double v) {
            return Double.isNaN(v) ? -1 : v;
        }
    }

    private IdleProbe() {
    }

    /**
     * Sleeps {@code seconds} measuring {@code pid}'s CPU, then sends the claims as {@code bearer};
     * then {@code again} times sleeps {@code againSeconds} and times one claim. The server's clock
     * is read through {@code /metrics} with {@code adminToken}.
     */
    static Result run(long pid, InetSocketAddress server, String bearer, String adminToken, double seconds,
                      double againSeconds, int again) throws Exception {
        ServerLatency clock = new ServerLatency(server, adminToken);
        try (Socket kept = connect(server)) {
            OutputStream out = kept.getOutputStream();
            InputStream in = new BufferedInputStream(kept.getInputStream());
            long id = System.nanoTime();
            // every key made before its claim is timed: a concatenation's first run links its call
            // site (StringConcatFactory), milliseconds that are the probe's, not the server's
            String firstKey = "idle-first-" + id;
            String nextKey = "idle-next-" + id;
            String newKey = "idle-new-" + id;
            for (int i = 0; i < WARM_ROUNDS; i++) {
                claim(out, in, bearer, "idle-warm-" + id); // replays: the connection is open, this code compiled
            }
            Map<Double, Long> before = clock.read();
            long cpu0 = CpuTime.ofProcess(pid);
            long t0 = System.nanoTime();
            TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
            long cpu = CpuTime.since(pid, cpu0);
            long wall = System.nanoTime() - t0;
            double percent = cpu < 0 ? -1 : 100.0 * cpu / wall;
            long f0 = System.nanoTime();
            int status = claim(out, in, bearer, firstKey);
            long f1 = System.nanoTime();
            double firstServer = oneClaim(before, clock.read());
            long n0 = System.nanoTime(); // after the read of /metrics, which is no part of the next claim
            claim(out, in, bearer, nextKey);
            long f2 = System.nanoTime();
            long connected;
            long n1;
            try (Socket fresh = connect(server)) {
                connected = System.nanoTime();
                claim(fresh.getOutputStream(), new BufferedInputStream(fresh.getInputStream()), bearer, newKey);
                n1 = System.nanoTime();
            }
            double[] againUs = new double[again];
            double[] againServer = new double[again];
            for (int i = 0; i < again; i++) {
                Map<Double, Long> b = clock.read();
                String key = "idle-again-" + i + "-" + id;
                TimeUnit.NANOSECONDS.sleep((long) (againSeconds * 1e9));
                long a0 = System.nanoTime();
                claim(out, in, bearer, key);
                againUs[i] = (System.nanoTime() - a0) / 1e3;
                againServer[i] = oneClaim(b, clock.read());
            }
            return new Result(wall / 1e9, percent, (f1 - f0) / 1e3, status, (f2 - n0) / 1e3, (connected - f2) / 1e3,
                (n1 - f2) / 1e3, againSeconds, againUs, firstServer, againServer, floor(againSeconds, again));
        }
    }

    /**
     * What any exchange costs on this machine after an idle window, with no server of Surge's in it:
     * {@code windows} times, sleep {@code seconds}, then one byte to an echo thread of this probe
     * over loopback and back. A VM whose idle cores take long to wake puts that into every first
     * request, whoever serves it.
     */
    static double[] floor(double seconds, int windows) throws IOException, InterruptedException {
        double[] us = new double[windows];
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    for (int b = in.read(); b >= 0; b = in.read()) {
                        out.write(b);
                    }
                } catch (IOException e) {
                    // the probe closed its end
                }
            }, "idle-probe-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket s = connect((InetSocketAddress) listener.getLocalSocketAddress())) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < WARM_ROUNDS; i++) {
                    pingPong(out, in);
                }
                for (int i = 0; i < windows; i++) {
                    TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
                    long t0 = System.nanoTime();
                    pingPong(out, in);
                    us[i] = (System.nanoTime() - t0) / 1e3;
                }
            }
            echo.join(5000);
        }
        return us;
    }

    private static void pingPong(OutputStream out, InputStream in) throws IOException {
        out.write(1);
        out.flush();
        if (in.read() < 0) {
            throw new IOException("the echo thread closed the connection");
        }
    }

    /** The upper bound (µs) of the server's bucket holding the one claim between two reads; NaN when unknown. */
    static double oneClaim(Map<Double, Long> before, Map<Double, Long> after) {
        return ServerLatency.Window.of(before, after, 0.001, 100).percentileUpToUs();
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(server, 5000);
        return s;
    }

    /** One claim, its whole answer read from {@code in} (buffered); returns the status. */
    static int claim(OutputStream out, InputStream in, String bearer, String key) throws IOException {
        String body = "{\"campaignId\":\"" + FlashSale.CAMPAIGN + "\",\"skuId\":\"" + FlashSale.CODE_SKU + "\"}";
        String request = "POST /v1/claims HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + bearer
            + "\r\nIdempotency-Key: " + key + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
            + "\r\n\r\n" + body;
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readAnswer(in);
    }

    /** Reads one HTTP/1.1 answer with a Content-Length; returns its status. */
    static int readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the answer's head: " + head);
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int status = Integer.parseInt(text.substring(9, 12));
        long length = 0;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        for (long i = 0; i < length; i++) {
            if (in.read() < 0) {
                throw new IOException("connection closed in the answer's body");
            }
        }
        return status;
    }
}
