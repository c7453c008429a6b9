package dev.surge.engine.state;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.Identities;

/**
 * Redemptions: a user redeems a grant of theirs, or a merchant's redeemer key redeems a code in
 * its scope. A code outside the key's scope answers exactly as a code that does not exist.
 */
final class RedemptionDecider extends CommandDecider {
    // the redemption being decided, as places in the slot's command buffer
    private int userOff, userLen, keyOff, keyLen;

    RedemptionDecider(Decision decision) {
        super(decision);
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case REDEEM_GRANT -> redeemGrant();
            case REDEEM_CODE -> redeemCode();
            default -> throw new IllegalArgumentException("not a RedemptionDecider command: " + type);
        }
    }

    private void redeemGrant() {
        userLen = in.bytes();
        userOff = in.lastOffset();
        keyLen = in.bytes();
        keyOff = in.lastOffset();
        long hi = in.getLong();
        int lo = in.getInt();
        long user = identities.user(cmd, userOff, userLen);
        long userHigh = identities.userHigh();
        if (replayGrantDecision(Identities.GRANT_REDEMPTIONS, userHigh, user, keyOff, keyLen, Hashing.combine(hi, lo))) {
            return;
        }
        int g = state.grants.find(hi, lo);
        ResultCode result;
        if (g == GrantBook.NONE) {
            result = ResultCode.NOT_FOUND;
        } else if (!state.grants.owns(g, userHigh, user)) {
            result = ResultCode.NOT_OWNER;
        } else {
            result = redeemable(g);
        }
        writeRedemption(EventView.ACTOR_USER, Hashing.combine(hi, lo), hi, lo, result);
    }

    private void redeemCode() {
        userLen = in.bytes(); // the redeemer
        userOff = in.lastOffset();
        keyLen = in.bytes();
        keyOff = in.lastOffset();
        int codeLen = in.bytes();
        int codeOff = in.lastOffset();
        int keyHashLen = in.bytes();
        int keyHashOff = in.lastOffset();
        // the request is (code, which of the merchant's keys): a retry under the same Idempotency-Key
        // with another key of the same merchant is another request (422), never a replay of a
        // campaign outside that key's scope
        long fingerprint = Hashing.combine(Hashing.hash(cmd, codeOff, codeLen), Hashing.hash(cmd, keyHashOff, keyHashLen));
        long redeemer = identities.user(cmd, userOff, userLen);
        if (replayGrantDecision(Identities.CODE_REDEMPTIONS, identities.userHigh(), redeemer, keyOff, keyLen, fingerprint)) {
            return;
        }
        long entry = state.codes.find(cmd, codeOff, codeLen);
        int g = entry == CodeIndex.MISSING ? GrantBook.NONE
            : state.skus[(int) (entry >>> 32)].pool.grantOf((int) entry);
        if (g != GrantBook.NONE && !inKeyScope(g, keyHashOff, keyHashLen)) {
            g = GrantBook.NONE; // another campaign's code: the same answer and event as a code that does not exist
        }
        if (g == GrantBook.NONE) {
            writeRedemption(EventView.ACTOR_REDEEMER, fingerprint, 0, 0, ResultCode.NOT_FOUND);
        } else {
            writeRedemption(EventView.ACTOR_REDEEMER, fingerprint, state.grants.idHi[g], state.grants.idLo[g],
                redeemable(g));
        }
    }

    /**
     * Whether the redeemer key of the command (its SHA-256) may redeem grant {@code g}'s
     * codes: its scope names g's campaign. An unknown key, or one from before scopes, may not.
     */
    private boolean inKeyScope(int g, int hashOff, int hashLen) {
        RedeemerKey key = state.redeemers.find(cmd, hashOff, hashLen);
        return key != null && key.covers(state.skus[state.grants.sku[g]].campaign.id);
    }

    /** Order: revoked, redeemed, expired (the campaign's redeemUntil or a code's own validity), delivered. */
    private ResultCode redeemable(int g) {
        GrantBook grants = state.grants;
        if (grants.status[g] == GrantStatus.REVOKED.code()) {
            return ResultCode.REVOKED;
        }
        if (grants.redeemedAt[g] != 0) {
            return ResultCode.ALREADY_REDEEMED;
        }
        if (time > state.skus[grants.sku[g]].campaign.redeemUntil || time > CodeValidity.ofGrant(state, g)) {
            return ResultCode.EXPIRED;
        }
        int first = grants.firstItem[g];
        for (int i = 0; i < grants.itemCount[g]; i++) {
            if (grants.itemStatus[first + i] != DeliveryStatus.DELIVERED.code()) {
                return ResultCode.NOT_DELIVERED;
            }
        }
        return ResultCode.REDEEMED;
    }

    private void writeRedemption(int actorKind, long fingerprint, long hi, int lo, ResultCode result) {
        header(EventType.REDEMPTION);
        out.putByte(actorKind).putBytes(cmd, userOff, userLen).putBytes(cmd, keyOff, keyLen)
            .putLong(fingerprint).putLong(hi).putInt(lo).putByte(result.code());
        commit(result);
        reply.grantId(hi, lo);
    }
}
