package dev.surge.engine.state;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;

/**
 * Applies the events of paid sales (docs/payments.md): a reservation holds a unit of stock and
 * counts against the limits as a grant does; cancel and expiry give both back; a payment in time
 * turns the order into its grant; one that cannot be honoured owes a refund. Part of
 * {@link EventApplier}, the only code that changes state. Confined to the writer thread.
 */
final class OrderApplier {
    private final EngineState state;
    private final EventApplier applier;
    private final Identities identities;

    OrderApplier(EngineState state, EventApplier applier) {
        this.state = state;
        this.applier = applier;
        this.identities = state.identities;
    }

    void reserve(EventView e) {
        DirectBuffer b = e.buffer();
        Campaign c = state.campaign(b, e.campaignOffset, e.campaignLength);
        Sku sku = state.sku(c, b, e.skuOffset, e.skuLength);
        long user = identities.user(b, e.userOffset, e.userLength);
        long userHigh = identities.userHigh();
        OrderBook orders = state.orders;
        int o = orders.add(e.orderHi, e.orderLo, userHigh, user, sku.index, e.amount, e.timestamp, e.payBy);
        orders.currency[o] = OrderBook.packCurrency(b, e.currencyOffset, e.currencyLength);
        if (e.accountLength > 0) {
            orders.account[o] = state.grants.accounts.add(b, e.accountOffset, e.accountLength);
        }
        if (e.deviceLength > 0) {
            orders.device[o] = identities.device(b, e.deviceOffset, e.deviceLength);
            orders.counted[o] |= OrderBook.COUNTS_DEVICE;
        }
        if (e.ipLength > 0) {
            orders.address[o] = identities.address(b, e.ipOffset, e.ipLength);
            orders.counted[o] |= OrderBook.COUNTS_IP;
        }
        sku.held++;
        c.ordersReserved++;
        if (e.payBy < state.orderDeadline) {
            state.orderDeadline = e.payBy;
        }
        ClaimFacts f = applier.parsed.claim(e, c, sku, userHigh, user);
        applier.countLimits(f, +1);
        state.risk.onClaim(c.index, e.timestamp, ResultCode.RESERVED, 0, applier.subject(f));
        applier.remember(f, ResultCode.RESERVED, o);
    }

    void cancel(EventView e) {
        int o = state.orders.find(e.orderHi, e.orderLo);
        close(o, OrderStatus.CANCELLED);
        campaignOf(o).ordersCancelled++;
    }

    void expire(EventView e) {
        for (int i = 0; i < e.count; i++) {
            expire(state.orders.find(e.expiredHi(i), e.expiredLo(i)));
        }
    }

    private void expire(int o) {
        close(o, OrderStatus.EXPIRED);
        campaignOf(o).ordersExpired++;
    }

    void payment(EventView e) {
        OrderBook orders = state.orders;
        PaymentBook payments = state.payments;
        int o = orders.find(e.orderHi, e.orderLo);
        int p = payments.add(e.buffer(), e.transactionOffset, e.transactionLength, o, orders.newestPayment[o]);
        orders.newestPayment[o] = p;
        payments.amount[p] = e.amount;
        payments.at[p] = e.timestamp;
        payments.result[p] = e.result.code();
        payments.reason[p] = (byte) e.reason;
        Campaign c = campaignOf(o);
        if (e.result == ResultCode.PAID) {
            pay(e, o, c);
        } else if (e.result == ResultCode.REFUND_REQUIRED) {
            if (e.reason == RefundReason.LATE_PAYMENT.code() && orders.reserved(o)) {
                expire(o); // due, and not swept yet: the late payment is what expires it
            }
            owe(p, o, c, e.timestamp);
        }
    }

    /** A revoked grant that an order paid for: the payment that paid it is refunded, reason REVOKED. */
    void grantRevoked(EventView e) {
        int o = state.orders.ofGrant(state.grants.find(e.grantHi, e.grantLo));
        if (o == OrderBook.NONE) {
            return;
        }
        PaymentBook payments = state.payments;
        for (int p = state.orders.newestPayment[o]; p != PaymentBook.NONE; p = payments.previousOfOrder[p]) {
            if (payments.result[p] == ResultCode.PAID.code()) {
                payments.reason[p] = RefundReason.REVOKED.code();
                owe(p, o, campaignOf(o), e.timestamp);
                return;
            }
        }
    }

