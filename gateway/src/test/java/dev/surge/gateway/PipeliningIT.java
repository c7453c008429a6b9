package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pipelined requests on one connection are answered in the order they were sent. */
@ExtendWith(NoLeakedThreads.class)
class PipeliningIT {

    @Test
    void responsesComeBackInRequestOrder() throws Exception {
        try (TestGateway t = TestGateway.start()) {
            t.codeCampaign("p", 50);
            String token = t.token("piper");
            StringBuilder batch = new StringBuilder();
            int n = 30;
            for (int i = 0; i < n; i++) {
                switch (i % 3) {
                    case 0 -> batch.append(RawHttp.request("POST", "/v1/claims",
                        "{\"campaignId\":\"p\",\"skuId\":\"card\"}", "Authorization", "Bearer " + token,
                        "Idempotency-Key", "key-" + i, "Content-Type", "application/json"));
                    case 1 -> batch.append(RawHttp.request("GET", "/health/live?i=" + i, null));
                    default -> batch.append(RawHttp.request("GET", "/nowhere/" + i, null));
                }
            }
            CountDownLatch stall = new CountDownLatch(1);
            t.storage.stall = stall; // claims wait in the journal while instant answers are ready
            try (RawHttp raw = new RawHttp(t.port, 10_000)) {
                raw.write(batch.toString());
                Thread.sleep(200);
                assertEquals(0, raw.in.available(), "nothing may overtake the first, stalled claim");
                stall.countDown();
                t.storage.stall = null;
                for (int i = 0; i < n; i++) {
                    RawHttp.Response r = raw.read();
                    switch (i % 3) {
                        case 0 -> {
                            assertEquals(200, r.status(), "response " + i + ": " + r.body());
                            assertTrue(r.body().contains(i == 0 ? "GRANTED" : "LIMIT_REACHED"), r.body());
                        }
                        case 1 -> assertEquals("{\"status\":\"UP\"}", r.body(), "response " + i);
                        default -> assertEquals(404, r.status(), "response " + i);
                    }
                }
            }
        }
    }

    @Test
    void manyPipelinedRequestsBeyondTheInFlightLimit() throws Exception {
        try (TestGateway t = TestGateway.start()) {
            StringBuilder batch = new StringBuilder();
            int n = 1000;
            for (int i = 0; i < n; i++) {
                batch.append(RawHttp.request("GET", i % 2 == 0 ? "/health/live" : "/v1/me/grants", null,
                    "Authorization", "Bearer " + t.token("u")));
            }
            try (RawHttp raw = new RawHttp(t.port, 10_000)) {
                raw.write(batch.toString());
                for (int i = 0; i < n; i++) {
                    RawHttp.Response r = raw.read();
                    assertEquals(200, r.status());
                    assertEquals(i % 2 == 0, r.body().contains("UP"), "response " + i + ": " + r.body());
                }
            }
        }
    }
}
