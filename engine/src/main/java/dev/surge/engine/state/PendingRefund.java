package dev.surge.engine.state;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundReason;
import dev.surge.engine.util.GrantIds;

/**
 * A refund still owed (docs/payments.md), with what a dispatcher needs to send or resume it: the
 * payment to refund, the provider it goes to, its attempts and its last outcome (ask the provider
 * first when that outcome {@linkplain DeliveryOutcome#maybeApplied() may have landed}).
 *
 * @param refund the refund's number among its order's (the {@code -N} of its refund id)
 */
public record PendingRefund(long orderHi, int orderLo, int refund, String transactionId, long amount, String currency,
                            String provider, RefundReason reason, int attempts, DeliveryOutcome lastOutcome) {

    public String orderId() {
        return GrantIds.formatOrder(orderHi, orderLo);
    }

    /** The id the provider sees, and its Idempotency-Key: {@code <orderId>-<refund>}. */
    public String refundId() {
        return orderId() + "-" + refund;
    }
}
