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
 * an idle window as a share of one core, then one claim on a new connection, timed from connect
 * to the last byte of the answer, then a second claim on the same connection for comparison.
 * A blocking socket on this thread, so no client-side thread has to wake first.
 */
final class IdleProbe {
    /**
     * @param idleSeconds     the measured idle window
     * @param idleCpuPercent  server CPU over the window, percent of one core (-1 when unknown)
     * @param connectUs       the first claim's TCP connect
     * @param firstClaimUs    the first claim after the window: connect, request and whole answer
     * @param firstStatus     its HTTP status
     * @param nextClaimUs     a second claim right after, same connection
     */
    record Result(double idleSeconds, double idleCpuPercent, double connectUs, double firstClaimUs, int firstStatus,
                  double nextClaimUs) {
        String json(String durability, double settleSeconds) {
            return String.format(Locale.ROOT, "{\"durability\": \"%s\", \"settleSeconds\": %.1f, \"idleSeconds\": %.1f, "
                    + "\"idleCpuPercent\": %.3f, \"connectUs\": %.1f, \"firstClaimUs\": %.1f, \"firstStatus\": %d, "
                    + "\"nextClaimUs\": %.1f}", durability, settleSeconds, idleSeconds, idleCpuPercent, connectUs,
                firstClaimUs, firstStatus, nextClaimUs);
        }
    }

    private IdleProbe() {
    }

    /** Sleeps {@code seconds} measuring {@code pid}'s CPU, then sends the two claims as {@code bearer}. */
    static Result run(long pid, InetSocketAddress server, String bearer, double seconds) throws Exception {
        exchange(server, bearer, "idle-warm-"); // loads and warms this client's own code, before the window
        long cpu0 = CpuTime.ofProcess(pid);
        long t0 = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
        long cpu = CpuTime.since(pid, cpu0);
        long wall = System.nanoTime() - t0;
        double percent = cpu < 0 ? -1 : 100.0 * cpu / wall;
        long[] t = exchange(server, bearer, "idle-");
        return new Result(wall / 1e9, percent, (t[1] - t[0]) / 1e3, (t[2] - t[0]) / 1e3, (int) t[4],
            (t[3] - t[2]) / 1e3);
    }

    /** Connect, claim, claim: the four nanoTime stamps (start, connected, first, second) and the first status. */
    private static long[] exchange(InetSocketAddress server, String bearer, String keyPrefix) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            long c0 = System.nanoTime();
            s.connect(server, 5000);
            long connected = System.nanoTime();
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            int status = claim(out, in, bearer, keyPrefix + "first-" + c0);
            long first = System.nanoTime();
            claim(out, in, bearer, keyPrefix + "next-" + c0);
            return new long[] {c0, connected, first, System.nanoTime(), status};
        }
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
