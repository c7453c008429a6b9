package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import java.net.ConnectException;
import java.net.Socket;
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

/** Shutdown stops accepting, lets in-flight requests finish (and be journaled), then stops. */
@ExtendWith(NoLeakedThreads.class)
class ShutdownIT {

    @Test
    void drainsInFlightRequestsBeforeStopping() throws Exception {
        TestGateway t = TestGateway.start();
        try {
            t.codeCampaign("d", 10);
            CountDownLatch stall = new CountDownLatch(1);
            t.storage.stall = stall;
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                inFlight.add(t.http.sendAsync(HttpRequest.newBuilder(URI.create(t.base + "/v1/claims"))
                    .header("Authorization", "Bearer " + t.token("d" + i)).header("Idempotency-Key", "k")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"campaignId\":\"d\",\"skuId\":\"card\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(200);
            Thread stopper = new Thread(t::close, "test-stopper");
            stopper.start();
            Thread.sleep(200);
            assertTrue(stopper.isAlive(), "waits for the requests in flight");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", t.port).close(), "no longer accepting");
            int journaledBefore = t.storage.size();
            stall.countDown();
            t.storage.stall = null;
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains("GRANTED"), r.body());
            }
            stopper.join(10_000);
            assertTrue(!stopper.isAlive(), "stopped");
            assertTrue(t.storage.size() >= journaledBefore, "every answered grant is in the journal");
        } finally {
            t.close();
        }
    }
}
