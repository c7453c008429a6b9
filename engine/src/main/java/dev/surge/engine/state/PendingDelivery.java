package dev.surge.engine.state;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.util.GrantIds;
import java.util.List;

/**
 * A recharge item without a final outcome, with what a dispatcher needs to resume it: where it
 * goes (account, SKU, the SKU's suppliers), which supplier it is at, its attempt number and its
 * last outcome (ask the supplier first when that outcome {@linkplain DeliveryOutcome#maybeApplied()
 * may have landed}).
 *
 * @param item          the item's place in its grant (the {@code -N} of its delivery id)
 * @param supplierIndex index into {@code suppliers} of the supplier it is at (0 before any record)
 * @param revoked       its grant was revoked: send nothing more that the supplier does not hold
 *                      already, record it CANCELLED (docs/lifecycle.md)
 */
public record PendingDelivery(long grantHi, int grantLo, int item, String campaign, String sku, String account,
                              List<String> suppliers, int supplierIndex, int attempts, DeliveryOutcome lastOutcome,
                              boolean revoked) {

    /** The id the supplier sees, and its Idempotency-Key: {@code <grantId>-<item>}. */
    public String deliveryId() {
        return deliveryId(grantHi, grantLo, item);
    }

    public static String deliveryId(long grantHi, int grantLo, int item) {
        return GrantIds.format(grantHi, grantLo) + "-" + item;
    }
}
