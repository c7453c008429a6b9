package dev.surge.cluster;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.risk.Blocklist;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskRules;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.GrantSummary;
import dev.surge.engine.state.Partners;
import dev.surge.engine.state.PendingDelivery;
import dev.surge.engine.state.PendingPage;
import dev.surge.engine.state.PendingRefund;
import dev.surge.engine.state.PendingRefundPage;
import dev.surge.engine.state.RedeemerKey;
import dev.surge.engine.state.SupplierConfig;
import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The rich answer of a query (what the engine leaves on {@code CommandSlot.answer}: campaign
 * counters, a page of grants, the blocklist, its sizes after a change, pending deliveries and
 * refunds, the partners) as bytes after the reply in the cluster's answer message, and back into
 * the same objects, so that a gateway in front of a cluster renders them as it renders its own
 * ring's (docs/cluster.md). Writer and reader side by side; little-endian, strings as
 * {@link WireWriter} writes them (a length of 0xFFFF is null), enums by their wire codes (0xFF is
 * null), every list and map with a count:4 first.
 * <pre>
 * answer  tag:1, body
 *   CAMPAIGNS           count:4, campaign * count
 *   CAMPAIGN            campaign
 *   GRANTS              count:4, grant * count
 *   BLOCKLIST           users, devices, ips (each count:4, string * count)
 *   BLOCKLIST_SIZES     users:4, devices:4, ips:4
 *   PENDING_DELIVERIES  nextCursor:4, count:4, delivery * count
 *   PENDING_REFUNDS     nextCursor:4, count:4, refund * count
 *   PARTNERS            count:4, redeemer * count, count:4, supplier * count, count:4, (route, count:4, supplier * count) * count
 *   TOO_LARGE           size:4 (what the answer would have taken; the message would exceed what Aeron sends)
 * </pre>
 * A query's answer is operator or page-load traffic, never a claim's: this allocates freely.
 *
 * <p>Threading: stateless.
 */
public final class AnswerCodec {
    static final int NONE = 0;
    static final int CAMPAIGNS = 1;
    static final int CAMPAIGN = 2;
    static final int GRANTS = 3;
    static final int BLOCKLIST = 4;
    static final int BLOCKLIST_SIZES = 5;
    static final int PENDING_DELIVERIES = 6;
    static final int PENDING_REFUNDS = 7;
    static final int PARTNERS = 8;
    static final int TOO_LARGE = 0x7F;
    private static final int NULL_TEXT = 0xFFFF;
    private static final int NULL_CODE = 0xFF;
    /** Bytes a string may take on the wire: its length is 2 bytes, and 0xFFFF means null. */
    private static final int MAX_TEXT = NULL_TEXT - 1;

    /** What a reader makes of an answer that was too large to send: the size it would have taken. */
    public record TooLarge(int bytes) {
    }

    private AnswerCodec() {
    }

