package dev.surge.engine.state;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.util.Identities;

/**
 * Routes each command to the {@link CommandDecider} of its family: claims (the hot path),
 * redemptions, campaign administration, deliveries, queries, paid orders, the lifecycle of grants. Stamps the
 * decision's time, which
 * never runs backwards in the journal whatever order publishers stamped it in, and brackets the
 * decision for the identities' memo. Confined to the writer thread.
 */
final class Decider {
    private final EngineState state;
    private final Identities identities;
    private final ReplyWriter reply;
    private final ClaimDecider claims;
    private final RedemptionDecider redemptions;
    private final CampaignDecider campaigns;
    private final DeliveryDecider deliveries;
    private final QueryDecider queries;
    private final OrderDecider orders;
    private final GrantLifecycleDecider lifecycle;

    Decider(EngineState state, EventApplier applier, StateMachine machine) {
        Decision decision = new Decision(state, applier, machine);
        this.state = state;
        this.identities = state.identities;
        this.reply = decision.reply;
        this.claims = new ClaimDecider(decision);
        this.redemptions = new RedemptionDecider(decision);
        this.campaigns = new CampaignDecider(decision);
        this.deliveries = new DeliveryDecider(decision);
        this.queries = new QueryDecider(decision);
        this.orders = new OrderDecider(decision);
        this.lifecycle = new GrantLifecycleDecider(decision);
    }

    void decide(CommandSlot slot) {
        long time = Math.max(slot.timestamp, state.lastTimestamp);
        reply.begin(slot);
        if (slot.type == null) {
            reply.invalid("unknown command");
            reply.end();
            return;
        }
        CommandDecider family = switch (slot.type) {
            case CLAIM -> claims;
            case REDEEM_GRANT, REDEEM_CODE -> redemptions;
            case UPSERT_CAMPAIGN, SET_CAMPAIGN_STATUS, LOAD_CODES, ADJUST_STOCK, CREATE_REDEEMER, UPDATE_BLOCKLIST ->
                campaigns;
            case RECORD_DELIVERY, CONFIGURE_SUPPLIER, REDRIVE_DELIVERIES, QUERY_PENDING_DELIVERIES -> deliveries;
            case QUERY_GRANT, QUERY_USER_GRANTS, QUERY_CAMPAIGNS, QUERY_BLOCKLIST, QUERY_PARTNERS -> queries;
            case CANCEL_ORDER, NOTIFY_PAYMENT, EXPIRE_ORDERS, RECORD_REFUND, QUERY_ORDER, QUERY_PENDING_REFUNDS,
                 REDRIVE_REFUNDS -> orders;
            case REVOKE_GRANT, REISSUE_GRANT, TRANSFER_GRANT -> lifecycle;
        };
        identities.beginDecision(slot.command);
        try {
            family.decide(slot, time);
        } finally {
            identities.endDecision();
            state.known.forget();
        }
        reply.end();
    }
}
