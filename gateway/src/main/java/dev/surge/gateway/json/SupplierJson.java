package dev.surge.gateway.json;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Reads the bodies of the delivery admin routes: {@code PUT /admin/suppliers/{id}} and
 * {@code POST /admin/deliveries/redrive}. Strict like {@link CampaignJson}: an unknown field is an
 * error naming it. Runs on an event loop (admin path: it allocates freely).
 */
public final class SupplierJson {
    public static final int DEFAULT_TIMEOUT_MS = 2000;
    public static final int DEFAULT_MAX_CONCURRENCY = 64;
    public static final int MIN_SECRET = 16;
    public static final int MAX_SECRET = 1024;
    public static final int MAX_URL = 512;
    public static final int MAX_REQUESTED_BY = 100;

    private SupplierJson() {
    }

    /** A supplier's configuration. The secret is never echoed or logged. */
    public record Supplier(String url, String secret, int timeoutMs, int maxConcurrency) {
        @Override
        public String toString() {
            return "Supplier[" + url + ", timeoutMs=" + timeoutMs + ", maxConcurrency=" + maxConcurrency + "]";
        }
    }

    /** Which FAILED deliveries to re-drive; empty strings match any, times are [from, to) epoch ms. */
    public record Redrive(String campaign, String supplier, long from, long to, String requestedBy) {
    }

    public static Supplier supplier(byte[] body, int offset, int length) throws BadRequest {
        String[] text = new String[2];
        long[] numbers = {DEFAULT_TIMEOUT_MS, DEFAULT_MAX_CONCURRENCY};
        JsonBody.readObject(body, offset, length, (name, p) -> {
            switch (name) {
                case "url" -> text[0] = JsonBody.text(p, "url", MAX_URL);
                case "secret" -> text[1] = JsonBody.string(p, "secret");
                case "timeoutMs" -> numbers[0] = JsonBody.integer(p, "timeoutMs", 50, 600_000);
                case "maxConcurrency" -> numbers[1] = JsonBody.integer(p, "maxConcurrency", 1, 10_000);
                default -> {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field");
                }
            }
        });
        String url = JsonBody.required(text[0], "url");
        String secret = JsonBody.required(text[1], "secret");
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw BadRequest.invalid("url", "an http:// or https:// URL with a host and no query");
            }
        } catch (URISyntaxException e) {
            throw BadRequest.invalid("url", "not a URL: " + e.getReason());
        }
        if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            throw BadRequest.invalid("secret", MIN_SECRET + "-" + MAX_SECRET + " characters (the HMAC-SHA256 key)");
        }
        return new Supplier(url, secret, (int) numbers[0], (int) numbers[1]);
    }

    public static Redrive redrive(byte[] body, int offset, int length) throws BadRequest {
        String[] text = {"", "", null};
        long[] range = {0, Long.MAX_VALUE};
        if (length > 0) {
            JsonBody.readObject(body, offset, length, (name, p) -> {
                switch (name) {
                    case "campaignId" -> text[0] = orEmpty(JsonBody.id(p, "campaignId"));
                    case "supplierId" -> text[1] = orEmpty(JsonBody.id(p, "supplierId"));
                    case "requestedBy" -> text[2] = JsonBody.text(p, "requestedBy", MAX_REQUESTED_BY);
                    case "from" -> range[0] = CampaignJson.time(p, "from", 0);
                    case "to" -> range[1] = CampaignJson.time(p, "to", Long.MAX_VALUE);
                    default -> {
                        p.skipChildren();
                        throw BadRequest.invalid(name, "unknown field");
                    }
                }
            });
        }
        if (range[0] >= range[1]) {
            throw BadRequest.invalid("to", "must be after from");
        }
        return new Redrive(text[0], text[1], range[0], range[1], text[2]);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
