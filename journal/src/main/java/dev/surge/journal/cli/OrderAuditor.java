package dev.surge.journal.cli;

import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.GrantIds;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paid-sales part of {@link InvariantAuditor} (docs/payments.md), with the same plain model:
 * <ul>
 *   <li>a reservation holds stock and counts against the limits as a grant does, only while the
 *       campaign is open; cancel and expiry give both back, so an expired order holds no stock;</li>
 *   <li>an order ends once: PAID, CANCELLED or EXPIRED, each only from RESERVED; PAID and
 *       CANCELLED only before {@code payBy}, EXPIRED only at or after it (never both granted and expired);</li>
 *   <li>a transaction id is recorded once; a payment is PAID only with the order's amount and
 *       currency; one that is not honoured owes a refund for the reason the order's state gives;</li>
 *   <li>every refund step matches a refund a payment owes, and REFUNDED or REFUND_FAILED is final:
 *       only an operator's re-drive makes a FAILED refund REQUIRED again, and it says how many.</li>
 * </ul>
 * Refunds still owed or failed at the end are reported as information.
 */
final class OrderAuditor {
    private final InvariantAuditor audit;
    private final Map<String, OrderModel> orders = new LinkedHashMap<>();
    private final Map<String, Long> transactions = new HashMap<>();
    /** Refund id ({@code <orderId>-<n>}) to its status code. */
    private final Map<String, Byte> refunds = new LinkedHashMap<>();
    /** Grant id to the order that paid for it. */
    private final Map<String, String> paidGrants = new HashMap<>();
    private long reserved;
    private long paid;
    private long refundsOwed;

    OrderAuditor(InvariantAuditor audit) {
        this.audit = audit;
    }

    private static final class OrderModel {
        final long sequence;
        final String campaign;
        final String sku;
        final String user;
        final String device;
        final String ip;
        final long amount;
        final String currency;
        final long payBy;
        OrderStatus status = OrderStatus.RESERVED;
        int refunds;
        /** The payment provider, as its first payment named it (a SKU has one). */
        String provider = "";

        OrderModel(long sequence, EventView e) {
            this.sequence = sequence;
            this.campaign = e.campaign();
            this.sku = e.sku();
            this.user = e.user();
            this.device = e.device();
            this.ip = e.ipLength > 0 ? InvariantAuditor.ipKey(e) : "";
            this.amount = e.amount;
            this.currency = e.currency();
            this.payBy = e.payBy;
        }
    }

    void reserved(long index, EventView e) {
        reserved++;
        long seq = e.sequence;
        String id = GrantIds.formatOrder(e.orderHi, e.orderLo);
        if (orders.containsKey(id)) {
            audit.violation("duplicate-order-id", seq, index, "order id " + id + " was already used at seq "
                + orders.get(id).sequence);
            return;
        }
        OrderModel o = new OrderModel(seq, e);
        orders.put(id, o);
        InvariantAuditor.CampaignModel c = audit.campaign(index, seq, o.campaign);
        InvariantAuditor.SkuModel k = c == null ? null : audit.sku(index, seq, c, o.sku);
        if (k == null) {
            return;
        }
        String name = InvariantAuditor.sku(c.id, k.id);
        audit.checkOpen(index, e, c, "order " + id + " of " + name + " for user " + o.user);
        if (k.kind == SkuKind.BUNDLE) {
            audit.violation("paid-bundle", seq, index, "order " + id + " reserves BUNDLE " + name
                + "; bundles are not sold paid");
        }
        k.held++;
        long onSale = k.kind == SkuKind.CODE ? k.loaded - k.withdrawn - k.issued : k.stock - k.granted;
        if (k.held > onSale) {
            audit.violation("stock-exceeded", seq, index, "order " + id + " holds unit " + k.held + " of " + name
                + " but only " + onSale + " were on sale");
        }
        audit.countLimits(index, e, c, k, o.user, "grants or reservations");
    }

    void cancelled(long index, EventView e) {
        String id = GrantIds.formatOrder(e.orderHi, e.orderLo);
        OrderModel o = close(index, e, id, OrderStatus.CANCELLED);
        if (o != null && e.timestamp >= o.payBy) {
            audit.violation("cancelled-after-payBy", e.sequence, index, "order " + id + " cancelled at "
                + TimeArgs.format(e.timestamp) + ", after its payBy " + TimeArgs.format(o.payBy) + " (it had expired)");
        }
    }

