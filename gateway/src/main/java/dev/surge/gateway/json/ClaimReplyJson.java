package dev.surge.gateway.json;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.util.GrantIds;
import dev.surge.engine.wire.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Writes the JSON of a claim decision ({@link ReplyJson#claim}, byte for byte) straight from the
 * reply the engine wrote into the slot into the response buffer: no String per field, no
 * {@code ReplyView}, no generator. Decisions only: a reply of another kind (INVALID,
 * IDEMPOTENCY_KEY_REUSED, ACCOUNT_REQUIRED), or one whose text is not all ASCII, is left to the
 * general rendering ({@link #write} returns false).
 *
 * <p>Threading: one instance per thread ({@link #get}), confined to it.
 */
public final class ClaimReplyJson {
    private static final FastThreadLocal<ClaimReplyJson> WRITERS = new FastThreadLocal<>() {
        @Override
        protected ClaimReplyJson initialValue() {
            return new ClaimReplyJson();
        }
    };
    private static final byte[][] RESULTS = names(ResultCode.values());
    private static final byte[][] STATUSES = names(DeliveryStatus.values());
    private static final byte[][] KINDS = names(SkuKind.values());
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private final WireReader r = new WireReader();
    private final byte[] grantId = new byte[GrantIds.TEXT_LENGTH];
    private ResultCode result;
    private boolean replayed;
    private int reason;
    private int campaignAt;
    private int campaignLength;
    /** The last campaign label made, kept while the campaign stays the same (metrics labels). */
    private byte[] labelBytes = new byte[0];
    private String label;

    private ClaimReplyJson() {
    }

    /** This thread's writer. */
    public static ClaimReplyJson get() {
        return WRITERS.get();
    }

    public ResultCode result() {
        return result;
    }

    public boolean replayed() {
        return replayed;
    }

    /** The risk reason code of a RISK_REJECTED decision. */
    public int reason() {
        return reason;
    }

    /**
     * Writes the body of the claim reply {@code reply[0, length)} into {@code out}; false (and
     * {@code out} possibly written to) when this reply is left to the general rendering.
     */
    public boolean write(DirectBuffer reply, int length, ByteBuf out) {
        r.wrap(reply, 0, length);
        result = ResultCode.of(r.getByte());
        replayed = r.getByte() != 0;
        reason = r.getByte();
        if (result == ResultCode.INVALID || result == ResultCode.IDEMPOTENCY_KEY_REUSED
            || result == ResultCode.ACCOUNT_REQUIRED || result == ResultCode.RESERVED) {
            return false;
        }
        out.writeBytes(RESULT_FIELD).writeBytes(RESULTS[result.ordinal()]).writeByte('"');
        r.bytes(); // the claim's campaign and SKU; a grant repeats them
        campaignAt = r.lastOffset();
        campaignLength = r.lastLength();
        int skuAt = r.position();
        r.bytes();
        boolean granted = result == ResultCode.GRANTED;
        if (granted) {
            GrantIds.format(r.getLong(), r.getInt(), grantId, 0);
            out.writeBytes(GRANT_ID_FIELD).writeBytes(grantId).writeByte('"');
            r.bytes();
            campaignAt = r.lastOffset();
            campaignLength = r.lastLength();
            skuAt = r.position();
            r.bytes();
        }
        if (!field(CAMPAIGN_FIELD, reply, campaignAt, campaignLength, out)) {
            return false;
        }
        r.position(skuAt);
        r.bytes();
        if (!field(SKU_FIELD, reply, r.lastOffset(), r.lastLength(), out)) {
            return false;
        }
        if (granted) {
            r.getLong(); // createdAt
            r.getLong(); // redeemedAt
            DeliveryStatus delivery = DeliveryStatus.of(r.getByte());
            if (!items(reply, out)) {
                return false;
            }
            out.writeBytes(DELIVERY_FIELD).writeBytes(STATUSES[delivery.ordinal()]).writeByte('"');
        } else if (result == ResultCode.RISK_REJECTED) {
            out.writeBytes(REASON_FIELD).writeBytes(RiskReason.nameOf(reason).getBytes(StandardCharsets.US_ASCII))
                .writeByte('"');
        }
        out.writeByte('}');
        return true;
    }

    private boolean items(DirectBuffer reply, ByteBuf out) {
        int n = r.getByte() & 0xFF;
        out.writeBytes(ITEMS_FIELD);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            r.bytes();
            if (!field(ITEM_SKU_FIELD, reply, r.lastOffset(), r.lastLength(), out)) {
                return false;
            }
            SkuKind kind = SkuKind.of(r.getByte());
            out.writeBytes(KIND_FIELD).writeBytes(KINDS[kind.ordinal()]).writeByte('"');
            r.bytes();
            if (kind == SkuKind.CODE && !field(CODE_FIELD, reply, r.lastOffset(), r.lastLength(), out)) {
                return false;
            }
            DeliveryStatus status = DeliveryStatus.of(r.getByte());
            out.writeBytes(DELIVERY_FIELD).writeBytes(STATUSES[status.ordinal()]).writeByte('"');
            r.bytes();
            if (r.lastLength() > 0 && !field(SUPPLIER_FIELD, reply, r.lastOffset(), r.lastLength(), out)) {
                return false;
            }
            out.writeByte('}');
        }
        out.writeByte(']');
        return true;
    }

    /** Writes {@code name} (",\"x\":\"" or alike) and the string {@code b[at, at + length)} escaped as Jackson does. */
    private static boolean field(byte[] name, DirectBuffer b, int at, int length, ByteBuf out) {
        out.writeBytes(name);
        for (int i = at; i < at + length; i++) {
            byte c = b.getByte(i);
            if (c < 0) {
                return false; // not ASCII: the general rendering decides how it reads
            }
            if (c < 0x20) {
                out.writeByte('\\');
                switch (c) {
                    case '\b' -> out.writeByte('b');
                    case '\t' -> out.writeByte('t');
                    case '\n' -> out.writeByte('n');
                    case '\f' -> out.writeByte('f');
                    case '\r' -> out.writeByte('r');
                    default -> out.writeByte('u').writeByte('0').writeByte('0').writeByte(HEX[c >> 4]).writeByte(HEX[c & 15]);
                }
            } else if (c == '"' || c == '\\') {
                out.writeByte('\\').writeByte(c);
            } else {
                out.writeByte(c);
            }
        }
        out.writeByte('"');
        return true;
    }

    /**
     * The campaign of the last reply written, as a String for metrics labels: the same instance
     * while the campaign stays the same, so a sale's claims make none.
     */
    public String campaign(DirectBuffer reply) {
        if (labelBytes.length != campaignLength || !same(reply)) {
            labelBytes = new byte[campaignLength];
            reply.getBytes(campaignAt, labelBytes);
            label = WireReader.utf8(reply, campaignAt, campaignLength);
        }
        return label;
    }

    private boolean same(DirectBuffer reply) {
        for (int i = 0; i < campaignLength; i++) {
            if (labelBytes[i] != reply.getByte(campaignAt + i)) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] RESULT_FIELD = ascii("{\"result\":\"");
    private static final byte[] GRANT_ID_FIELD = ascii(",\"grantId\":\"");
    private static final byte[] CAMPAIGN_FIELD = ascii(",\"campaignId\":\"");
    private static final byte[] SKU_FIELD = ascii(",\"skuId\":\"");
    private static final byte[] ITEMS_FIELD = ascii(",\"items\":[");
    private static final byte[] ITEM_SKU_FIELD = ascii("{\"skuId\":\"");
    private static final byte[] KIND_FIELD = ascii(",\"kind\":\"");
    private static final byte[] CODE_FIELD = ascii(",\"code\":\"");
    private static final byte[] DELIVERY_FIELD = ascii(",\"delivery\":\"");
    private static final byte[] SUPPLIER_FIELD = ascii(",\"supplier\":\"");
    private static final byte[] REASON_FIELD = ascii(",\"reason\":\"");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] names(Enum<?>[] values) {
        byte[][] names = new byte[values.length][];
        for (Enum<?> v : values) {
            names[v.ordinal()] = ascii(v.name());
        }
        return names;
    }
}
