package dev.surge.engine.reply;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.util.GrantIds;
import dev.surge.engine.wire.WireReader;
import org.agrona.DirectBuffer;

/**
 * Reads the reply the engine wrote into a slot. Layout, after {@code result:1, replayed:1,
 * reason:1}:
 * <pre>
 * CLAIM        campaign, sku, then when GRANTED a GRANT, when RESERVED an ORDER
 * CANCEL_ORDER, NOTIFY_PAYMENT, QUERY_ORDER  an ORDER, unless NOT_FOUND
 * EXPIRE_ORDERS  count:4 (orders expired)
 * REDEEM_*     grantHi:8, grantLo:4
 * QUERY_GRANT  when FOUND a GRANT
 * LOAD_CODES   when OK loaded:4, duplicatesSkipped:4, available:8
 * REDRIVE_DELIVERIES  when OK count:4 (items made pending again)
 * REDRIVE_REFUNDS     when OK count:4 (refunds made REQUIRED again)
 * any INVALID  message
 * REVOKE_GRANT, REISSUE_GRANT, TRANSFER_GRANT  grantHi:8, grantLo:4 (for a re-issue: the new grant's)
 * GRANT = grantHi:8, grantLo:4, campaign, sku, createdAt:8, redeemedAt:8, delivery:1, itemCount:1,
 *         (sku, kind:1, code, status:1, supplier) * itemCount, grantStatus:1, (validUntil:8) * itemCount
 *   (the lifecycle part last, so that a claim's answer reads as before it: ClaimReplyJson)
 * </pre>
 * ORDER = orderHi:8, orderLo:4, campaign, sku, status:1, amount:8, currency, payBy:8, createdAt:8,
 *         grantHi:8, grantLo:4 (0, 0 until paid), refundCount:1,
 *         (refund:1, transaction, amount:8, reason:1, status:1) * refundCount
 * Allocating accessors: for the gateway's rendering and for tests, after the hot path.
 */
public final class ReplyView {
    private final WireReader r = new WireReader();
    public ResultCode result;
    public boolean replayed;
    public int reason;
    public String message = "";
    public String campaign = "";
    public String sku = "";
    public long grantHi;
    public int grantLo;
    public boolean hasGrant;
    public long createdAt;
    public long redeemedAt;
    public DeliveryStatus delivery;
    /** The grant's lifecycle status (docs/lifecycle.md). */
    public GrantStatus status;
    public int loaded;
    public int duplicatesSkipped;
    public long available;
    /** REDRIVE_DELIVERIES: items made pending again; REDRIVE_REFUNDS: refunds made REQUIRED again. */
    public int count;
    public final java.util.List<Item> items = new java.util.ArrayList<>();
    /** CLAIM when RESERVED, and the order commands: the order as it is after the decision. */
    public boolean hasOrder;
    public long orderHi;
    public int orderLo;
    public OrderStatus orderStatus;
    public long amount;
    public String currency = "";
    public long payBy;
    public final java.util.List<Refund> refunds = new java.util.ArrayList<>();

    /** A payment of the order that is refunded, newest first. */
    public record Refund(int refund, String transactionId, long amount, RefundReason reason, RefundStatus status) {
    }

    /**
     * One granted item. {@code code} is empty for a recharge; {@code validUntil} is its code's
     * validity (epoch ms), Long.MAX_VALUE for none.
     */
    public record Item(String sku, SkuKind kind, String code, DeliveryStatus status, String supplier,
                       long validUntil) {
    }

    public ReplyView read(CommandType type, DirectBuffer buffer, int length) {
        r.wrap(buffer, 0, length);
        items.clear();
        refunds.clear();
        hasGrant = hasOrder = false;
        message = campaign = sku = "";
        result = ResultCode.of(r.getByte());
        replayed = r.getByte() != 0;
        reason = r.getByte();
        if (result == ResultCode.INVALID) {
            message = r.string();
            return this;
        }
        switch (type) {
            case CLAIM -> {
                if (result != ResultCode.IDEMPOTENCY_KEY_REUSED && result != ResultCode.ACCOUNT_REQUIRED) {
                    campaign = r.string();
                    sku = r.string();
                    if (result == ResultCode.GRANTED) {
                        grant();
                    } else if (result == ResultCode.RESERVED) {
                        order();
                    }
                }
            }
            case REDEEM_GRANT, REDEEM_CODE, REVOKE_GRANT, REISSUE_GRANT, TRANSFER_GRANT -> {
                if (result != ResultCode.IDEMPOTENCY_KEY_REUSED) {
                    grantHi = r.getLong();
                    grantLo = r.getInt();
                }
            }
            case QUERY_GRANT -> {
                if (result == ResultCode.FOUND) {
                    grant();
                }
            }
            case CANCEL_ORDER, NOTIFY_PAYMENT, QUERY_ORDER -> {
                if (result != ResultCode.NOT_FOUND) {
                    order();
                }
            }
            case EXPIRE_ORDERS -> count = r.getInt();
            case REDRIVE_DELIVERIES, REDRIVE_REFUNDS -> {
                if (result == ResultCode.OK) {
                    count = r.getInt();
                }
            }
            case LOAD_CODES -> {
                if (result == ResultCode.OK) {
                    loaded = r.getInt();
                    duplicatesSkipped = r.getInt();
                    available = r.getLong();
                }
            }
            default -> {
            }
        }
        return this;
    }

    private void grant() {
        hasGrant = true;
        grantHi = r.getLong();
        grantLo = r.getInt();
        campaign = r.string();
        sku = r.string();
        createdAt = r.getLong();
        redeemedAt = r.getLong();
        delivery = DeliveryStatus.of(r.getByte());
        int n = r.getByte() & 0xFF;
        String[] skus = new String[n];
        SkuKind[] kinds = new SkuKind[n];
        String[] codes = new String[n];
        DeliveryStatus[] statuses = new DeliveryStatus[n];
        String[] suppliers = new String[n];
        for (int i = 0; i < n; i++) {
            skus[i] = r.string();
            kinds[i] = SkuKind.of(r.getByte());
            codes[i] = r.string();
            statuses[i] = DeliveryStatus.of(r.getByte());
            suppliers[i] = r.string();
        }
        boolean lifecycle = r.remaining() > 0; // a reply built without it (tools, tests) reads as in force
        status = lifecycle ? GrantStatus.of(r.getByte()) : GrantStatus.ACTIVE;
        for (int i = 0; i < n; i++) {
            items.add(new Item(skus[i], kinds[i], codes[i], statuses[i], suppliers[i],
                lifecycle ? r.getLong() : Long.MAX_VALUE));
        }
    }

    private void order() {
        hasOrder = true;
        orderHi = r.getLong();
        orderLo = r.getInt();
        campaign = r.string();
        sku = r.string();
        orderStatus = OrderStatus.of(r.getByte());
        amount = r.getLong();
        currency = r.string();
        payBy = r.getLong();
        createdAt = r.getLong();
        grantHi = r.getLong();
        grantLo = r.getInt();
        hasGrant = grantHi != 0 || grantLo != 0;
        int n = r.getByte() & 0xFF;
        for (int i = 0; i < n; i++) {
            int refund = r.getByte() & 0xFF;
            String transaction = r.string();
            long paid = r.getLong();
            RefundReason reason = RefundReason.of(r.getByte());
            refunds.add(new Refund(refund, transaction, paid, reason, RefundStatus.of(r.getByte())));
        }
    }

    public String orderId() {
        return GrantIds.formatOrder(orderHi, orderLo);
    }

    public String grantId() {
        return GrantIds.format(grantHi, grantLo);
    }
}