    void expired(long index, EventView e) {
        for (int i = 0; i < e.count; i++) {
            String id = GrantIds.formatOrder(e.expiredHi(i), e.expiredLo(i));
            OrderModel o = close(index, e, id, OrderStatus.EXPIRED);
            if (o != null && e.timestamp < o.payBy) {
                audit.violation("expired-early", e.sequence, index, "order " + id + " expired at "
                    + TimeArgs.format(e.timestamp) + ", before its payBy " + TimeArgs.format(o.payBy));
            }
        }
    }

    /** RESERVED to {@code to}: the held unit goes back on sale, the limits count one fewer. */
    private OrderModel close(long index, EventView e, String id, OrderStatus to) {
        OrderModel o = orders.get(id);
        if (o == null) {
            audit.violation("unknown-order", e.sequence, index, "order " + id + " " + to + " but never reserved");
            return null;
        }
        if (o.status != OrderStatus.RESERVED) {
            audit.violation("order-ended-twice", e.sequence, index, "order " + id + " " + to + " but it was already "
                + o.status);
            return null;
        }
        o.status = to;
        release(o);
        return o;
    }

    private void release(OrderModel o) {
        InvariantAuditor.CampaignModel c = audit.campaignModel(o.campaign);
        InvariantAuditor.SkuModel k = c == null ? null : c.skus.get(o.sku);
        if (k == null) {
            return;
        }
        k.held--;
        c.userCounts.merge(o.user, -1, Integer::sum);
        k.userCounts.merge(o.user, -1, Integer::sum);
        if (!o.device.isEmpty()) {
            c.deviceCounts.merge(o.device, -1, Integer::sum);
        }
        if (!o.ip.isEmpty()) {
            c.ipCounts.merge(o.ip, -1, Integer::sum);
        }
    }

    void payment(long index, EventView e) {
        long seq = e.sequence;
        String id = GrantIds.formatOrder(e.orderHi, e.orderLo);
        String tx = e.supplier() + "/" + e.transaction();
        Long before = transactions.putIfAbsent(tx, seq);
        if (before != null) {
            audit.violation("payment-twice", seq, index, "transaction " + tx + " recorded again (first at seq "
                + before + "): a provider's repeated notification must change nothing");
        }
        OrderModel o = orders.get(id);
        if (o == null) {
            audit.violation("unknown-order", seq, index, "payment " + tx + " recorded for order " + id
                + ", never reserved");
            return;
        }
        if (o.provider.isEmpty()) {
            o.provider = e.supplier();
        }
        boolean matches = e.amount == o.amount && o.currency.equals(e.currency());
        if (!matches && e.result != ResultCode.AMOUNT_MISMATCH) {
            audit.violation("payment-amount", seq, index, "payment " + tx + " of " + e.amount + " " + e.currency()
                + " for order " + id + " of " + o.amount + " " + o.currency + " was " + e.result);
        }
        if (e.result == ResultCode.PAID) {
            paid(index, e, id, o);
        } else if (e.result == ResultCode.REFUND_REQUIRED) {
            refundOwed(index, e, id, o);
        }
    }

    private void paid(long index, EventView e, String id, OrderModel o) {
        paid++;
        if (o.status != OrderStatus.RESERVED || e.timestamp >= o.payBy) {
            audit.violation("paid-not-reserved", e.sequence, index, "order " + id + " PAID at "
                + TimeArgs.format(e.timestamp) + " while " + o.status + " with payBy " + TimeArgs.format(o.payBy));
            return;
        }
        o.status = OrderStatus.PAID;
        paidGrants.put(GrantIds.format(e.grantHi, e.grantLo), id);
        InvariantAuditor.GrantModel g = audit.addGrant(index, e, o.user);
        InvariantAuditor.CampaignModel c = audit.campaignModel(o.campaign);
        InvariantAuditor.SkuModel k = c == null ? null : c.skus.get(o.sku);
        if (k != null) {
            k.held--; // the held unit is the one issued now
            audit.checkItems(index, e.sequence, c, k, new InvariantAuditor.GrantKey(e.grantHi, e.grantLo), g);
        }
    }

