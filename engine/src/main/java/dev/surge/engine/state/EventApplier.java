package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.RiskSubject;
import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;

/**
 * The only code that changes {@link EngineState}: applies one decided event. Live decisions
 * and journal replay both come through here, which is what makes replay reproduce the state.
 * Confined to the writer thread.
 */
final class EventApplier {
    private final EngineState state;
    private final Identities identities;
    private final RiskSubject subject;
    private final OrderApplier orders;
    private final GrantLifecycleApplier lifecycle;

    EventApplier(EngineState state) {
        this.state = state;
        this.identities = state.identities;
        this.subject = new RiskSubject(state.identities);
        this.orders = new OrderApplier(state, this);
        this.lifecycle = new GrantLifecycleApplier(state, this);
    }

    void apply(EventView e) {
        applyEvent(e);
        state.lastSequence = e.sequence;
        state.lastTimestamp = e.timestamp;
    }

    /**
     * {@link #apply} of a CLAIM_GRANTED or CLAIM_REJECTED whose campaign, SKU and user are known:
     * exactly what replay does after resolving them from the event's names ({@link #grant},
     * {@link #reject}), without the lookups.
     */
    void applyClaim(EventView e, Campaign c, Sku sku, long userHigh, long user) {
        switch (e.type) {
            case CLAIM_GRANTED -> granted(e, c, sku, userHigh, user);
            case CLAIM_REJECTED -> rejected(e, c, userHigh, user);
            default -> throw new IllegalStateException("not a claim's event: " + e.type);
        }
        state.lastSequence = e.sequence;
        state.lastTimestamp = e.timestamp;
    }

    private void applyEvent(EventView e) {
        switch (e.type) {
            case CAMPAIGN_CONFIGURED -> configure(e.spec());
            case CAMPAIGN_STATUS_CHANGED -> state.campaign(e.buffer(), e.campaignOffset, e.campaignLength).status =
                CampaignStatus.of(e.status);
            case CODES_LOADED -> loadCodes(e);
            case STOCK_ADJUSTED -> adjustStock(e);
            case CLAIM_GRANTED -> grant(e);
            case CLAIM_REJECTED -> reject(e);
            case REDEMPTION -> redeem(e);
            case DELIVERY_RECORDED -> recordDelivery(e);
            case REDEEMER_CREATED -> state.redeemers.add(e.actor(), e.keyHash(), e.timestamp, e.scope());
            case BLOCKLIST_CHANGED -> state.risk.applyBlocklist(e.blocklistChange());
            case SUPPLIER_CONFIGURED -> state.suppliers.put(new SupplierConfig(e.supplier(), e.url(), e.secret(),
                e.timeoutMs, e.maxConcurrency, e.timestamp));
            case DELIVERIES_REDRIVEN -> redrive(e);
            case ORDER_RESERVED -> orders.reserve(e);
            case ORDER_CANCELLED -> orders.cancel(e);
            case PAYMENT_RECORDED -> orders.payment(e);
            case ORDERS_EXPIRED -> orders.expire(e);
            case REFUND_RECORDED -> orders.refund(e);
            case REFUNDS_REDRIVEN -> orders.redrive(e);
            case GRANT_REVOKED -> {
                lifecycle.revoked(e);
                orders.grantRevoked(e); // a paid grant's payment is refunded (docs/payments.md)
            }
            case GRANT_REISSUED -> lifecycle.reissued(e);
            case GRANT_TRANSFERRED -> lifecycle.transferred(e);
            default -> throw new IllegalStateException("no applier for " + e.type);
        }
    }

    private void configure(CampaignSpec spec) {
        Campaign c = state.campaign(spec.id);
        if (c == null) {
            c = state.addCampaign(spec.id);
        }
        c.name = spec.name;
        c.startsAt = spec.startsAt;
        c.endsAt = spec.endsAt;
        c.redeemUntil = spec.redeemUntil;
        c.perUserLimit = spec.perUserLimit;
        c.perDeviceLimit = spec.perDeviceLimit;
        c.perIpLimit = spec.perIpLimit;
        state.risk.configure(c.index, spec.risk);
        for (CampaignSpec.SkuSpec s : spec.skus) {
            Sku sku = state.sku(c, s.id);
            if (sku == null) {
                sku = state.addSku(c, s.id, s.kind);
            }
            sku.stock = s.stock;
            sku.perUserLimit = s.perUserLimit;
            sku.codeValidUntil = s.codeValidUntil;
            sku.suppliers = s.suppliers.toArray(new String[0]);
            sku.price = s.price;
            sku.currency = s.currency;
            sku.paymentWindowMs = s.paymentWindowSeconds * 1000L;
            sku.paymentProvider = s.paymentProvider;
        }
        for (CampaignSpec.SkuSpec s : spec.skus) {
            Sku sku = state.sku(c, s.id);
            sku.itemSkus = new int[s.items.size()];
            sku.itemQty = new int[s.items.size()];
            for (int i = 0; i < s.items.size(); i++) {
                sku.itemSkus[i] = state.sku(c, s.items.get(i).skuId()).index;
                sku.itemQty[i] = s.items.get(i).qty();
            }
        }
        state.publishDirectory(); // new ids, or rules on or off: publishers resolve against this from here on
    }

