package dev.surge.gateway.json;

import dev.surge.engine.util.Ids;
import dev.surge.gateway.error.ErrorCode;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;

/**
 * The body of {@code POST /v1/claims} read in place when it is of the common shape
 * ({@link FlatObject}): its fields become views over the body's bytes, no String each, checked by
 * the rules of the general reading (PublicApi with {@link JsonBody}) in the same order, with the
 * same answers: a field's wrong type or value at the first such field, then a missing
 * {@code campaignId}, then a missing {@code skuId}; unknown fields ignored. The views are valid
 * while the body is (until the request's command is published).
 *
 * <p>Threading: one instance per thread ({@link #get}), confined to it.
 */
public final class ClaimBody {
    private static final FastThreadLocal<ClaimBody> BODIES = new FastThreadLocal<>() {
        @Override
        protected ClaimBody initialValue() {
            return new ClaimBody();
        }
    };
    private static final byte[] CAMPAIGN = "campaignId".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SKU = "skuId".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEVICE = "deviceId".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCOUNT = "account".getBytes(StandardCharsets.US_ASCII);

    private final FlatObject object = new FlatObject();
    private final AsciiView campaignView = new AsciiView();
    private final AsciiView skuView = new AsciiView();
    private final AsciiView deviceView = new AsciiView();
    private final AsciiView accountView = new AsciiView();
    private CharSequence campaign;
    private CharSequence sku;
    private CharSequence device;
    private CharSequence account;

    private ClaimBody() {
    }

    /** This thread's reader. */
    public static ClaimBody get() {
        return BODIES.get();
    }

    /**
     * Reads {@code bytes[offset, offset + length)}: false when it is not of the common shape (read
     * it with Jackson), true with the fields set, or the refusal.
     */
    public boolean read(byte[] bytes, int offset, int length, int maxAccount) throws BadRequest {
        if (!object.scan(bytes, offset, length)) {
            return false;
        }
        campaign = sku = device = account = null;
        for (int i = 0; i < object.count(); i++) {
            if (object.nameIs(i, CAMPAIGN)) {
                campaign = id(bytes, i, "campaignId", campaignView);
            } else if (object.nameIs(i, SKU)) {
                sku = id(bytes, i, "skuId", skuView);
            } else if (object.nameIs(i, DEVICE)) {
                device = id(bytes, i, "deviceId", deviceView);
            } else if (object.nameIs(i, ACCOUNT)) {
                account = text(bytes, i, "account", maxAccount, accountView);
            }
        }
        JsonBody.required(campaign, "campaignId");
        JsonBody.required(sku, "skuId");
        return true;
    }

    /** The general reading of a claim's body, any shape, with Jackson: the fields as Strings, or the refusal. */
    public void readWithJackson(byte[] bytes, int offset, int length, int maxAccount) throws BadRequest {
        campaign = sku = device = account = null;
        JsonBody.readObject(bytes, offset, length, (name, p) -> {
            switch (name) {
                case "campaignId" -> campaign = JsonBody.id(p, "campaignId");
                case "skuId" -> sku = JsonBody.id(p, "skuId");
                case "deviceId" -> device = JsonBody.id(p, "deviceId");
                case "account" -> account = JsonBody.text(p, "account", maxAccount);
                default -> p.skipChildren(); // public API: unknown fields are ignored
            }
        });
        JsonBody.required(campaign, "campaignId");
        JsonBody.required(sku, "skuId");
    }

    /** As {@link JsonBody#id}. */
    private CharSequence id(byte[] bytes, int i, String field, AsciiView view) throws BadRequest {
        CharSequence s = string(bytes, i, field, view);
        if (s != null && !Ids.isValid(s)) {
            throw new BadRequest(ErrorCode.INVALID_FIELD, Ids.describe(field), field);
        }
        return s;
    }

    /** As {@link JsonBody#text}: the common shape holds no control characters. */
    private CharSequence text(byte[] bytes, int i, String field, int max, AsciiView view) throws BadRequest {
        CharSequence s = string(bytes, i, field, view);
        if (s != null && (s.length() == 0 || s.length() > max)) {
            throw BadRequest.invalid(field, "must be 1-" + max + " characters");
        }
        return s;
    }

    /** As {@link JsonBody#string}. */
    private CharSequence string(byte[] bytes, int i, String field, AsciiView view) throws BadRequest {
        int kind = object.kind(i);
        if (kind == FlatObject.NULL) {
            return null;
        }
        if (kind != FlatObject.STRING) {
            throw BadRequest.invalid(field, "must be a string");
        }
        return view.wrap(bytes, object.valueAt(i), object.valueLength(i));
    }

    public CharSequence campaign() {
        return campaign;
    }

    public CharSequence sku() {
        return sku;
    }

    /** Null when absent. */
    public CharSequence device() {
        return device;
    }

    /** Null when absent. */
    public CharSequence account() {
        return account;
    }
}