    /**
     * Writes {@code answer} (the slot's, after a {@code type} command) at {@code offset} of {@code dst}
     * (expandable); returns its length. An answer longer than {@code maxLength} is replaced by
     * {@code TOO_LARGE}. Throws IllegalArgumentException for an object no query answers with.
     */
    public static int write(CommandType type, Object answer, MutableDirectBuffer dst, int offset, int maxLength) {
        WireWriter w = new WireWriter().wrap(dst, offset);
        if (answer == null) {
            return 0;
        } else if (answer instanceof List<?> list && type == CommandType.QUERY_CAMPAIGNS) {
            w.putByte(CAMPAIGNS).putInt(list.size());
            for (Object c : list) {
                campaign(w, (CampaignCounters) c);
            }
        } else if (answer instanceof CampaignCounters c) {
            campaign(w.putByte(CAMPAIGN), c);
        } else if (answer instanceof List<?> list && type == CommandType.QUERY_USER_GRANTS) {
            w.putByte(GRANTS).putInt(list.size());
            for (Object g : list) {
                grant(w, (GrantSummary) g);
            }
        } else if (answer instanceof Blocklist.Entries e) {
            texts(texts(texts(w.putByte(BLOCKLIST), e.users()), e.devices()), e.ips());
        } else if (answer instanceof Blocklist.Sizes s) {
            w.putByte(BLOCKLIST_SIZES).putInt(s.users()).putInt(s.devices()).putInt(s.ips());
        } else if (answer instanceof PendingPage p) {
            w.putByte(PENDING_DELIVERIES).putInt(p.nextCursor()).putInt(p.items().size());
            for (PendingDelivery d : p.items()) {
                delivery(w, d);
            }
        } else if (answer instanceof PendingRefundPage p) {
            w.putByte(PENDING_REFUNDS).putInt(p.nextCursor()).putInt(p.refunds().size());
            for (PendingRefund r : p.refunds()) {
                refund(w, r);
            }
        } else if (answer instanceof Partners p) {
            partners(w.putByte(PARTNERS), p);
        } else {
            throw new IllegalArgumentException("no wire form for a " + type + " answer of "
                + answer.getClass().getName());
        }
        int length = w.position() - offset;
        if (length <= maxLength) {
            return length;
        }
        w.wrap(dst, offset).putByte(TOO_LARGE).putInt(length);
        return w.position() - offset;
    }

    /**
     * Reads an answer {@link #write} wrote (null for none; {@link TooLarge} for one that did not
     * fit). Throws IllegalArgumentException when the bytes are not one.
     */
    public static Object read(DirectBuffer src, int offset, int length) {
        if (length == 0) {
            return null;
        }
        WireReader r = new WireReader().wrap(src, offset, length);
        Object answer;
        try {
            int tag = r.getByte();
            answer = switch (tag) {
                case CAMPAIGNS -> list(r, AnswerCodec::campaign);
                case CAMPAIGN -> campaign(r);
                case GRANTS -> list(r, AnswerCodec::grant);
                case BLOCKLIST -> new Blocklist.Entries(texts(r), texts(r), texts(r));
                case BLOCKLIST_SIZES -> new Blocklist.Sizes(r.getInt(), r.getInt(), r.getInt());
                case PENDING_DELIVERIES -> {
                    int next = r.getInt();
                    yield new PendingPage(list(r, AnswerCodec::delivery), next);
                }
                case PENDING_REFUNDS -> {
                    int next = r.getInt();
                    yield new PendingRefundPage(list(r, AnswerCodec::refund), next);
                }
                case PARTNERS -> partners(r);
                case TOO_LARGE -> new TooLarge(r.getInt());
                default -> throw new IllegalArgumentException("unknown answer tag " + tag);
            };
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("an answer cut short", e);
        }
        if (r.remaining() != 0) {
            throw new IllegalArgumentException("an answer of " + length + " bytes left " + r.remaining() + " unread");
        }
        return answer;
    }

    // ---- campaigns ---------------------------------------------------------------------------

    private static void campaign(WireWriter w, CampaignCounters c) {
        text(w, c.id());
        text(w, c.name());
        code(w, c.status() == null ? NULL_CODE : c.status().code());
        w.putLong(c.startsAt()).putLong(c.endsAt()).putLong(c.granted()).putLong(c.redeemed());
        w.putInt(c.rejected().size());
        c.rejected().forEach((result, n) -> w.putByte(result.code()).putLong(n));
        w.putLong(c.deliveriesPending()).putLong(c.deliveriesDelivered()).putLong(c.deliveriesFailed());
        w.putInt(c.skus().size());
        for (CampaignCounters.SkuCounters s : c.skus()) {
            text(w, s.id());
            code(w, s.kind() == null ? NULL_CODE : s.kind().code());
            w.putLong(s.granted()).putLong(s.stockLeft()).putLong(s.codesLoaded());
        }
        w.putByte(c.risk() == null ? 0 : 1);
        if (c.risk() != null) {
            c.risk().writeTo(w);
        }
        w.putInt(c.riskRejected().size());
        c.riskRejected().forEach((reason, n) -> w.putByte(reason.code()).putLong(n));
        CampaignCounters.Orders o = c.orders();
        w.putLong(o.reserved()).putLong(o.paid()).putLong(o.cancelled()).putLong(o.expired())
            .putLong(o.refundsOwed()).putLong(o.refunded()).putLong(o.refundsFailed());
    }