    private void loadCodes(EventView e) {
        Campaign c = state.campaign(e.buffer(), e.campaignOffset, e.campaignLength);
        Sku sku = state.sku(c, e.buffer(), e.skuOffset, e.skuLength);
        sku.pool.validFrom(e.validUntil);
        int first = sku.pool.size;
        e.forEachCode((i, buffer, offset, length) -> sku.pool.add(buffer, offset, length));
        state.codes.addAll(sku.index, first, sku.pool.size);
    }

    private void adjustStock(EventView e) {
        Campaign c = state.campaign(e.buffer(), e.campaignOffset, e.campaignLength);
        Sku sku = state.sku(c, e.buffer(), e.skuOffset, e.skuLength);
        if (sku.kind == SkuKind.CODE) {
            sku.pool.withdrawn -= e.delta;
        } else {
            sku.stock += e.delta;
        }
    }

    private void grant(EventView e) {
        DirectBuffer b = e.buffer();
        Campaign c = state.campaign(b, e.campaignOffset, e.campaignLength);
        Sku sku = state.sku(c, b, e.skuOffset, e.skuLength);
        long user = identities.user(b, e.userOffset, e.userLength);
        granted(e, c, sku, identities.userHigh(), user);
    }

    private void granted(EventView e, Campaign c, Sku sku, long userHigh, long user) {
        DirectBuffer b = e.buffer();
        int g = issue(e, c, sku, userHigh, user);
        if (e.accountLength > 0) {
            state.grants.setAccount(g, b, e.accountOffset, e.accountLength);
        }
        countLimits(e, c, sku, user, +1);
        state.risk.onClaim(c.index, e.timestamp, ResultCode.GRANTED, 0, subject(user, e));
        remember(Identities.CLAIMS, userHigh, user, e, ResultCode.GRANTED, g);
    }

    /** Adds the grant of {@code e} ({@code e.grantHi/Lo} and its items) to its owner; returns its number. */
    int issue(EventView e, Campaign c, Sku sku, long ownerHigh, long owner) {
        DirectBuffer b = e.buffer();
        GrantBook grants = state.grants;
        int g = grants.add(e.grantHi, e.grantLo, ownerHigh, owner, sku.index, e.timestamp);
        if (sku.kind == SkuKind.BUNDLE) {
            sku.granted++;
        }
        for (int i = 0; i < e.itemCount; i++) {
            // a grant of a code or recharge SKU is its one item, of that SKU (ClaimDecider.grant)
            Sku itemSku = sku.kind == SkuKind.BUNDLE ? state.sku(c, b, e.itemSkuOffset[i], e.itemSkuLength[i]) : sku;
            int code = e.itemCode[i];
            itemSku.granted++;
            if (code >= 0) {
                itemSku.pool.issue(code, g);
                grants.addItem(g, itemSku.index, code, DeliveryStatus.DELIVERED.code());
            } else {
                grants.addItem(g, itemSku.index, GrantBook.NONE, DeliveryStatus.PENDING.code());
                c.deliveriesPending++;
            }
        }
        c.granted++;
        return g;
    }

    /** Counts (+1) or releases (-1) a claim's user, device and address against the limits. */
    void countLimits(EventView e, Campaign c, Sku sku, long user, int by) {
        DirectBuffer b = e.buffer();
        count(EngineState.CAMPAIGN_USER, c.index, user, by);
        count(EngineState.SKU_USER, sku.index, user, by);
        if (e.deviceLength > 0) {
            count(EngineState.CAMPAIGN_DEVICE, c.index, identities.device(b, e.deviceOffset, e.deviceLength), by);
        }
        if (e.ipLength > 0) {
            count(EngineState.CAMPAIGN_IP, c.index, identities.address(b, e.ipOffset, e.ipLength), by);
        }
    }

