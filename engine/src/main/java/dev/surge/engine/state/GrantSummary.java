package dev.surge.engine.state;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import java.util.List;

/** A read-only copy of one grant, for tools. Codes are present only when asked for. */
public record GrantSummary(String grantId, String campaign, String sku, long createdAt, long redeemedAt,
                           List<Item> items, GrantStatus status) {

    /**
     * One item; {@code codeIndex} is -1 for a recharge; {@code validUntil} is its code's validity
     * (epoch ms, docs/lifecycle.md), Long.MAX_VALUE for none.
     */
    public record Item(String sku, int codeIndex, String code, DeliveryStatus status, String supplier,
                       long validUntil) {
    }
}
