package dev.surge.engine.state;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Identities;

/**
 * Applies the lifecycle events of grants (docs/lifecycle.md) for {@link EventApplier}: a
 * revocation, a re-issue (the old grant revoked, a new grant of a fresh code to the same owner,
 * counted against no limit), a transfer (the grant changes owner; the limits it used stay with
 * whoever claimed it). Confined to the writer thread.
 */
final class GrantLifecycleApplier {
    private final EngineState state;
    private final Identities identities;
    private final EventApplier applier;

    GrantLifecycleApplier(EngineState state, EventApplier applier) {
        this.state = state;
        this.identities = state.identities;
        this.applier = applier;
    }

    void revoked(EventView e) {
        revoke(state.grants.find(e.grantHi, e.grantLo));
    }

    /**
     * A revoked grant's recharge items stay as they are: the dispatcher does not send one it has
     * not sent yet and records it CANCELLED; one in flight finishes as the supplier answers
     * (docs/lifecycle.md).
     */
    private void revoke(int g) {
        state.grants.status[g] = GrantStatus.REVOKED.code();
    }

    void reissued(EventView e) {
        GrantBook grants = state.grants;
        int old = grants.find(e.grantHi, e.grantLo);
        revoke(old);
        Sku sku = state.skus[grants.sku[old]];
        int g = grants.add(e.newGrantHi, e.newGrantLo, grants.ownerHigh[old], grants.ownerLow[old], sku.index,
            e.timestamp);
        sku.pool.issue(e.reissuedCode, g);
        grants.addItem(g, sku.index, e.reissuedCode, DeliveryStatus.DELIVERED.code());
        sku.granted++;
        sku.campaign.granted++;
    }

    void transferred(EventView e) {
        long user = identities.user(e.buffer(), e.userOffset, e.userLength);
        long userHigh = identities.userHigh();
        int g = state.grants.find(e.grantHi, e.grantLo);
        if (e.result == ResultCode.TRANSFERRED) {
            long to = identities.user(e.buffer(), e.recipientOffset, e.recipientLength);
            state.grants.transfer(g, identities.userHigh(), to);
        }
        applier.remember(Identities.TRANSFERS, userHigh, user, e, e.result,
            e.result == ResultCode.NOT_FOUND ? GrantBook.NONE : g);
    }
}
