package dev.surge.engine.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a gateway checks credentials against at its edge, copied from the state in one query
 * ({@code QUERY_PARTNERS}): the merchants' redeemer keys (hashes and scopes), the suppliers with
 * their secrets (a payment provider is configured as a supplier, and signs its notifications with
 * its secret), and every DIRECT_RECHARGE SKU's suppliers in failover order, keyed
 * {@code campaign/sku}. A gateway with a state machine of its own reads these from it at start; a
 * gateway in front of a cluster has none, and asks (docs/cluster.md). Secrets included: never print one.
 */
public record Partners(List<RedeemerKey> redeemers, List<SupplierConfig> suppliers,
                       Map<String, List<String>> routes) {
    public Partners {
        redeemers = List.copyOf(redeemers);
        suppliers = List.copyOf(suppliers);
        routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    }
}
