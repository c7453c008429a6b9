package dev.surge.engine.state;

import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.Identities;

/**
 * The lifecycle of what was issued (docs/lifecycle.md): an operator revokes a grant, or re-issues
 * a CODE grant (a fresh code of the same SKU to the same owner, as a new grant, the old one
 * revoked in the same event); an owner gives a grant to another user. Each is one event, applied
 * by {@link GrantLifecycleApplier}. Ownership compares the full 128-bit identity. Confined to the
 * writer thread.
 */
final class GrantLifecycleDecider extends CommandDecider {
    static final int MAX_ACTOR = 200;
    static final int MAX_REASON = 500;
    static final int MAX_RECIPIENT = 64;

    // the command being decided, as places in the slot's command buffer
    private int actorOff, actorLen, reasonOff, reasonLen, keyOff, keyLen;

    GrantLifecycleDecider(Decision decision) {
        super(decision);
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case REVOKE_GRANT -> revoke();
            case REISSUE_GRANT -> reissue();
            case TRANSFER_GRANT -> transfer();
            default -> throw new IllegalArgumentException("not a GrantLifecycleDecider command: " + type);
        }
    }

    private void revoke() {
        long hi = readOperatorChange();
        int lo = in.getInt();
        int g = operatorTarget(hi, lo);
        if (g == GrantBook.NONE) {
            return;
        }
        // a grant an order paid for owes its payment back: the applier marks the refund (docs/payments.md)
        header(EventType.GRANT_REVOKED);
        out.putBytes(cmd, actorOff, actorLen).putBytes(cmd, reasonOff, reasonLen).putLong(hi).putInt(lo);
        commit(ResultCode.OK);
        reply.grantId(hi, lo);
    }

    /**
     * Only a grant of one CODE item: its code is replaced by the next one of the SKU's pool. A
     * recharge is never sent again (it may have landed: exactly once, docs/delivery.md), and a
     * bundle would mix both; those are revoked, and the operator decides what else to do.
     */
    private void reissue() {
        long hi = readOperatorChange();
        int lo = in.getInt();
        int g = operatorTarget(hi, lo);
        if (g == GrantBook.NONE) {
            return;
        }
        GrantBook grants = state.grants;
        Sku sku = state.skus[grants.sku[g]];
        if (sku.kind != SkuKind.CODE || grants.itemCount[g] != 1) {
            reply.result(ResultCode.NOT_REISSUABLE);
            reply.grantId(hi, lo);
            return;
        }
        if (sku.pool.available() < 1) {
            reply.result(ResultCode.SOLD_OUT); // nothing changes: nothing journaled
            reply.grantId(hi, lo);
            return;
        }
        grants.nextId();
        long newHi = grants.ids.hi();
        int newLo = grants.ids.lo();
        header(EventType.GRANT_REISSUED);
        out.putBytes(cmd, actorOff, actorLen).putBytes(cmd, reasonOff, reasonLen).putLong(hi).putInt(lo)
            .putLong(newHi).putInt(newLo).putInt(sku.pool.issued);
        commit(ResultCode.OK);
        reply.grantId(newHi, newLo);
    }

    /** Reads actor and reason; returns the grant id's high half (the low half follows). */
    private long readOperatorChange() {
        actorLen = in.bytes();
        actorOff = in.lastOffset();
        reasonLen = in.bytes();
        reasonOff = in.lastOffset();
        return in.getLong();
    }

    /** The grant an operator's change may apply to, or NONE with the refusal replied. */
    private int operatorTarget(long hi, int lo) {
        if (actorLen < 1 || actorLen > MAX_ACTOR) {
            reply.invalid("requestedBy: who asks, 1-" + MAX_ACTOR + " bytes");
            return GrantBook.NONE;
        }
        if (reasonLen < 1 || reasonLen > MAX_REASON) {
            reply.invalid("reason: why, 1-" + MAX_REASON + " bytes");
            return GrantBook.NONE;
        }
        int g = state.grants.find(hi, lo);
        ResultCode refusal = null;
        if (g == GrantBook.NONE) {
            refusal = ResultCode.NOT_FOUND;
        } else if (state.grants.status[g] == GrantStatus.REVOKED.code()) {
            refusal = ResultCode.REVOKED; // once: a repeated click never re-issues twice
        } else if (state.grants.redeemedAt[g] != 0) {
            refusal = ResultCode.ALREADY_REDEEMED; // used: a revocation could not take it back
        }
        if (refusal != null) {
            reply.result(refusal);
            reply.grantId(hi, lo);
            return GrantBook.NONE;
        }
        return g;
    }

    /**
     * A gift by the owner, with an Idempotency-Key like a redemption: every decided answer is
     * journaled (so that a retry replays it), a request that is not one (no recipient, to oneself)
     * is refused as INVALID and journals nothing.
     */
    private void transfer() {
        int userLen = in.bytes();
        int userOff = in.lastOffset();
        keyLen = in.bytes();
        keyOff = in.lastOffset();
        long hi = in.getLong();
        int lo = in.getInt();
        int toLen = in.bytes();
        int toOff = in.lastOffset();
        if (toLen < 1 || toLen > MAX_RECIPIENT) {
            reply.invalid("to: a user id, 1-" + MAX_RECIPIENT + " bytes");
            return;
        }
        long fingerprint = Hashing.combine(Hashing.combine(hi, lo), Hashing.hash(cmd, toOff, toLen));
        long user = identities.user(cmd, userOff, userLen);
        long userHigh = identities.userHigh();
        if (replayGrantDecision(Identities.TRANSFERS, userHigh, user, keyOff, keyLen, fingerprint)) {
            return;
        }
        long to = identities.user(cmd, toOff, toLen);
        if (to == user && identities.userHigh() == userHigh) {
            reply.invalid("to: the grant is already yours");
            return;
        }
        GrantBook grants = state.grants;
        int g = grants.find(hi, lo);
        ResultCode result;
        if (g == GrantBook.NONE || !grants.owns(g, userHigh, user)) {
            result = ResultCode.NOT_FOUND; // another user's grant is indistinguishable from none
        } else if (grants.status[g] == GrantStatus.REVOKED.code()) {
            result = ResultCode.REVOKED;
        } else if (grants.redeemedAt[g] != 0) {
            result = ResultCode.ALREADY_REDEEMED;
        } else if (holdsRecharge(g)) {
            result = ResultCode.NOT_TRANSFERABLE; // the recharge goes to the claimer's account
        } else {
            result = ResultCode.TRANSFERRED;
        }
        header(EventType.GRANT_TRANSFERRED);
        out.putBytes(cmd, userOff, userLen).putBytes(cmd, keyOff, keyLen).putLong(fingerprint).putLong(hi).putInt(lo)
            .putBytes(cmd, toOff, toLen).putByte(result.code());
        commit(result);
        boolean known = result != ResultCode.NOT_FOUND;
        reply.grantId(known ? hi : 0, known ? lo : 0);
    }

    private boolean holdsRecharge(int g) {
        GrantBook grants = state.grants;
        int first = grants.firstItem[g];
        for (int i = 0; i < grants.itemCount[g]; i++) {
            if (grants.itemCode[first + i] == GrantBook.NONE) {
                return true;
            }
        }
        return false;
    }
}
