package dev.surge.bench.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.bench.FlashSale;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sets the benchmark campaign up through the admin API, as an operator would: campaign "bench"
 * with one CODE SKU "card" and a per-user limit, then {@code codes} card codes streamed as
 * text/plain.
 */
public final class BenchCampaign {
    private BenchCampaign() {
    }

    public static void create(InetSocketAddress server, String adminToken, int perUserLimit, long codes)
        throws IOException,
        InterruptedException {
        HttpClient http = client();
        String base = "http://127.0.0.1:" + server.getPort();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/campaigns/"
                + FlashSale.CAMPAIGN))
            .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\",\"perUserLimit\":" + perUserLimit + ","
                + "\"skus\":[{\"id\":\"" + FlashSale.CODE_SKU + "\",\"kind\":\"CODE\"}]}"))
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IOException("campaign set-up failed: " + put.statusCode() + " " + put.body());
        }
        if (codes <= 0) {
            return;
        }
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/campaigns/"
                + FlashSale.CAMPAIGN + "/skus/" + FlashSale.CODE_SKU + "/codes"))
            .header("Authorization", "Bearer " + adminToken).header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new CodeStream(codes)))
            .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (upload.statusCode() != 200) {
            throw new IOException("code upload failed: " + upload.statusCode() + " " + upload.body());
        }
    }

    /**
     * The campaign's live count of grants ({@code GET /admin/campaigns/{id}}, its top-level
     * {@code granted}): a claim answered LIMIT_REACHED or SOLD_OUT is a 200 too, so a run reads
     * this before and after to tell how many of its answers were grants.
     */
    public static long granted(InetSocketAddress server, String adminToken) throws IOException, InterruptedException {
        HttpResponse<String> get = client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.getPort() + "/admin/campaigns/" + FlashSale.CAMPAIGN))
            .header("Authorization", "Bearer " + adminToken).GET().timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (get.statusCode() != 200) {
            throw new IOException("campaign read failed: " + get.statusCode() + " " + get.body());
        }
        try (JsonParser json = new JsonFactory().createParser(get.body())) {
            if (json.nextToken() == JsonToken.START_OBJECT) {
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String name = json.currentName();
                    json.nextToken();
                    if (name.equals("granted")) {
                        return json.getLongValue();
                    }
                    json.skipChildren();
                }
            }
        }
        throw new IOException("no granted in the campaign: " + get.body());
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();
    }

    /** {@code count} distinct codes, one a line, generated as they are read. */
    private static final class CodeStream extends InputStream {
        private final long count;
        private final StringBuilder code = new StringBuilder();
        private byte[] line = new byte[0];
        private int pos;
        private long next;

        CodeStream(long count) {
            this.count = count;
        }

        @Override
        public int read() {
            if (pos == line.length && !refill()) {
                return -1;
            }
            return line[pos++];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (pos == line.length && !refill()) {
                    break;
                }
                int k = Math.min(len - n, line.length - pos);
                System.arraycopy(line, pos, b, off + n, k);
                pos += k;
                n += k;
            }
            return n == 0 ? -1 : n;
        }

        private boolean refill() {
            if (next >= count) {
                return false;
            }
            FlashSale.code(code, next++);
            line = (code + "\n").getBytes(StandardCharsets.US_ASCII);
            pos = 0;
            return true;
        }
    }
}