    private static CampaignCounters campaign(WireReader r) {
        String id = text(r);
        String name = text(r);
        CampaignStatus status = code(r, CampaignStatus::of);
        long startsAt = r.getLong();
        long endsAt = r.getLong();
        long granted = r.getLong();
        long redeemed = r.getLong();
        Map<ResultCode, Long> rejected = new EnumMap<>(ResultCode.class);
        for (int i = count(r); i > 0; i--) {
            rejected.put(known(ResultCode.of(r.getByte() & 0xFF), "result"), r.getLong());
        }
        long pending = r.getLong();
        long delivered = r.getLong();
        long failed = r.getLong();
        List<CampaignCounters.SkuCounters> skus = list(r, in -> new CampaignCounters.SkuCounters(text(in),
            code(in, SkuKind::of), in.getLong(), in.getLong(), in.getLong()));
        RiskRules risk = r.getByte() == 0 ? null : RiskRules.readFrom(r);
        Map<RiskReason, Long> riskRejected = new EnumMap<>(RiskReason.class);
        for (int i = count(r); i > 0; i--) {
            riskRejected.put(known(RiskReason.of(r.getByte() & 0xFF), "risk reason"), r.getLong());
        }
        CampaignCounters.Orders orders = new CampaignCounters.Orders(r.getLong(), r.getLong(), r.getLong(),
            r.getLong(), r.getLong(), r.getLong(), r.getLong());
        return new CampaignCounters(id, name, status, startsAt, endsAt, granted, redeemed, rejected, pending,
            delivered, failed, skus, risk, riskRejected, orders);
    }

    // ---- grants ------------------------------------------------------------------------------

    private static void grant(WireWriter w, GrantSummary g) {
        text(w, g.grantId());
        text(w, g.campaign());
        text(w, g.sku());
        w.putLong(g.createdAt()).putLong(g.redeemedAt());
        w.putInt(g.items().size());
        for (GrantSummary.Item i : g.items()) {
            text(w, i.sku());
            w.putInt(i.codeIndex());
            text(w, i.code());
            code(w, i.status() == null ? NULL_CODE : i.status().code());
            text(w, i.supplier());
            w.putLong(i.validUntil());
        }
        code(w, g.status() == null ? NULL_CODE : g.status().code());
    }

    private static GrantSummary grant(WireReader r) {
        String id = text(r);
        String campaign = text(r);
        String sku = text(r);
        long createdAt = r.getLong();
        long redeemedAt = r.getLong();
        List<GrantSummary.Item> items = list(r, in -> new GrantSummary.Item(text(in), in.getInt(), text(in),
            code(in, DeliveryStatus::of), text(in), in.getLong()));
        return new GrantSummary(id, campaign, sku, createdAt, redeemedAt, items, code(r, GrantStatus::of));
    }

    // ---- pending deliveries and refunds ---------------------------------------------------------

    private static void delivery(WireWriter w, PendingDelivery d) {
        w.putLong(d.grantHi()).putInt(d.grantLo()).putInt(d.item());
        text(w, d.campaign());
        text(w, d.sku());
        text(w, d.account());
        texts(w, d.suppliers());
        w.putInt(d.supplierIndex()).putInt(d.attempts());
        code(w, d.lastOutcome() == null ? NULL_CODE : d.lastOutcome().code());
        w.putByte(d.revoked() ? 1 : 0);
    }

    private static PendingDelivery delivery(WireReader r) {
        return new PendingDelivery(r.getLong(), r.getInt(), r.getInt(), text(r), text(r), text(r), texts(r),
            r.getInt(), r.getInt(), code(r, DeliveryOutcome::of), r.getByte() != 0);
    }

