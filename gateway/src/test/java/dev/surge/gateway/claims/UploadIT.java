package dev.surge.gateway.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.NoLeakedThreads;
import dev.surge.testkit.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A million codes streamed in one upload, generated on the fly so neither side holds them all. */
@ExtendWith(NoLeakedThreads.class)
class UploadIT {
    static final int CODES = 1_000_000;

    /** Generates "MILLION-0000000\n"... lazily. */
    static final class CodeStream extends InputStream {
        private final int count;
        private int next;
        private byte[] line = new byte[0];
        private int at;

        CodeStream(int count) {
            this.count = count;
        }

        @Override
        public int read() {
            if (at == line.length) {
                if (next == count) {
                    return -1;
                }
                line = ("MILLION-" + (10_000_000 + next++) + "\n").getBytes(StandardCharsets.US_ASCII);
                at = 0;
            }
            return line[at++];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                if (at == line.length) {
                    if (next == count) {
                        return n == 0 ? -1 : n;
                    }
                    line = ("MILLION-" + (10_000_000 + next++) + "\n").getBytes(StandardCharsets.US_ASCII);
                    at = 0;
                }
                int k = Math.min(len - n, line.length - at);
                System.arraycopy(line, at, b, off + n, k);
                at += k;
                n += k;
            }
            return n;
        }
    }

    @Test
    void aSlowUploadIsNotCutByTheRequestDeadline() throws Exception {
        try (TestGateway t = TestGateway.start(c -> c.set(dev.surge.gateway.config.Configuration.Option.REQUEST_TIMEOUT_MS,
            "300"));
             RawHttp raw = new RawHttp(t.port, 10_000)) {
            t.admin("PUT", "/admin/campaigns/slow", "{\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
            raw.write("POST /admin/campaigns/slow/skus/card/codes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestGateway.ADMIN + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 8; i++) {
                String lines = "SLOW-" + i + "-A\nSLOW-" + i + "-B\n";
                raw.write(Integer.toHexString(lines.length()) + "\r\n" + lines + "\r\n");
                Thread.sleep(100);
            }
            raw.write("0\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"loaded\":16"), r.body());
        }
    }

    @Test
    void aMillionCodesInOneStreamedUpload() throws IOException, InterruptedException {
        try (TestGateway t = TestGateway.start()) {
            t.admin("PUT", "/admin/campaigns/big", "{\"skus\":[{\"id\":\"card\",\"kind\":\"CODE\"}]}");
            long start = System.nanoTime();
            HttpRequest req = HttpRequest.newBuilder(URI.create(t.base + "/admin/campaigns/big/skus/card/codes"))
                .header("Authorization", "Bearer " + TestGateway.ADMIN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new CodeStream(CODES))).build();
            HttpResponse<String> r = t.http.send(req, HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.statusCode(), r.body());
            var body = JsonTree.object(r.body());
            assertEquals((long) CODES, body.get("loaded"), r.body());
            assertEquals(0L, body.get("duplicatesSkipped"));
            assertEquals((long) CODES, body.get("available"));
            assertTrue(t.storage.size() >= CODES / t.gateway.config().codeBatch(), "streamed in batches");
            System.out.println("1,000,000 codes uploaded in " + ms + " ms");
            assertEquals("GRANTED", t.claim("winner", "k", "big", "card").at("result"));
        }
    }
}
