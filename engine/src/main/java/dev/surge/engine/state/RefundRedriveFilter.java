package dev.surge.engine.state;

import dev.surge.engine.RefundStatus;

/**
 * Which FAILED refunds an operator's re-drive covers (docs/refunds.md): of one order (or any), of
 * the payment provider named (or any). The decider counts with it and the applier changes with
 * it, so that replay re-drives exactly the refunds the live run did. Admin path: walks every
 * payment. Confined to the writer thread.
 */
final class RefundRedriveFilter {
    /** Receives one matching refund: its payment number. */
    @FunctionalInterface
    interface PaymentVisitor {
        void onPayment(int payment);
    }

    private final boolean anyOrder;
    private final long orderHi;
    private final int orderLo;
    private final String provider;

    /** An empty provider matches any. */
    RefundRedriveFilter(boolean anyOrder, long orderHi, int orderLo, String provider) {
        this.anyOrder = anyOrder;
        this.orderHi = orderHi;
        this.orderLo = orderLo;
        this.provider = provider;
    }

    /** Visits every matching refund in payment order; returns how many there were. */
    int forEach(EngineState s, PaymentVisitor visitor) {
        PaymentBook payments = s.payments;
        OrderBook orders = s.orders;
        int only = anyOrder ? OrderBook.NONE : orders.find(orderHi, orderLo);
        if (!anyOrder && only == OrderBook.NONE) {
            return 0;
        }
        int n = 0;
        for (int p = 0; p < payments.size; p++) {
            int o = payments.order[p];
            if (payments.refundStatus[p] != RefundStatus.FAILED.code() || (!anyOrder && o != only)
                || (!provider.isEmpty() && !provider.equals(s.skus[orders.sku[o]].paymentProvider))) {
                continue;
            }
            n++;
            if (visitor != null) {
                visitor.onPayment(p);
            }
        }
        return n;
    }
}
