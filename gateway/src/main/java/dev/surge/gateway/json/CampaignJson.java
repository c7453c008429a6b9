package dev.surge.gateway.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.util.Ids;
import dev.surge.gateway.error.ErrorCode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads the body of {@code PUT /admin/campaigns/{id}} into a {@link CampaignSpec}. Strict: an
 * unknown field is an error naming it (a typo in a campaign is better caught than ignored);
 * times are ISO-8601 with an offset. The engine validates the whole spec again and names the
 * field it refuses. Runs on an event loop (admin path: it allocates freely).
 */
public final class CampaignJson {
    private CampaignJson() {
    }

    public static CampaignSpec parse(String id, byte[] bytes, int offset, int length) throws BadRequest {
        CampaignSpec spec = new CampaignSpec(id);
        JsonBody.readObject(bytes, offset, length, (name, p) -> campaignField(spec, name, p));
        return spec;
    }

    private static void campaignField(CampaignSpec spec, String name, JsonParser p) throws IOException, BadRequest {
        switch (name) {
            case "id" -> {
                String body = JsonBody.string(p, "id");
                if (body != null && !body.equals(spec.id)) {
                    throw BadRequest.invalid("id", "must match the id in the path (" + spec.id + ")");
                }
            }
            case "name" -> {
                String n = JsonBody.string(p, "name");
                spec.name = n == null ? "" : n;
            }
            case "startsAt" -> spec.startsAt = time(p, "startsAt", 0);
            case "endsAt" -> spec.endsAt = time(p, "endsAt", Long.MAX_VALUE);
            case "redeemUntil" -> spec.redeemUntil = time(p, "redeemUntil", Long.MAX_VALUE);
            case "perUserLimit" -> spec.perUserLimit = limit(p, "perUserLimit");
            case "perDeviceLimit" -> spec.perDeviceLimit = limit(p, "perDeviceLimit");
            case "perIpLimit" -> spec.perIpLimit = limit(p, "perIpLimit");
            case "skus" -> skus(spec, p);
            case "risk" -> spec.risk = RiskJson.parse(p);
            default -> {
                p.skipChildren();
                throw BadRequest.invalid(name, "unknown field");
            }
        }
    }

    private static void skus(CampaignSpec spec, JsonParser p) throws IOException, BadRequest {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw BadRequest.invalid("skus", "must be an array of SKU objects");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String at = "skus[" + i + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                throw BadRequest.invalid(at, "must be an object");
            }
            if (i >= CampaignSpec.MAX_SKUS) {
                throw BadRequest.invalid("skus", "at most " + CampaignSpec.MAX_SKUS + " SKUs");
            }
            CampaignSpec.SkuSpec sku = new CampaignSpec.SkuSpec(null, null);
            boolean[] kindSeen = new boolean[1];
            JsonBody.readFields(p, (name, q) -> skuField(sku, at + "." + name, name, q, kindSeen));
            if (sku.id == null) {
                throw BadRequest.missing(at + ".id");
            }
            if (!kindSeen[0]) {
                throw BadRequest.missing(at + ".kind");
            }
            spec.skus.add(sku);
            i++;
        }
    }

    private static void skuField(CampaignSpec.SkuSpec sku, String field, String name, JsonParser p, boolean[] kindSeen)
        throws IOException, BadRequest {
        switch (name) {
            case "id" -> sku.id = JsonBody.id(p, field);
            case "kind" -> {
                String k = JsonBody.string(p, field);
                try {
                    sku.kind = k == null ? null : SkuKind.valueOf(k);
                } catch (IllegalArgumentException e) {
                    sku.kind = null;
                }
                if (sku.kind == null) {
                    throw BadRequest.invalid(field, "one of CODE, DIRECT_RECHARGE, BUNDLE");
                }
                kindSeen[0] = true;
            }
            case "stock" -> sku.stock = JsonBody.integer(p, field, 0, Long.MAX_VALUE / 2);
            case "perUserLimit" -> sku.perUserLimit = limit(p, field);
            // a paid SKU (docs/payments.md); the engine checks the combination and names what is wrong
            case "price" -> sku.price = JsonBody.integer(p, field, 1, Long.MAX_VALUE / 2);
            case "currency" -> sku.currency = java.util.Objects.requireNonNullElse(JsonBody.text(p, field, 3), "");
            case "paymentWindowSeconds" -> sku.paymentWindowSeconds = (int) JsonBody.integer(p, field,
                CampaignSpec.MIN_PAYMENT_WINDOW_SECONDS, CampaignSpec.MAX_PAYMENT_WINDOW_SECONDS);
            case "paymentProvider" -> sku.paymentProvider = java.util.Objects.requireNonNullElse(JsonBody.id(p, field), "");
            case "codeValidUntil" -> sku.codeValidUntil = time(p, field, Long.MAX_VALUE); // docs/lifecycle.md
            case "suppliers" -> {
                array(p, field);
                int j = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String s = JsonBody.id(p, field + "[" + j++ + "]");
                    if (s == null) {
                        throw BadRequest.invalid(field, "supplier ids must not be null");
                    }
                    if (sku.suppliers.size() >= 255) {
                        throw BadRequest.invalid(field, "at most 255 suppliers");
                    }
                    sku.suppliers.add(s);
                }
            }
            case "items" -> {
                array(p, field);
                int j = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String at = field + "[" + j++ + "]";
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        throw BadRequest.invalid(at, "must be an object {\"skuId\", \"qty\"}");
                    }
                    if (sku.items.size() >= CampaignSpec.MAX_BUNDLE_ITEMS) {
                        throw BadRequest.invalid(field, "at most " + CampaignSpec.MAX_BUNDLE_ITEMS + " items");
                    }
                    String[] skuId = new String[1];
                    int[] qty = {1};
                    JsonBody.readFields(p, (n, q) -> {
                        switch (n) {
                            case "skuId" -> skuId[0] = JsonBody.id(q, at + ".skuId");
                            case "qty" -> qty[0] = (int) JsonBody.integer(q, at + ".qty", 1, 16);
                            default -> {
                                q.skipChildren();
                                throw BadRequest.invalid(at + "." + n, "unknown field");
                            }
                        }
                    });
                    sku.items.add(new CampaignSpec.BundleItem(JsonBody.required(skuId[0], at + ".skuId"), qty[0]));
                }
            }
            default -> {
                p.skipChildren();
                throw BadRequest.invalid(field, "unknown field");
            }
        }
    }

    private static void array(JsonParser p, String field) throws IOException, BadRequest {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw BadRequest.invalid(field, "must be an array");
        }
    }

    private static int limit(JsonParser p, String field) throws IOException, BadRequest {
        return (int) JsonBody.integer(p, field, 0, Integer.MAX_VALUE);
    }

    /** ISO-8601 with an offset ("2025-06-01T20:00:00+08:00", "...Z"); null keeps the default. */
    static long time(JsonParser p, String field, long whenNull) throws IOException, BadRequest {
        String s = JsonBody.string(p, field);
        return s == null ? whenNull : time(s, field);
    }

    /** ISO-8601 with an offset, from a query parameter or a field's text. */
    public static long time(String s, String field) throws BadRequest {
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw BadRequest.invalid(field, "must be an ISO-8601 time with an offset, e.g. 2025-06-01T20:00:00+08:00");
        }
    }

    /** Validates an id from a path segment. */
    public static String pathId(String value, String field) throws BadRequest {
        if (!Ids.isValid(value)) {
            throw new BadRequest(ErrorCode.INVALID_FIELD, Ids.describe(field), field);
        }
        return value;
    }
}
