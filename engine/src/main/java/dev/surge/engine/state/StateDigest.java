package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;

/**
 * A 64-bit digest of everything in the state, so that two states (live and replayed, or
 * snapshot-restored) can be compared in one number. Hash-table contents are summed, so the
 * digest does not depend on table capacity or insertion history.
 */
final class StateDigest {
    private long h = 17;

    private StateDigest() {
    }

    static long of(EngineState s) {
        StateDigest d = new StateDigest();
        d.add(s.lastSequence).add(s.lastTimestamp).add(s.campaignCount()).add(s.skuCount());
        for (int i = 0; i < s.campaignCount(); i++) {
            Campaign c = s.campaigns[i];
            d.add(c.id.hashCode()).add(c.name.hashCode()).add(c.startsAt).add(c.endsAt).add(c.redeemUntil)
                .add(c.perUserLimit).add(c.perDeviceLimit).add(c.perIpLimit).add(c.status.code())
                .add(c.granted).add(c.redeemed).add(c.deliveriesPending).add(c.deliveriesDelivered)
                .add(c.deliveriesFailed);
            for (long r : c.rejected) {
                d.add(r);
            }
        }
        for (int i = 0; i < s.skuCount(); i++) {
            Sku k = s.skus[i];
            d.add(k.campaign.index).add(k.id.hashCode()).add(k.kind.code()).add(k.stock).add(k.granted)
                .add(k.perUserLimit).add(java.util.Arrays.hashCode(k.suppliers))
                .add(java.util.Arrays.hashCode(k.itemSkus)).add(java.util.Arrays.hashCode(k.itemQty))
                .add(k.codeValidUntil);
            if (k.pool != null) {
                CodePool p = k.pool;
                d.add(p.size).add(p.issued).add(p.withdrawn)
                    .add(Hashing.hash(p.arena(), 0, p.arenaUsed()));
                for (int c = 0; c < p.size; c++) {
                    d.add(p.length(c)).add(p.grantOf(c));
                }
                d.add(p.runs());
                for (int r = 0; r < p.runs(); r++) {
                    d.add(p.runFirst(r)).add(p.runUntil(r));
                }
            }
        }
        GrantBook g = s.grants;
        d.add(g.size).add(g.items);
        for (int i = 0; i < g.size; i++) {
            d.add(g.idHi[i]).add(g.idLo[i]).add(g.ownerHigh[i]).add(g.ownerLow[i]).add(g.sku[i]).add(g.createdAt[i]).add(g.redeemedAt[i])
                .add(g.previousOfUser[i]).add(g.firstItem[i]).add(g.itemCount[i]).add(g.account[i]).add(g.status[i]);
        }
        for (int i = 0; i < g.items; i++) {
            d.add(g.itemSku[i]).add(g.itemCode[i]).add(g.itemStatus[i]).add(g.itemSupplier[i]);
        }
        d.add(g.accounts.hash());
        long[] counts = {s.subjects.size()};
        s.subjects.forEach((key, value) -> counts[0] += Hashing.combine(key, value));
        d.add(counts[0]).add(s.users.digest(s.lastTimestamp)).add(s.idempotency.digest(s.lastTimestamp))
            .add(s.redeemers.keys.size());
        for (RedeemerKey k : s.redeemers.keys) {
            d.add(k.redeemer().hashCode()).add(Hashing.hash(k.keyHash(), 0, k.keyHash().length)).add(k.createdAt())
                .add(k.campaigns().size());
            for (int i = 0; i < k.campaigns().size(); i++) {
                d.add(k.campaigns().get(i).hashCode());
            }
        }
        d.add(s.risk.digest());
        d.add(s.suppliers.suppliers.size());
        for (SupplierConfig c : s.suppliers.suppliers) {
            d.add(c.id().hashCode()).add(c.url().hashCode()).add(c.secret().hashCode()).add(c.timeoutMs())
                .add(c.maxConcurrency()).add(c.configuredAt());
        }
        DeliveryBook deliveries = s.deliveries;
        d.add(deliveries.size);
        for (int i = 0; i < deliveries.size; i++) {
            d.add(deliveries.attempts[i]).add(deliveries.outcome[i]).add(deliveries.lastAt[i]);
        }
        OrderSnapshot.digest(s, d::add);
        return d.h;
    }

    private StateDigest add(long v) {
        h = Hashing.combine(h, v);
        return this;
    }
}
