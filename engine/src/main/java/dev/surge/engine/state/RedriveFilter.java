package dev.surge.engine.state;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;

/**
 * Which FAILED recharge items an operator's re-drive covers: of a campaign (or any), whose last
 * supplier is the one named (or any), that failed in {@code [from, to)}. The decider counts with
 * it and the applier changes with it, so that replay re-drives exactly the items the live run
 * did. Admin path: allocates nothing per item but walks every grant. Confined to the writer thread.
 */
final class RedriveFilter {
    /** Receives one matching item: its grant number and its item number. */
    @FunctionalInterface
    interface ItemVisitor {
        void onItem(int grant, int item);
    }

    private final String campaign;
    private final String supplier;
    private final long from;
    private final long to;

    /** Empty strings match any campaign or supplier. */
    RedriveFilter(String campaign, String supplier, long from, long to) {
        this.campaign = campaign;
        this.supplier = supplier;
        this.from = from;
        this.to = to;
    }

    /** Visits every matching item in grant order; returns how many there were. */
    int forEach(EngineState s, ItemVisitor visitor) {
        if (!anyFailed(s)) {
            return 0;
        }
        GrantBook grants = s.grants;
        int n = 0;
        for (int g = 0; g < grants.size; g++) {
            Sku grantSku = s.skus[grants.sku[g]];
            if ((!campaign.isEmpty() && !grantSku.campaign.id.equals(campaign))
                || grants.status[g] == GrantStatus.REVOKED.code()) {
                continue; // a revoked grant's recharge is never sent again (docs/lifecycle.md)
            }
            int first = grants.firstItem[g];
            for (int i = 0; i < grants.itemCount[g]; i++) {
                int item = first + i;
                if (matches(s, item)) {
                    n++;
                    if (visitor != null) {
                        visitor.onItem(g, item);
                    }
                }
            }
        }
        return n;
    }

    private boolean matches(EngineState s, int item) {
        GrantBook grants = s.grants;
        if (grants.itemStatus[item] != DeliveryStatus.FAILED.code()) {
            return false;
        }
        long at = s.deliveries.lastAt(item);
        if (at < from || at >= to) {
            return false;
        }
        if (supplier.isEmpty()) {
            return true;
        }
        int index = grants.itemSupplier[item];
        String[] suppliers = s.skus[grants.itemSku[item]].suppliers;
        return index >= 0 && index < suppliers.length && suppliers[index].equals(supplier);
    }

    private static boolean anyFailed(EngineState s) {
        for (int i = 0; i < s.campaignCount(); i++) {
            if (s.campaigns[i].deliveriesFailed > 0) {
                return true;
            }
        }
        return false;
    }
}