    RiskSubject subject(long user, EventView e) {
        return subject.wrap(user, e.buffer(), e.deviceOffset, e.deviceLength, e.ipOffset, e.ipLength,
            RiskSubject.NO_ISSUED_AT);
    }

    private void reject(EventView e) {
        DirectBuffer b = e.buffer();
        Campaign c = state.campaign(b, e.campaignOffset, e.campaignLength);
        if (unknown(e.result)) {
            rejected(e, c, 0, 0); // no user to hash: nothing of theirs is counted
            return;
        }
        long user = identities.user(b, e.userOffset, e.userLength);
        rejected(e, c, identities.userHigh(), user);
    }

    private static boolean unknown(ResultCode result) {
        return result == ResultCode.UNKNOWN_CAMPAIGN || result == ResultCode.UNKNOWN_SKU;
    }

    private void rejected(EventView e, Campaign c, long userHigh, long user) {
        if (unknown(e.result)) {
            // names nothing that exists: nothing to count, and nothing worth remembering the key
            // for (a retry is decided again), so a flood of such claims pins no memory
            if (c != null) {
                c.rejected[e.result.code()]++;
            }
            return;
        }
        c.rejected[e.result.code()]++;
        state.risk.onClaim(c.index, e.timestamp, e.result, e.reason, subject(user, e));
        remember(Identities.CLAIMS, userHigh, user, e, e.result, e.reason);
    }

    private void redeem(EventView e) {
        int g = state.grants.find(e.grantHi, e.grantLo);
        if (e.result == ResultCode.REDEEMED) {
            state.grants.redeemedAt[g] = e.timestamp;
            state.skus[state.grants.sku[g]].campaign.redeemed++;
        }
        long actor = identities.user(e.buffer(), e.actorOffset, e.actorLength);
        remember(e.actorKind == EventView.ACTOR_USER ? Identities.GRANT_REDEMPTIONS : Identities.CODE_REDEMPTIONS,
            identities.userHigh(), actor, e, e.result, g);
    }

    private void recordDelivery(EventView e) {
        GrantBook grants = state.grants;
        int g = grants.find(e.grantHi, e.grantLo);
        int item = grants.firstItem[g] + e.item;
        Sku itemSku = state.skus[grants.itemSku[item]];
        Campaign c = state.skus[grants.sku[g]].campaign;
        DeliveryStatus from = DeliveryStatus.of(grants.itemStatus[item]);
        DeliveryStatus to = DeliveryStatus.of(e.status);
        if (from != to) {
            adjust(c, from, -1);
            adjust(c, to, +1);
        }
        grants.itemStatus[item] = (byte) e.status;
        grants.itemSupplier[item] = (byte) itemSku.supplierIndex(e.buffer(), e.supplierOffset, e.supplierLength);
        state.deliveries.record(item, e.attempt, e.outcome, e.timestamp);
    }

    /** FAILED items the operator's filter covers become PENDING at the first supplier again. */
    private void redrive(EventView e) {
        GrantBook grants = state.grants;
        new RedriveFilter(e.campaign(), e.supplier(), e.from, e.to).forEach(state, (g, item) -> {
            Campaign c = state.skus[grants.sku[g]].campaign;
            adjust(c, DeliveryStatus.FAILED, -1);
            adjust(c, DeliveryStatus.PENDING, +1);
            grants.itemStatus[item] = DeliveryStatus.PENDING.code();
            grants.itemSupplier[item] = GrantBook.NONE;
            state.deliveries.record(item, state.deliveries.attempts(item), DeliveryOutcome.REDRIVEN.code(), e.timestamp);
        });
    }

    private static void adjust(Campaign c, DeliveryStatus status, int by) {
        switch (status) {
            case PENDING -> c.deliveriesPending += by;
            case DELIVERED -> c.deliveriesDelivered += by;
            case FAILED -> c.deliveriesFailed += by;
            default -> throw new IllegalStateException();
        }
    }

    void count(long dimension, int scope, long subject, int by) {
        long key = EngineState.limitKey(dimension, scope, subject);
        if (by > 0) {
            state.subjects.increment(key);
        } else {
            state.subjects.put(key, state.subjects.get(key) - 1);
        }
    }

    /** Remembers a decision under its Idempotency-Key, if it had one. */
    void remember(int scope, long subjectHigh, long subject, EventView e, ResultCode result, int reference) {
        if (e.keyLength > 0) {
            long key = identities.key(scope, subjectHigh, subject, e.buffer(), e.keyOffset, e.keyLength);
            state.idempotency.put(identities.keyHigh(), key, e.fingerprint, result.code(), reference, e.timestamp);
        }
    }
}
