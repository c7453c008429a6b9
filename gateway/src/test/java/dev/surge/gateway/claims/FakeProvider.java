package dev.surge.gateway.claims;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.surge.delivery.Signature;
import dev.surge.testkit.JsonTree;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A payment provider's refund API for tests (docs/refunds.md): {@code POST /{name}/refunds} and
 * {@code GET /{name}/refunds/{refundId}}, both checked against {@code X-Surge-Signature} (a
 * request with a bad one is counted and answered 401), deduplicating by {@code Idempotency-Key},
 * which must equal the body's refund id. Its next answers to sends and queries are scripted; with
 * no script it refunds (200, or 409 for a refund id it has) and answers queries from its ledger
 * (404 for one it never saw). {@link #refunds} counts how often each refund was actually paid
 * back: exactly-once is judged against it.
 */
final class FakeProvider implements AutoCloseable {
    /** A scripted answer to the next send. */
    enum Send {
        /** Refund it and answer 200. */
        OK,
        /** 503, nothing done. */
        UNAVAILABLE,
        /** 422, nothing done. */
        REJECT,
        /** Refund it, then never answer (Surge's timeout passes first). */
        TIMEOUT_APPLIED,
        /** Never answer and do nothing. */
        TIMEOUT_LOST
    }

    private final String secret;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final ConcurrentLinkedQueue<Send> sends = new ConcurrentLinkedQueue<>();
    /** While set, every send is answered 503 (the script waits). */
    volatile boolean down;
    /** While set, no query is answered. */
    volatile boolean mute;
    /** Scripted answers to the next queries: a status ("PENDING", ...), answered 200. */
    final ConcurrentLinkedQueue<String> queryAnswers = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> refunds = new ConcurrentHashMap<>();
    final List<Map<String, Object>> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger posts = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger badKeys = new AtomicInteger();

    FakeProvider(String secret) {
        this.secret = secret;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads); // a silent answer holds one thread, never the others
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to configure for provider {@code name}. */
    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
    }

    int refunded(String refundId) {
        AtomicInteger n = refunds.get(refundId);
        return n == null ? 0 : n.get();
    }

    int refundedInAll() {
        return refunds.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String path = x.getRequestURI().getPath();
            String signature = x.getRequestHeaders().getFirst(Signature.HEADER);
            int at = path.indexOf("/refunds");
            if (at < 0) {
                answer(x, 404, "{}");
            } else if (x.getRequestMethod().equals("POST") && path.endsWith("/refunds")) {
                send(x, body, signature);
            } else if (x.getRequestMethod().equals("GET") && path.startsWith("/refunds/", at)) {
                query(x, path.substring(at + "/refunds/".length()), signature);
            } else {
                answer(x, 405, "{}");
            }
        }
    }

    private void send(HttpExchange x, byte[] body, String signature) throws IOException {
        posts.incrementAndGet();
        if (!new Signature(secret).verify(body, signature)) {
            badSignatures.incrementAndGet();
            answer(x, 401, "{}");
            return;
        }
        Map<String, Object> json = JsonTree.object(new String(body, StandardCharsets.UTF_8));
        bodies.add(json);
        String refundId = (String) json.get("refundId");
        if (!refundId.equals(x.getRequestHeaders().getFirst("Idempotency-Key"))) {
            badKeys.incrementAndGet();
            answer(x, 400, "{}");
            return;
        }
        Send next = down ? Send.UNAVAILABLE : sends.poll();
        switch (next == null ? Send.OK : next) {
            case UNAVAILABLE -> answer(x, 503, "{\"error\":\"busy\"}");
            case REJECT -> answer(x, 422, "{\"status\":\"FAILED\",\"error\":\"account closed\"}");
            case TIMEOUT_APPLIED -> {
                apply(refundId);
                silence();
            }
            case TIMEOUT_LOST -> silence();
            default -> answer(x, apply(refundId) ? 200 : 409, "{\"refundId\":\"" + refundId + "\",\"status\":\"REFUNDED\"}");
        }
    }

    /** True the first time: a refund id is paid back once, whatever arrives again. */
    private boolean apply(String refundId) {
        AtomicInteger n = refunds.computeIfAbsent(refundId, k -> new AtomicInteger());
        synchronized (n) {
            if (n.get() > 0) {
                return false;
            }
            n.incrementAndGet();
            return true;
        }
    }

    private void query(HttpExchange x, String refundId, String signature) throws IOException {
        queries.incrementAndGet();
        if (mute) {
            silence();
            return;
        }
        if (!new Signature(secret).verify(refundId.getBytes(StandardCharsets.UTF_8), signature)) {
            badSignatures.incrementAndGet();
            answer(x, 401, "{}");
            return;
        }
        String scripted = queryAnswers.poll();
        if (scripted != null) {
            answer(x, 200, "{\"refundId\":\"" + refundId + "\",\"status\":\"" + scripted + "\"}");
        } else if (refunded(refundId) > 0) {
            answer(x, 200, "{\"refundId\":\"" + refundId + "\",\"status\":\"REFUNDED\"}");
        } else {
            answer(x, 404, "{\"error\":\"never seen\"}");
        }
    }

    /** Holds the request until the client gives up (its timeout is far shorter), then drops it. */
    private static void silence() {
        try {
            Thread.sleep(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange x, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