    private static void refund(WireWriter w, PendingRefund p) {
        w.putLong(p.orderHi()).putInt(p.orderLo()).putInt(p.refund());
        text(w, p.transactionId());
        w.putLong(p.amount());
        text(w, p.currency());
        text(w, p.provider());
        code(w, p.reason() == null ? NULL_CODE : p.reason().code());
        w.putInt(p.attempts());
        code(w, p.lastOutcome() == null ? NULL_CODE : p.lastOutcome().code());
    }

    private static PendingRefund refund(WireReader r) {
        return new PendingRefund(r.getLong(), r.getInt(), r.getInt(), text(r), r.getLong(), text(r), text(r),
            code(r, RefundReason::of), r.getInt(), code(r, DeliveryOutcome::of));
    }

    // ---- partners ---------------------------------------------------------------------------

    private static void partners(WireWriter w, Partners p) {
        w.putInt(p.redeemers().size());
        for (RedeemerKey k : p.redeemers()) {
            text(w, k.redeemer());
            w.putBytes(k.keyHash(), 0, k.keyHash().length).putLong(k.createdAt());
            texts(w, k.campaigns());
        }
        w.putInt(p.suppliers().size());
        for (SupplierConfig s : p.suppliers()) {
            text(w, s.id());
            text(w, s.url());
            text(w, s.secret());
            w.putInt(s.timeoutMs()).putInt(s.maxConcurrency()).putLong(s.configuredAt());
        }
        w.putInt(p.routes().size());
        p.routes().forEach((route, suppliers) -> texts(text(w, route), suppliers));
    }

    private static Partners partners(WireReader r) {
        List<RedeemerKey> redeemers = list(r, in -> {
            String redeemer = text(in);
            int length = in.bytes();
            byte[] hash = new byte[length];
            in.buffer().getBytes(in.lastOffset(), hash);
            return new RedeemerKey(redeemer, hash, in.getLong(), texts(in));
        });
        List<SupplierConfig> suppliers = list(r, in -> new SupplierConfig(text(in), text(in), text(in), in.getInt(),
            in.getInt(), in.getLong()));
        Map<String, List<String>> routes = new LinkedHashMap<>();
        for (int i = count(r); i > 0; i--) {
            routes.put(text(r), texts(r));
        }
        return new Partners(redeemers, suppliers, routes);
    }

    // ---- parts ------------------------------------------------------------------------------

    private static WireWriter text(WireWriter w, String s) {
        if (s == null) {
            return w.putShort(NULL_TEXT);
        }
        if (s.length() > MAX_TEXT / 3 && s.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT) {
            throw new IllegalArgumentException("a string of " + s.length() + " characters in an answer");
        }
        return w.putString(s);
    }

    private static String text(WireReader r) {
        int length = r.buffer().getShort(r.position(), java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (length == NULL_TEXT) {
            r.position(r.position() + 2);
            return null;
        }
        return r.string();
    }

    private static WireWriter texts(WireWriter w, List<String> list) {
        w.putInt(list.size());
        for (String s : list) {
            text(w, s);
        }
        return w;
    }

    private static List<String> texts(WireReader r) {
        return list(r, AnswerCodec::text);
    }

    private static void code(WireWriter w, int code) {
        w.putByte(code);
    }

    /** An enum by its wire code; null for 0xFF, an error for a code this build does not know. */
    private static <E> E code(WireReader r, IntFunction<E> of) {
        int code = r.getByte() & 0xFF;
        return code == NULL_CODE ? null : known(of.apply(code), "code " + code);
    }

    private static <E> E known(E value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("an answer holds an unknown " + what);
        }
        return value;
    }

    private static int count(WireReader r) {
        int n = r.getInt();
        if (n < 0 || n > r.remaining()) {
            throw new IllegalArgumentException("an answer's count " + n + " exceeds its bytes");
        }
        return n;
    }

    private interface Item<T> {
        T read(WireReader r);
    }

    private static <T> List<T> list(WireReader r, Item<T> item) {
        int n = count(r);
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(item.read(r));
        }
        return list;
    }
}
