package dev.surge.engine.state;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.util.Ids;

/**
 * Delivery commands: the dispatcher's record of each step (with the rules that keep a recharge
 * from landing at two suppliers), supplier configuration, operators' re-drives, and the page of
 * pending deliveries a dispatcher resumes from.
 */
final class DeliveryDecider extends CommandDecider {
    private static final int MAX_URL = 512;
    private static final int MAX_SECRET = 1024;
    private static final int MAX_TIMEOUT_MS = 600_000;
    private static final int MAX_CONCURRENCY = 10_000;
    private static final int MAX_ACTOR = 200;

    DeliveryDecider(Decision decision) {
        super(decision);
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case RECORD_DELIVERY -> recordDelivery();
            case CONFIGURE_SUPPLIER -> configureSupplier();
            case REDRIVE_DELIVERIES -> redriveDeliveries();
            case QUERY_PENDING_DELIVERIES -> queryPendingDeliveries();
            default -> throw new IllegalArgumentException("not a DeliveryDecider command: " + type);
        }
    }

    private void recordDelivery() {
        int start = in.position();
        long hi = in.getLong();
        int lo = in.getInt();
        int item = in.getByte() & 0xFF;
        DeliveryStatus status = DeliveryStatus.of(in.getByte());
        int supplierLen = in.bytes();
        int supplierOff = in.lastOffset();
        in.getInt(); // attempt: as the dispatcher numbers them
        in.bytes(); // detail
        DeliveryOutcome outcome = in.remaining() > 0 ? DeliveryOutcome.of(in.getByte() & 0xFF) : DeliveryOutcome.NONE;
        int g = state.grants.find(hi, lo);
        if (g == GrantBook.NONE) {
            reply.result(ResultCode.NOT_FOUND);
            return;
        }
        if (item >= state.grants.itemCount[g] || status == null || outcome == null
            || state.grants.itemCode[state.grants.firstItem[g] + item] != GrantBook.NONE) {
            reply.invalid("item: not a recharge item of this grant, or unknown status");
            return;
        }
        int at = state.grants.firstItem[g] + item;
        int current = state.grants.itemStatus[at];
        if (current == DeliveryStatus.DELIVERED.code() && status != DeliveryStatus.DELIVERED) {
            reply.invalid("item: already delivered; a delivered item stays delivered");
            return;
        }
        if (current == DeliveryStatus.FAILED.code() && status == DeliveryStatus.PENDING) {
            reply.invalid("item: failed at every supplier; an operator re-drive makes it pending again");
            return;
        }
        if (outcome == DeliveryOutcome.CANCELLED && state.grants.status[g] != GrantStatus.REVOKED.code()) {
            reply.invalid("outcome: only a revoked grant's item is CANCELLED");
            return;
        }
        String error = outcome == DeliveryOutcome.NONE ? null
            : deliveryStepError(at, status, outcome, supplierOff, supplierLen);
        if (error != null) {
            reply.invalid(error);
            return;
        }
        header(EventType.DELIVERY_RECORDED);
        copyCommandFrom(start);
        commit(ResultCode.OK);
    }

    /**
     * The rules that keep a recharge from landing at two suppliers (docs/delivery.md), checked for every
     * step a dispatcher records: a step names the supplier the item is at, and only a FAILOVER
     * moves it on, forward, and never while the supplier it leaves may have the delivery.
     */
    private String deliveryStepError(int at, DeliveryStatus status, DeliveryOutcome outcome, int supplierOff,
                                     int supplierLen) {
        Sku sku = state.skus[state.grants.itemSku[at]];
        int supplier = sku.supplierIndex(cmd, supplierOff, supplierLen);
        if (supplier < 0) {
            return "supplier: not a supplier of SKU " + sku.id;
        }
        DeliveryStatus expected = outcome.delivers() ? DeliveryStatus.DELIVERED
            : outcome == DeliveryOutcome.EXHAUSTED || outcome == DeliveryOutcome.CANCELLED ? DeliveryStatus.FAILED
            : DeliveryStatus.PENDING;
        if (outcome == DeliveryOutcome.REDRIVEN || status != expected) {
            return "status: " + status + " does not go with outcome " + outcome;
        }
        int now = Math.max(0, state.grants.itemSupplier[at]);
        boolean pendingHere = state.deliveries.outcome(at).maybeApplied();
        if (outcome == DeliveryOutcome.FAILOVER) {
            if (supplier <= now) {
                return "supplier: a failover moves forward from " + sku.suppliers[now];
            }
        } else if (supplier != now) {
            return "supplier: the item is at " + sku.suppliers[now] + "; fail over before sending elsewhere";
        }
        if (pendingHere && (outcome == DeliveryOutcome.FAILOVER || outcome == DeliveryOutcome.EXHAUSTED
            || outcome == DeliveryOutcome.CANCELLED)) {
            return "supplier: " + sku.suppliers[now] + " may have this delivery; ask it before leaving it";
        }
        return null;
    }

    private void configureSupplier() {
        int start = in.position();
        String supplier = in.string();
        String url = in.string();
        int timeoutMs = in.getInt();
        int maxConcurrency = in.getInt();
        int secretLength = in.bytes();
        String error = null;
        if (!Ids.isValid(supplier)) {
            error = Ids.describe("id");
        } else if (url.length() > MAX_URL || !(url.startsWith("http://") || url.startsWith("https://"))) {
            error = "url: an http:// or https:// URL of at most " + MAX_URL + " characters";
        } else if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
            error = "timeoutMs: must be 1-" + MAX_TIMEOUT_MS;
        } else if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
            error = "maxConcurrency: must be 1-" + MAX_CONCURRENCY;
        } else if (secretLength < 1 || secretLength > MAX_SECRET) {
            error = "secret: must be 1-" + MAX_SECRET + " bytes";
        }
        if (error != null) {
            reply.invalid(error);
            return;
        }
        header(EventType.SUPPLIER_CONFIGURED);
        copyCommandFrom(start);
        commit(ResultCode.OK);
    }

    private void redriveDeliveries() {
        String actor = in.string();
        int campaignLen = in.bytes();
        int campaignOff = in.lastOffset();
        String campaign = cmd.getStringWithoutLengthUtf8(campaignOff, campaignLen);
        String supplier = in.string();
        long from = in.getLong();
        long to = in.getLong();
        if (actor.isEmpty() || actor.length() > MAX_ACTOR) {
            reply.invalid("requestedBy: who asks, 1-" + MAX_ACTOR + " characters");
            return;
        }
        if (!campaign.isEmpty() && state.campaign(campaign) == null) {
            reply.result(ResultCode.UNKNOWN_CAMPAIGN);
            return;
        }
        if (from >= to) {
            reply.invalid("to: must be after from");
            return;
        }
        int count = new RedriveFilter(campaign, supplier, from, to).forEach(state, null);
        if (count > 0) {
            header(EventType.DELIVERIES_REDRIVEN);
            out.putString(actor).putString(campaign).putString(supplier).putLong(from).putLong(to).putInt(count);
            commit(ResultCode.OK);
        } else {
            reply.result(ResultCode.OK); // nothing matched: nothing changes, nothing to journal
        }
        reply.count(count);
    }

    private void queryPendingDeliveries() {
        int cursor = in.getInt();
        int limit = in.getInt();
        slot.answer = machine.pendingPage(cursor, limit);
        reply.result(ResultCode.FOUND);
    }
}
