package dev.surge.bench.loadgen;

import dev.surge.bench.FlashSale;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What an idle server costs, and how fast it wakes: its CPU (user + system, /proc/PID/stat) over
 * an idle window as a share of one core; then the first claim after the window, on a keep-alive
 * connection opened (and used once) before it, timed from the request's first byte to the
 * answer's last; a second claim on it for comparison; then a claim on a new connection, connect
 * included; then, a few times, a shorter idle window and the first claim after it on the kept
 * connection (one sample of a wake-up is not a figure: the JIT's recompiles after an idle window
 * vary from run to run). Blocking sockets on this thread, so no client-side thread has to wake first, and the
 * client's own code has run once before the window.
 */
final class IdleProbe {
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
     */
    record Result(double idleSeconds, double idleCpuPercent, double firstClaimUs, int firstStatus, double nextClaimUs,
                  double connectUs, double newConnectionClaimUs, double againSeconds, double[] againClaimUs) {
        String json(String durability, double settleSeconds) {
            StringBuilder again = new StringBuilder();
            for (double us : againClaimUs) {
                again.append(again.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", us));
            }
            return String.format(Locale.ROOT, "{\"durability\": \"%s\", \"settleSeconds\": %.1f, \"idleSeconds\": %.1f, "
                    + "\"idleCpuPercent\": %.3f, \"firstClaimUs\": %.1f, \"firstStatus\": %d, \"nextClaimUs\": %.1f, "
                    + "\"connectUs\": %.1f, \"newConnectionClaimUs\": %.1f, \"againSeconds\": %.1f, "
                    + "\"againClaimUs\": [%s]}", durability, settleSeconds, idleSeconds,
                idleCpuPercent, firstClaimUs, firstStatus, nextClaimUs, connectUs, newConnectionClaimUs, againSeconds,
                again);
        }
    }

    private IdleProbe() {
    }

    /**
     * Sleeps {@code seconds} measuring {@code pid}'s CPU, then sends the claims as {@code bearer};
     * then {@code again} times sleeps {@code againSeconds} and times one claim.
     */
    static Result run(long pid, InetSocketAddress server, String bearer, double seconds, double againSeconds, int again)
        throws Exception {
        try (Socket kept = connect(server)) {
            OutputStream out = kept.getOutputStream();
            InputStream in = new BufferedInputStream(kept.getInputStream());
            long id = System.nanoTime();
            claim(out, in, bearer, "idle-warm-" + id); // the connection is open and this client's code has run
            long cpu0 = CpuTime.ofProcess(pid);
            long t0 = System.nanoTime();
            TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
            long cpu = CpuTime.since(pid, cpu0);
            long wall = System.nanoTime() - t0;
            double percent = cpu < 0 ? -1 : 100.0 * cpu / wall;
            long f0 = System.nanoTime();
            int status = claim(out, in, bearer, "idle-first-" + id);
            long f1 = System.nanoTime();
            claim(out, in, bearer, "idle-next-" + id);
            long f2 = System.nanoTime();
            long connected;
            long n1;
            try (Socket fresh = connect(server)) {
                connected = System.nanoTime();
                claim(fresh.getOutputStream(), new BufferedInputStream(fresh.getInputStream()), bearer, "idle-new-" + id);
                n1 = System.nanoTime();
            }
            double[] againUs = new double[again];
            for (int i = 0; i < again; i++) {
                TimeUnit.NANOSECONDS.sleep((long) (againSeconds * 1e9));
                long a0 = System.nanoTime();
                claim(out, in, bearer, "idle-again-" + i + "-" + id);
                againUs[i] = (System.nanoTime() - a0) / 1e3;
            }
            return new Result(wall / 1e9, percent, (f1 - f0) / 1e3, status, (f2 - f1) / 1e3, (connected - f2) / 1e3,
                (n1 - f2) / 1e3, againSeconds, againUs);
        }
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
