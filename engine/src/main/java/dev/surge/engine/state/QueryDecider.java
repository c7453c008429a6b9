package dev.surge.engine.state;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandType;

/**
 * Queries: a grant (its owner's only), a user's grants, campaign counters, the blocklist, the
 * partners a gateway checks credentials against ({@link Partners}). They
 * journal nothing; their answers come from the writer thread, so they see every decision before.
 */
final class QueryDecider extends CommandDecider {
    // the caller, as a place in the slot's command buffer
    private int userOff, userLen;

    QueryDecider(Decision decision) {
        super(decision);
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case QUERY_GRANT -> queryGrant();
            case QUERY_USER_GRANTS -> queryUserGrants();
            case QUERY_CAMPAIGNS -> queryCampaigns();
            case QUERY_BLOCKLIST -> {
                slot.answer = state.risk.blocklist().entries();
                reply.result(ResultCode.FOUND);
            }
            case QUERY_PARTNERS -> {
                slot.answer = machine.partners();
                reply.result(ResultCode.FOUND);
            }
            default -> throw new IllegalArgumentException("not a QueryDecider command: " + type);
        }
    }

    private void queryGrant() {
        userLen = in.bytes();
        userOff = in.lastOffset();
        int g = state.grants.find(in.getLong(), in.getInt());
        if (g == GrantBook.NONE || (userLen > 0 && !ownedByCaller(g))) {
            reply.result(ResultCode.NOT_FOUND); // another user's grant is indistinguishable from none
            return;
        }
        reply.result(ResultCode.FOUND);
        reply.grant(g);
    }

    private boolean ownedByCaller(int g) {
        long user = identities.user(cmd, userOff, userLen);
        return state.grants.owns(g, identities.userHigh(), user);
    }

    private void queryUserGrants() {
        String user = in.string();
        int limit = in.getInt();
        long afterHi = in.getLong();
        int afterLo = in.getInt();
        slot.answer = machine.grantsOf(user, limit, afterHi, afterLo);
        reply.result(ResultCode.FOUND);
    }

    private void queryCampaigns() {
        String campaign = in.string();
        if (campaign.isEmpty()) {
            slot.answer = machine.campaigns();
            reply.result(ResultCode.FOUND);
        } else {
            slot.answer = machine.campaign(campaign);
            reply.result(slot.answer == null ? ResultCode.UNKNOWN_CAMPAIGN : ResultCode.FOUND);
        }
    }
}
