package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connection caps (in all, per peer address, trusted proxies exempt) and the first-byte timeout,
 * against a real server. The first-byte timeout is off in the cap tests, so that a closed
 * connection can only have been refused.
 */
@ExtendWith(NoLeakedThreads.class)
class ConnectionLimitsIT {
    private static final String PER_IP_REFUSED = "surge_http_connections_refused_total{reason=\"per_ip\"}";
    private static final String GLOBAL_REFUSED = "surge_http_connections_refused_total{reason=\"global\"}";
    private static final String OPEN = "surge_http_connections_open";

    @Test
    void perIpCapClosesTheExtraConnectionAtOnceAndTheOthersCarryOn() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.MAX_CONNECTIONS_PER_IP, "4")
            .set(Configuration.Option.FIRST_BYTE_TIMEOUT_MS, "0"))) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    open.add(working(t));
                }
                try (RawHttp extra = new RawHttp(t.port, 5000)) {
                    assertTrue(extra.closedByServer(), "the fifth connection from 127.0.0.1 is closed unanswered");
                }
                for (RawHttp raw : open) {
                    assertEquals(200, get(raw, "/health/live").status(), "the first four still work");
                }
                assertEquals(1, metric(open.get(0), PER_IP_REFUSED));
                assertEquals(0, metric(open.get(0), GLOBAL_REFUSED));

                try (Socket other = fromOtherLoopbackAddress(t.port)) {
                    if (other != null) { // Linux routes all of 127/8 to lo; elsewhere this part is skipped
                        RawHttp raw = new RawHttp(other, 5000);
                        assertEquals(200, get(raw, "/health/live").status(), "another address has its own count");
                    }
                }

                open.remove(0).close();
                awaitMetric(open.get(0), OPEN, 3);
                open.add(working(t)); // the freed slot is taken by a new connection
                assertEquals(1, metric(open.get(0), PER_IP_REFUSED));
            } finally {
                for (RawHttp raw : open) {
                    raw.close();
                }
            }
        }
    }

    @Test
    void globalCapClosesTheExtraConnectionAtOnce() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.MAX_CONNECTIONS, "3")
            .set(Configuration.Option.MAX_CONNECTIONS_PER_IP, "0")
            .set(Configuration.Option.FIRST_BYTE_TIMEOUT_MS, "0"))) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(working(t));
                }
                try (RawHttp extra = new RawHttp(t.port, 5000)) {
                    assertTrue(extra.closedByServer(), "the fourth connection is closed unanswered");
                }
                assertEquals(1, metric(open.get(0), GLOBAL_REFUSED));
                assertEquals(0, metric(open.get(0), PER_IP_REFUSED));
                open.remove(2).close();
                awaitMetric(open.get(0), OPEN, 2);
                open.add(working(t));
                assertEquals(200, get(open.get(1), "/health/live").status());
            } finally {
                for (RawHttp raw : open) {
                    raw.close();
                }
            }
        }
    }

    @Test
    void aTrustedProxyIsExemptFromThePerIpCapButNotFromTheGlobalOne() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.TRUSTED_PROXIES, "127.0.0.0/8")
            .set(Configuration.Option.MAX_CONNECTIONS_PER_IP, "2")
            .set(Configuration.Option.MAX_CONNECTIONS, "4")
            .set(Configuration.Option.FIRST_BYTE_TIMEOUT_MS, "0"))) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    open.add(working(t));
                }
                try (RawHttp extra = new RawHttp(t.port, 5000)) {
                    assertTrue(extra.closedByServer());
                }
                assertEquals(0, metric(open.get(0), PER_IP_REFUSED));
                assertEquals(1, metric(open.get(0), GLOBAL_REFUSED));
            } finally {
                for (RawHttp raw : open) {
                    raw.close();
                }
            }
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheFirstByteTimeout() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(Configuration.Option.FIRST_BYTE_TIMEOUT_MS, "300"));
             RawHttp speaks = new RawHttp(t.port, 5000)) {
            assertEquals(200, get(speaks, "/health/live").status());
            // the idle timeout (60 s) is far beyond the read timeout: only the first-byte timer can close it
            try (RawHttp silent = new RawHttp(t.port, 5000)) {
                assertTrue(silent.closedByServer());
            }
            Thread.sleep(300); // well past the first-byte timeout: a connection that spoke in time is kept
            assertEquals(1, metric(speaks, "surge_http_connections_first_byte_timeouts_total"));
        }
    }

    /** A new connection, shown to work (and so to be counted by the server) by one request. */
    private static RawHttp working(TestGateway t) throws IOException {
        RawHttp raw = new RawHttp(t.port, 5000);
        assertEquals(200, get(raw, "/health/live").status());
        return raw;
    }

    private static RawHttp.Response get(RawHttp raw, String path) throws IOException {
        raw.write(RawHttp.request("GET", path, null));
        return raw.read();
    }

    private static long metric(RawHttp raw, String name) throws IOException {
        String body = get(raw, "/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in /metrics");
    }

    /** Waits (up to 10 s) for the server to have seen a close. */
    private static void awaitMetric(RawHttp raw, String name, long value) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long seen;
        while ((seen = metric(raw, name)) != value) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " stayed at " + seen + ", expected " + value);
            }
            Thread.sleep(20);
        }
    }

    /** A connection from 127.0.0.2, or null when this host cannot bind that address. */
    private static Socket fromOtherLoopbackAddress(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress("127.0.0.2", 0));
        } catch (IOException e) {
            s.close();
            return null;
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }
}