    /** Payment {@code p} of order {@code o} is owed back: the order's next refund, REQUIRED. */
    private void owe(int p, int o, Campaign c, long time) {
        PaymentBook payments = state.payments;
        payments.refund[p] = (byte) (refundsOf(o) + 1);
        payments.refundStatus[p] = RefundStatus.REQUIRED.code();
        payments.refundAt[p] = time;
        c.refundsRequired++;
    }

    private void pay(EventView e, int o, Campaign c) {
        OrderBook orders = state.orders;
        Sku sku = state.skus[orders.sku[o]];
        sku.held--;
        orders.status[o] = OrderStatus.PAID.code();
        int g = applier.issue(applier.parsed.paid(e, c, sku), orders.ownerHigh[o], orders.ownerLow[o]);
        state.grants.account[g] = orders.account[o];
        orders.paid(o, g);
        c.ordersPaid++;
    }

    void refund(EventView e) {
        OrderBook orders = state.orders;
        PaymentBook payments = state.payments;
        int o = orders.find(e.orderHi, e.orderLo);
        int p = payments.refundOf(orders.newestPayment[o], e.refund);
        byte before = payments.refundStatus[p];
        payments.refundStatus[p] = (byte) e.status;
        payments.refundAttempts[p] = e.attempt;
        payments.refundOutcome[p] = (byte) e.outcome;
        payments.refundAt[p] = e.timestamp;
        if (before != e.status) {
            Campaign c = campaignOf(o);
            adjust(c, before, -1);
            adjust(c, (byte) e.status, +1);
        }
    }

    /** FAILED refunds the operator's filter covers are REQUIRED again, their attempts kept (docs/refunds.md). */
    void redrive(EventView e) {
        PaymentBook payments = state.payments;
        new RefundRedriveFilter(e.anyOrder, e.orderHi, e.orderLo, e.supplier()).forEach(state, p -> {
            Campaign c = campaignOf(payments.order[p]);
            adjust(c, RefundStatus.FAILED.code(), -1);
            adjust(c, RefundStatus.REQUIRED.code(), +1);
            payments.refundStatus[p] = RefundStatus.REQUIRED.code();
            payments.refundOutcome[p] = (byte) DeliveryOutcome.REDRIVEN.code();
            payments.refundAt[p] = e.timestamp;
        });
    }

    private static void adjust(Campaign c, byte status, int by) {
        if (status == RefundStatus.REQUIRED.code()) {
            c.refundsRequired += by;
        } else if (status == RefundStatus.REFUNDED.code()) {
            c.refundsDone += by;
        } else if (status == RefundStatus.FAILED.code()) {
            c.refundsFailed += by;
        }
    }

    private int refundsOf(int o) {
        int n = 0;
        PaymentBook payments = state.payments;
        for (int p = state.orders.newestPayment[o]; p != PaymentBook.NONE; p = payments.previousOfOrder[p]) {
            n = Math.max(n, payments.refund[p]);
        }
        return n;
    }

    /** Ends a RESERVED order unpaid: its unit back on sale, its claim no longer counted against the limits. */
    private void close(int o, OrderStatus to) {
        OrderBook orders = state.orders;
        Sku sku = state.skus[orders.sku[o]];
        Campaign c = sku.campaign;
        long userHigh = orders.ownerHigh[o];
        long user = orders.ownerLow[o];
        sku.held--;
        orders.status[o] = to.code();
        state.users.add(EngineState.CAMPAIGN_USER, c.index, userHigh, user, -1);
        state.users.add(EngineState.SKU_USER, sku.index, userHigh, user, -1);
        if ((orders.counted[o] & OrderBook.COUNTS_DEVICE) != 0) {
            applier.count(EngineState.CAMPAIGN_DEVICE, c.index, orders.device[o], -1);
        }
        if ((orders.counted[o] & OrderBook.COUNTS_IP) != 0) {
            applier.count(EngineState.CAMPAIGN_IP, c.index, orders.address[o], -1);
        }
    }

    private Campaign campaignOf(int o) {
        return state.skus[state.orders.sku[o]].campaign;
    }
}
