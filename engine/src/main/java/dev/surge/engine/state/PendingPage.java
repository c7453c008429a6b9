package dev.surge.engine.state;

import java.util.List;

/**
 * One page of pending recharge items, in grant order. {@code nextCursor} continues the scan
 * (a grant number), or is -1 when the scan has reached the newest grant.
 */
public record PendingPage(List<PendingDelivery> items, int nextCursor) {
}
