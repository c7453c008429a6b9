package dev.surge.engine.state;

import java.util.List;

/**
 * One page of refunds still owed, in payment order. {@code nextCursor} continues the scan, or
 * is -1 when the scan has reached the newest payment.
 */
public record PendingRefundPage(List<PendingRefund> refunds, int nextCursor) {
}
