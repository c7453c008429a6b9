package dev.surge.simulator;

import dev.surge.delivery.Signature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Test helper: requests to a simulator, signed as Surge signs its refunds (or not). */
final class SimClient {
    /** One answer. */
    record Res(int status, String body) {
        Map<String, Object> json() {
            return dev.surge.testkit.JsonTree.object(body);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    SimClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Res get(String path, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        if (signature != null) {
            b.header(Signature.HEADER, signature);
        }
        return send(b.build());
    }

    Res post(String path, String body, String... headers) throws IOException, InterruptedException {
        return send(postRequest(path, body, Duration.ofSeconds(10), headers));
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String body, Duration timeout, String... headers) {
        return http.sendAsync(postRequest(path, body, timeout, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** A refund as Surge sends it: signed with {@code secret}, Idempotency-Key = refundId. */
    Res refund(String provider, String secret, String body, String refundId) throws IOException, InterruptedException {
        return post("/" + provider + "/refunds", body, "Idempotency-Key", refundId, Signature.HEADER,
            new Signature(secret).sign(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The status query, signed over the refund id. */
    Res status(String provider, String secret, String refundId) throws IOException, InterruptedException {
        return get("/" + provider + "/refunds/" + refundId, new Signature(secret).sign(refundId));
    }

    static String refundBody(String refundId, String transactionId, String orderId, long amount, String reason) {
        return "{\"refundId\":\"" + refundId + "\",\"transactionId\":\"" + transactionId + "\",\"orderId\":\"" + orderId
            + "\",\"amount\":" + amount + ",\"currency\":\"CNY\",\"reason\":\"" + reason + "\"}";
    }

    private HttpRequest postRequest(String path, String body, Duration timeout, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private Res send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        return new Res(resp.statusCode(), resp.body());
    }
}
