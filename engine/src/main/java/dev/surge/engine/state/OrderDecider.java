package dev.surge.engine.state;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * Paid sales after the reservation (docs/payments.md; a reservation is a claim, decided by
 * {@link ClaimDecider}): the owner's cancel, the provider's payment notification, the sweep that
 * expires orders not paid by {@code payBy}, the refund dispatcher's record of each step, an
 * operator's re-drive of FAILED refunds, and the order and pending-refund queries. Every decision is taken at the command's time, never a
 * wall clock, so a replay expires and refunds exactly what the live engine did.
 */
final class OrderDecider extends CommandDecider {
    /** Orders one sweep expires at most, so that a sweep never holds the writer for long. */
    static final int MAX_EXPIRED_PER_EVENT = 256;
    private static final int MAX_TRANSACTION = 64;
    private static final int MAX_ACTOR = 200;
    private final int[] due = new int[MAX_EXPIRED_PER_EVENT];
    /** The recharge account of the order being paid, copied out of the grant book's strings. */
    private final byte[] account = new byte[255];

    OrderDecider(Decision decision) {
        super(decision);
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case CANCEL_ORDER -> cancel();
            case NOTIFY_PAYMENT -> notifyPayment();
            case EXPIRE_ORDERS -> expireDue();
            case RECORD_REFUND -> recordRefund();
            case REDRIVE_REFUNDS -> redriveRefunds();
            case QUERY_ORDER -> queryOrder();
            case QUERY_PENDING_REFUNDS -> {
                int cursor = in.getInt();
                slot.answer = pendingRefunds(cursor, in.getInt());
                reply.result(ResultCode.FOUND);
            }
            default -> throw new IllegalArgumentException("not an OrderDecider command: " + type);
        }
    }

    private void cancel() {
        int userLen = in.bytes();
        int userOff = in.lastOffset();
        int o = ownOrder(userOff, userLen);
        if (o == OrderBook.NONE) {
            reply.result(ResultCode.NOT_FOUND); // another user's order is indistinguishable from none
            return;
        }
        OrderBook orders = state.orders;
        if (orders.status[o] == OrderStatus.CANCELLED.code()) {
            reply.replayed(ResultCode.CANCELLED); // cancelling twice changes nothing
        } else if (!orders.reserved(o) || time >= orders.payBy[o]) {
            reply.result(ResultCode.ORDER_CLOSED); // paid, or expired (swept or not)
        } else {
            header(EventType.ORDER_CANCELLED);
            out.putBytes(cmd, userOff, userLen).putLong(orders.idHi[o]).putInt(orders.idLo[o]);
            commit(ResultCode.CANCELLED);
        }
        reply.order(o);
    }

    /** The order the command names if the caller (user in the command; empty: an operator) owns it, or NONE. */
    private int ownOrder(int userOff, int userLen) {
        int o = state.orders.find(in.getLong(), in.getInt());
        if (o == OrderBook.NONE || userLen == 0) {
            return o;
        }
        long user = identities.user(cmd, userOff, userLen);
        return state.orders.owns(o, identities.userHigh(), user) ? o : OrderBook.NONE;
    }

    /** Order: the transaction seen before, the order, its provider, amount and currency, then in time or not. */
    private void notifyPayment() {
        int providerLen = in.bytes();
        int providerOff = in.lastOffset();
        int txLen = in.bytes();
        int txOff = in.lastOffset();
        long hi = in.getLong();
        int lo = in.getInt();
        long amount = in.getLong();
        int currencyLen = in.bytes();
        int currencyOff = in.lastOffset();
        if (txLen < 1 || txLen > MAX_TRANSACTION) {
            reply.invalid("transactionId: 1-" + MAX_TRANSACTION + " characters");
            return;
        }
        int seen = state.payments.find(cmd, txOff, txLen);
        OrderBook orders = state.orders;
        if (seen != PaymentBook.NONE) {
            reply.replayed(ResultCode.of(state.payments.result[seen])); // the provider's retry: the first answer
            reply.order(state.payments.order[seen]);
            return;
        }
        int o = orders.find(hi, lo);
        Sku sku = o == OrderBook.NONE ? null : state.skus[orders.sku[o]];
        if (sku == null || !sameText(sku.paymentProvider, providerOff, providerLen)) {
            reply.result(ResultCode.NOT_FOUND); // no order, or not this provider's: nothing to record it against
            return;
        }
        ResultCode result;
        RefundReason reason = RefundReason.NONE;
        if (amount != orders.amount[o]
            || OrderBook.packCurrency(cmd, currencyOff, currencyLen) != orders.currency[o]) {
            result = ResultCode.AMOUNT_MISMATCH;
        } else if (orders.reserved(o) && time < orders.payBy[o]) {
            result = ResultCode.PAID;
        } else {
            result = ResultCode.REFUND_REQUIRED;
            reason = orders.status[o] == OrderStatus.PAID.code() ? RefundReason.DUPLICATE_PAYMENT
                : orders.status[o] == OrderStatus.CANCELLED.code() ? RefundReason.CANCELLED_ORDER
                : RefundReason.LATE_PAYMENT;
        }
        header(EventType.PAYMENT_RECORDED);
        out.putBytes(cmd, providerOff, providerLen).putBytes(cmd, txOff, txLen).putLong(hi).putInt(lo)
            .putBytes(sku.campaign.idBytes).putBytes(sku.idBytes).putLong(amount).putBytes(cmd, currencyOff, currencyLen)
            .putByte(result.code()).putByte(reason.code());
        if (result == ResultCode.PAID) {
            writeGrant(sku, o);
        }
        commit(result);
        reply.order(o);
    }

    /**
     * The grant a paid order becomes: one item, the SKU's next code or a recharge (bundles are not
     * sold paid), then the recharge account the order was reserved with, so that the event alone
     * says where a recharge goes.
     */
    private void writeGrant(Sku sku, int o) {
        state.grants.nextId();
        out.putLong(state.grants.ids.hi()).putInt(state.grants.ids.lo()).putByte(1).putBytes(sku.idBytes)
            .putInt(sku.kind == SkuKind.CODE ? sku.pool.issued : GrantBook.NONE);
        int at = state.orders.account[o];
        out.putBytes(account, 0, at == OrderBook.NONE ? 0 : state.grants.accounts.read(at, account));
    }

    private boolean sameText(String s, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (cmd.getByte(off + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Expires the RESERVED orders whose {@code payBy} has come, up to {@link #MAX_EXPIRED_PER_EVENT} per event. */
    private void expireDue() {
        OrderBook orders = state.orders;
        int n = 0;
        while (n < due.length) {
            int o = orders.pollDue(time);
            if (o == OrderBook.NONE) {
                break;
            }
            due[n++] = o;
        }
        if (n > 0) {
            header(EventType.ORDERS_EXPIRED);
            out.putInt(n);
            for (int i = 0; i < n; i++) {
                out.putLong(orders.idHi[due[i]]).putInt(orders.idLo[due[i]]);
            }
            commit(ResultCode.OK);
        } else {
            reply.result(ResultCode.OK);
        }
        state.orderDeadline = orders.nextDeadline();
        reply.count(n);
    }

    /** A refund dispatcher's step: REQUIRED stays REQUIRED until REFUNDED or FAILED; those are final. */
    private void recordRefund() {
        int start = in.position();
        int o = state.orders.find(in.getLong(), in.getInt());
        int refund = in.getByte() & 0xFF;
        RefundStatus status = RefundStatus.of(in.getByte());
        in.getInt(); // attempt, as the dispatcher numbers them
        in.bytes(); // detail
        DeliveryOutcome outcome = DeliveryOutcome.of(in.getByte() & 0xFF);
        int p = o == OrderBook.NONE ? PaymentBook.NONE : state.payments.refundOf(state.orders.newestPayment[o], refund);
        if (p == PaymentBook.NONE) {
            reply.result(ResultCode.NOT_FOUND);
            return;
        }
        if (status == null || outcome == null) {
            reply.invalid("status: unknown refund status or outcome");
            return;
        }
        if (!state.payments.refundPending(p)) {
            reply.invalid("refund: already " + RefundStatus.of(state.payments.refundStatus[p]) + "; that is final");
            return;
        }
        header(EventType.REFUND_RECORDED);
        copyCommandFrom(start);
        commit(ResultCode.OK);
    }

    /**
     * An operator's re-drive (docs/refunds.md): the FAILED refunds the filter covers are REQUIRED
     * again, one event for all of them; when none match, nothing is journaled.
     */
    private void redriveRefunds() {
        String actor = in.string();
        boolean anyOrder = in.getByte() != 0;
        long orderHi = in.getLong();
        int orderLo = in.getInt();
        int providerLen = in.bytes();
        int providerOff = in.lastOffset();
        if (actor.isEmpty() || actor.length() > MAX_ACTOR) {
            reply.invalid("requestedBy: who asks, 1-" + MAX_ACTOR + " characters");
            return;
        }
        String provider = cmd.getStringWithoutLengthUtf8(providerOff, providerLen);
        int count = new RefundRedriveFilter(anyOrder, orderHi, orderLo, provider).forEach(state, null);
        if (count > 0) {
            header(EventType.REFUNDS_REDRIVEN);
            out.putString(actor).putByte(anyOrder ? 1 : 0).putLong(orderHi).putInt(orderLo)
                .putBytes(cmd, providerOff, providerLen).putInt(count);
            commit(ResultCode.OK);
        } else {
            reply.result(ResultCode.OK); // nothing matched: nothing changes, nothing to journal
        }
        reply.count(count);
    }

    private void queryOrder() {
        int userLen = in.bytes();
        int userOff = in.lastOffset();
        int o = ownOrder(userOff, userLen);
        if (o == OrderBook.NONE) {
            reply.result(ResultCode.NOT_FOUND);
            return;
        }
        reply.result(ResultCode.FOUND);
        reply.order(o);
    }

    /** Refunds still REQUIRED, in payment order from {@code cursor}; walks at most 65,536 payments per page. */
    private PendingRefundPage pendingRefunds(int cursor, int limit) {
        PaymentBook payments = state.payments;
        OrderBook orders = state.orders;
        List<PendingRefund> refunds = new ArrayList<>();
        int p = Math.max(0, cursor);
        int end = (int) Math.min(payments.size, (long) p + 65_536);
        for (; p < end && refunds.size() < limit; p++) {
            if (payments.refundPending(p)) {
                int o = payments.order[p];
                Sku sku = state.skus[orders.sku[o]];
                refunds.add(new PendingRefund(orders.idHi[o], orders.idLo[o], payments.refund[p], payments.transaction(p),
                    payments.amount[p], OrderBook.currencyText(orders.currency[o]), sku.paymentProvider,
                    RefundReason.of(payments.reason[p]), payments.refundAttempts[p],
                    DeliveryOutcome.of(payments.refundOutcome[p] & 0xFF)));
            }
        }
        return new PendingRefundPage(refunds, p >= payments.size ? -1 : p);
    }
}
