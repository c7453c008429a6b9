package dev.surge.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * Test helper: a tiny HTTP receiver standing in for Surge's {@code POST /v1/payments/notify}
 * (the JDK's own server, on loopback). It records every request and answers from a script: the
 * statuses queued with {@link #answer}, then {@link #otherwise}.
 */
final class NotifyReceiver implements AutoCloseable {
    /** One notification as received; {@code at} is the wall clock when it arrived. */
    record Received(String provider, String signature, String contentType, byte[] raw, long at) {
        String body() {
            return new String(raw, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final BlockingQueue<Integer> script = new LinkedBlockingQueue<>();
    private volatile int otherwise = 200;

    NotifyReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v1/payments/notify", ex -> {
            long at = System.currentTimeMillis();
            byte[] raw;
            try (InputStream in = ex.getRequestBody()) {
                raw = in.readAllBytes();
            }
            synchronized (received) {
                received.add(new Received(ex.getRequestHeaders().getFirst("X-Surge-Provider"),
                    ex.getRequestHeaders().getFirst("X-Surge-Signature"),
                    ex.getRequestHeaders().getFirst("Content-Type"), raw, at));
            }
            Integer queued = script.poll();
            int status = queued != null ? queued : otherwise;
            String answer = status / 100 == 2 ? "{\"result\":\"OK\",\"status\":\"PAID\",\"replayed\":false}"
                : "{\"error\":{\"code\":\"SIMULATED_" + status + "\",\"message\":\"scripted\",\"field\":null}}";
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    /** The next answers, in order. */
    NotifyReceiver answer(int... statuses) {
        for (int s : statuses) {
            script.add(s);
        }
        return this;
    }

    /** The answer once the script is used up. */
    NotifyReceiver otherwise(int status) {
        otherwise = status;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/payments/notify";
    }

    List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /** Those whose body names this order. */
    List<Received> of(String orderId) {
        List<Received> out = new ArrayList<>();
        for (Received r : received()) {
            if (r.body().contains("\"orderId\":\"" + orderId + "\"")) {
                out.add(r);
            }
        }
        return out;
    }

    /** Waits up to 15 s (a generous bound: loopback answers in milliseconds) for {@code condition}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
