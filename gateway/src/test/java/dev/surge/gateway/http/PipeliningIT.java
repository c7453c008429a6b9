package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.RawHttp;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pipelined requests on one connection are answered in the order they were sent; the request
 * deadline of each runs from its own first byte, also when that byte came with the one before.
 */
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

    /**
     * A complete request and the start of the next in one write, then one byte every 2.5 s: the
     * second request's deadline (1 s) runs from the bytes that came with the first, so its 408
     * comes before the first trickled byte. Were it armed by the next byte to arrive instead, the
     * 408 would come 1 s after that byte.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "G", // buffered by the decoder
        "GET /health/live HTTP/1.1\r\n", // parsed by the decoder, nothing buffered
        "PUT /admin/campaigns/d HTTP/1.1\r\nAuthorization: Bearer " + TestGateway.ADMIN
            + "\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{" // a head, and part of its body
    })
    void theNextRequestsDeadlineRunsFromBytesThatCameWithThePreviousOne(String leftover) throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.REQUEST_TIMEOUT_MS, "1000"));
             RawHttp raw = new RawHttp(t.port, 10_000)) {
            raw.write(RawHttp.request("GET", "/health/live", null) + leftover);
            assertEquals(200, raw.read().status());
            raw.socket.setSoTimeout(2500);
            String trickle = "ET /health/live HTTP/1.1\r\nHost: x\r\n";
            int trickled = 0;
            RawHttp.Response r = null;
            while (r == null) {
                try {
                    r = raw.read();
                } catch (SocketTimeoutException quiet) {
                    raw.write(trickle.substring(trickled % trickle.length(), trickled % trickle.length() + 1));
                    trickled++;
                    assertTrue(trickled < 10, "no 408 at all");
                }
            }
            assertEquals(408, r.status(), r.body());
            assertEquals(0, trickled, "the 408 came only after a trickled byte re-armed the deadline");
            assertTrue(raw.closedByServer());
        }
    }

    /** Both Transfer-Encoding and Content-Length (a smuggling attempt): refused, then closed. */
    @Test
    void chunkedWithContentLengthIsRefusedAndClosed() throws Exception {
        try (TestGateway t = TestGateway.start();
             RawHttp raw = new RawHttp(t.port, 5000)) {
            raw.write("POST /v1/nothing HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                + "0\r\n\r\n" + RawHttp.request("GET", "/health/live", null));
            RawHttp.Response r = raw.read();
            assertEquals(400, r.status(), r.body());
            assertTrue(r.body().contains("MALFORMED_REQUEST"), r.body());
            assertEquals("close", r.header("connection"));
            assertTrue(raw.closedByServer(), "nothing after it is read as a request");
        }
    }
}
