package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rate limits, deadlines, overload, readiness, a halted engine and client addresses behind proxies. */
@ExtendWith(NoLeakedThreads.class)
class ProtectionIT {

    @Test
    void perIpRateLimitAnswers429WithRetryAfter() {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.RATE_LIMIT, "1")
            .set(Configuration.Option.RATE_BURST, "3"))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(404, t.send("GET", "/v1/nothing", null).status());
            }
            TestGateway.Res limited = t.send("GET", "/v1/nothing", null);
            assertEquals(429, limited.status(), limited.body());
            assertEquals("RATE_LIMITED", limited.errorCode());
            assertEquals("1", limited.header("retry-after"));
            assertEquals(200, t.send("GET", "/health/live", null).status(), "health is never limited");
            assertEquals(200, t.send("GET", "/metrics", null).status(), "nor are metrics");
        }
    }

    @Test
    void slowlorisGets408AndIsClosed() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.REQUEST_TIMEOUT_MS, "600"));
             RawHttp raw = new RawHttp(t.port, 5000)) {
            long start = System.nanoTime();
            String request = "POST /v1/claims HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
            RawHttp.Response r = null;
            // a byte every 100 ms: an idle timer would never fire
            for (int i = 0; i < request.length(); i++) {
                try {
                    raw.write(request.substring(i, i + 1));
                } catch (java.io.IOException closed) {
                    break;
                }
                Thread.sleep(100);
                if (raw.in.available() > 0) {
                    break;
                }
            }
            r = raw.read();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(408, r.status(), r.body());
            assertTrue(r.body().contains("REQUEST_TIMEOUT"));
            assertEquals("close", r.header("connection"));
            assertTrue(ms >= 550 && ms < 3000, "timed out after " + ms + " ms");
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void stalledBodyGets408() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.REQUEST_TIMEOUT_MS, "400"));
             RawHttp raw = new RawHttp(t.port, 5000)) {
            raw.write("POST /v1/claims HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + t.token("s")
                + "\r\nIdempotency-Key: k\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"campa");
            RawHttp.Response r = raw.read();
            assertEquals(408, r.status());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.IDLE_TIMEOUT_MS, "300"));
             RawHttp raw = new RawHttp(t.port, 5000)) {
            raw.write(RawHttp.request("GET", "/health/live", null));
            assertEquals(200, raw.read().status());
            long start = System.nanoTime();
            assertTrue(raw.closedByServer());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
        }
    }

    @Test
    void fullRingIs503OverloadedAtOnce() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.RING_SIZE, "4"))) {
            t.codeCampaign("o", 100);
            CountDownLatch stall = new CountDownLatch(1);
            t.storage.stall = stall;
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            HttpResponse<String> overloaded = null;
            for (int i = 0; i < 40 && overloaded == null; i++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(t.base + "/v1/claims"))
                    .header("Authorization", "Bearer " + t.token("o" + i)).header("Idempotency-Key", "k")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"campaignId\":\"o\",\"skuId\":\"card\"}")).build();
                CompletableFuture<HttpResponse<String>> f = t.http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
                Thread.sleep(20);
                if (f.isDone() && f.get().statusCode() == 503) {
                    overloaded = f.get();
                } else {
                    pending.add(f);
                }
            }
            assertTrue(overloaded != null, "a full ring must answer at once");
            assertTrue(overloaded.body().contains("OVERLOADED"), overloaded.body());
            assertEquals("1", overloaded.headers().firstValue("retry-after").orElse(null));
            stall.countDown();
            t.storage.stall = null;
            for (CompletableFuture<HttpResponse<String>> f : pending) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.body());
            }
            assertEquals("GRANTED", t.claim("after", "k", "o", "card").at("result"));
        }
    }

    @Test
    void notReadyUntilRecoveryIsDone() {
        try (TestGateway t = TestGateway.start(c -> {
        }, new MemoryStorage(), false)) {
            assertEquals(200, t.send("GET", "/health/live", null).status());
            TestGateway.Res ready = t.send("GET", "/health/ready", null);
            assertEquals(503, ready.status());
            assertEquals("NOT_READY", ready.errorCode());
            TestGateway.Res claim = t.claim("u", "k", "c", "s");
            assertEquals(503, claim.status());
            assertEquals("NOT_READY", claim.errorCode());
            assertEquals("1", claim.header("retry-after"));
            assertEquals("NOT_READY", t.admin("GET", "/admin/campaigns", null).errorCode());
            t.makeReady();
            assertEquals(200, t.send("GET", "/health/ready", null).status());
            assertEquals("UNKNOWN_CAMPAIGN", t.claim("u", "k", "c", "s").at("result"));
        }
    }

    @Test
    void haltedEngineAnswers503() {
        try (TestGateway t = TestGateway.start()) {
            t.codeCampaign("h", 5);
            t.storage.fail = true;
            TestGateway.Res r = t.claim("u", "k", "h", "card");
            assertEquals(503, r.status(), r.body());
            assertEquals("UNAVAILABLE", r.errorCode());
            TestGateway.Res after = t.claim("v", "k", "h", "card");
            assertEquals(503, after.status());
            assertEquals(503, t.send("GET", "/health/ready", null).status());
            assertEquals(200, t.send("GET", "/health/live", null).status());
        }
    }

    @Test
    void forwardedForOnlyFromTrustedProxies() {
        String campaign = "{\"perIpLimit\":1,\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}";
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.TRUSTED_PROXIES, "127.0.0.0/8, 10.0.0.0/8"))) {
            t.admin("PUT", "/admin/campaigns/ip", campaign);
            t.upload("ip", "card", "A\nB\nC\nD\nE\n");
            assertEquals("GRANTED", claimFrom(t, "a", "1.2.3.4").at("result"));
            assertEquals("LIMIT_REACHED", claimFrom(t, "b", "1.2.3.4").at("result"));
            assertEquals("GRANTED", claimFrom(t, "c", "5.6.7.8, 10.1.1.1").at("result"), "trusted hops are skipped");
            assertEquals("LIMIT_REACHED", claimFrom(t, "d", "9.9.9.9, 5.6.7.8").at("result"),
                "what the client wrote to the left proves nothing");
            assertEquals("GRANTED", claimFrom(t, "e", "garbage").at("result"), "unparsable: the proxy itself");
        }
        try (TestGateway t = TestGateway.start()) {
            t.admin("PUT", "/admin/campaigns/ip", campaign);
            t.upload("ip", "card", "A\nB\nC\n");
            assertEquals("GRANTED", claimFrom(t, "a", "1.2.3.4").at("result"));
            assertEquals("LIMIT_REACHED", claimFrom(t, "b", "5.6.7.8").at("result"), "untrusted peer: header ignored");
        }
    }

    private static TestGateway.Res claimFrom(TestGateway t, String user, String forwardedFor) {
        return t.send("POST", "/v1/claims", "{\"campaignId\":\"ip\",\"skuId\":\"card\"}", "Authorization",
            "Bearer " + t.token(user), "Idempotency-Key", "k", "Content-Type", "application/json",
            "X-Forwarded-For", forwardedFor);
    }
}