    private void refundOwed(long index, EventView e, String id, OrderModel o) {
        boolean late = o.status == OrderStatus.EXPIRED
            || (o.status == OrderStatus.RESERVED && e.timestamp >= o.payBy);
        RefundReason expected = o.status == OrderStatus.PAID ? RefundReason.DUPLICATE_PAYMENT
            : o.status == OrderStatus.CANCELLED ? RefundReason.CANCELLED_ORDER
            : late ? RefundReason.LATE_PAYMENT : null;
        if (expected == null || expected.code() != e.reason) {
            audit.violation("refund-reason", e.sequence, index, "payment " + e.transaction() + " of order " + id
                + " (" + o.status + ") refunded for " + RefundReason.of(e.reason) + ", expected "
                + (expected == null ? "PAID (it was in time)" : expected.name()));
        }
        if (o.status == OrderStatus.RESERVED && late) {
            o.status = OrderStatus.EXPIRED; // the late payment is what expired it
            release(o);
        }
        refundsOwed++;
        refunds.put(id + "-" + (++o.refunds), RefundStatus.REQUIRED.code());
    }

    /** A paid grant revoked: the payment that paid it is owed back (docs/payments.md). */
    void grantRevoked(EventView e) {
        String id = paidGrants.get(GrantIds.format(e.grantHi, e.grantLo));
        if (id != null) {
            refundsOwed++;
            refunds.put(id + "-" + (++orders.get(id).refunds), RefundStatus.REQUIRED.code());
        }
    }

    void refund(long index, EventView e) {
        String id = GrantIds.formatOrder(e.orderHi, e.orderLo) + "-" + e.refund;
        Byte status = refunds.get(id);
        if (status == null) {
            audit.violation("refund-unmatched", e.sequence, index, "refund " + id
                + " recorded, but no payment owes such a refund");
            return;
        }
        if (status != RefundStatus.REQUIRED.code()) {
            audit.violation("refund-after-final", e.sequence, index, "refund " + id + " recorded after it was "
                + RefundStatus.of(status).label());
            return;
        }
        refunds.put(id, (byte) e.status);
    }

    /**
     * An operator's re-drive (docs/refunds.md): the FAILED refunds of the order and provider it
     * names (or any) are REQUIRED again, and it must say how many.
     */
    void redriven(long index, EventView e) {
        String order = e.anyOrder ? null : GrantIds.formatOrder(e.orderHi, e.orderLo) + "-";
        String provider = e.supplier();
        int n = 0;
        for (Map.Entry<String, Byte> r : refunds.entrySet()) {
            String id = r.getKey();
            if (r.getValue() != RefundStatus.FAILED.code() || (order != null && !id.startsWith(order))) {
                continue;
            }
            OrderModel o = orders.get(id.substring(0, id.lastIndexOf('-')));
            if (provider.isEmpty() || (o != null && provider.equals(o.provider))) {
                r.setValue(RefundStatus.REQUIRED.code());
                n++;
            }
        }
        if (n != e.count) {
            audit.violation("refund-redrive-count", e.sequence, index, "refund re-drive by " + e.actor()
                + " says it covers " + e.count + " FAILED refunds; the journal has " + n + " that match");
        }
    }

    /** End of the journal: refunds still owed, and those that failed, are an operator's to see. */
    void finish() {
        for (Map.Entry<String, Byte> r : refunds.entrySet()) {
            if (r.getValue() == RefundStatus.REQUIRED.code()) {
                audit.info("refund-pending", 0, 0, "refund " + r.getKey() + " is still owed (REFUND_REQUIRED)");
            } else if (r.getValue() == RefundStatus.FAILED.code()) {
                audit.info("refund-failed", 0, 0, "refund " + r.getKey()
                    + " FAILED at the provider: an operator re-drives or settles it (docs/refunds.md)");
            }
        }
    }

    void summary(Map<String, Long> m) {
        m.put("ordersReserved", reserved);
        m.put("ordersPaid", paid);
        m.put("refundsOwed", refundsOwed);
    }
}
