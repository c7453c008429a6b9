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
    /** The facts of a claim event applied from its parsed bytes (replay; a paid claim's reservation). */
    final ClaimFacts parsed;

    EventApplier(EngineState state) {
        this.state = state;
        this.identities = state.identities;
        this.subject = new RiskSubject(state.identities);
        this.orders = new OrderApplier(state, this);
        this.lifecycle = new GrantLifecycleApplier(state, this);
        this.parsed = new ClaimFacts(state);
    }

    void apply(EventView e) {
        applyEvent(e);
        state.lastSequence = e.sequence;
        state.lastTimestamp = e.timestamp;
    }

    /**
     * {@link #apply} of a CLAIM_GRANTED (result GRANTED) or CLAIM_REJECTED from its facts, as the
     * claim decider has them: what replay does ({@link #grant}, {@link #reject}) once it has the
     * same facts from the event.
     */
    void applyClaim(ClaimFacts f) {
        if (f.result == ResultCode.GRANTED) {
            granted(f);
        } else {
            rejected(f);
        }
        state.lastSequence = f.sequence;
        state.lastTimestamp = f.timestamp;
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
        granted(parsed.claim(e, c, sku, identities.userHigh(), user).grant(e));
    }

    private void granted(ClaimFacts f) {
        int g = issue(f, f.userHigh, f.user);
        if (f.accountLength > 0) {
            state.grants.setAccount(g, f.strings, f.accountOffset, f.accountLength);
        }
        countLimits(f, +1);
        state.risk.onClaim(f.campaign.index, f.timestamp, ResultCode.GRANTED, 0, subject(f));
        remember(f, ResultCode.GRANTED, g);
    }

    /** Adds the grant of {@code f} (its id and items, of f's SKU) to its owner; returns its number. */
    int issue(ClaimFacts f, long ownerHigh, long owner) {
        Campaign c = f.campaign;
        Sku sku = f.sku;
        GrantBook grants = state.grants;
        int g = grants.add(f.grantHi, f.grantLo, ownerHigh, owner, sku.index, f.timestamp);
        if (sku.kind == SkuKind.BUNDLE) {
            sku.granted++;
        }
        for (int i = 0; i < f.itemCount; i++) {
            Sku itemSku = state.skus[f.itemSku[i]];
            int code = f.itemCode[i];
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
    void countLimits(ClaimFacts f, int by) {
        state.users.add(EngineState.CAMPAIGN_USER, f.campaign.index, f.userHigh, f.user, by);
        state.users.add(EngineState.SKU_USER, f.sku.index, f.userHigh, f.user, by);
        if (f.deviceLength > 0) {
            count(EngineState.CAMPAIGN_DEVICE, f.campaign.index, f.device(), by);
        }
        if (f.ipLength > 0) {
            count(EngineState.CAMPAIGN_IP, f.campaign.index, f.address(), by);
        }
    }

    RiskSubject subject(ClaimFacts f) {
        return subject.wrap(f.user, f.strings, f.deviceOffset, f.deviceLength, f.ipOffset, f.ipLength,
            RiskSubject.NO_ISSUED_AT);
    }

    private void reject(EventView e) {
        DirectBuffer b = e.buffer();
        Campaign c = state.campaign(b, e.campaignOffset, e.campaignLength);
        if (unknown(e.result)) {
            rejected(parsed.claim(e, c, null, 0, 0)); // no user to hash: nothing of theirs is counted
            return;
        }
        long user = identities.user(b, e.userOffset, e.userLength);
        rejected(parsed.claim(e, c, null, identities.userHigh(), user));
    }

    private static boolean unknown(ResultCode result) {
        return result == ResultCode.UNKNOWN_CAMPAIGN || result == ResultCode.UNKNOWN_SKU;
    }

    private void rejected(ClaimFacts f) {
        Campaign c = f.campaign;
        if (unknown(f.result)) {
            // names nothing that exists: nothing to count, and nothing worth remembering the key
            // for (a retry is decided again), so a flood of such claims pins no memory
            if (c != null) {
                c.rejected[f.result.code()]++;
            }
            return;
        }
        c.rejected[f.result.code()]++;
        state.risk.onClaim(c.index, f.timestamp, f.result, f.reason, subject(f));
        remember(f, f.result, f.reason);
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
        remember(scope, subjectHigh, subject, e.buffer(), e.keyOffset, e.keyLength, e.fingerprint, result, reference,
            e.timestamp);
    }

    /** {@link #remember} of a claim's decision: in the user's line ({@link UserBook}). */
    void remember(ClaimFacts f, ResultCode result, int reference) {
        if (f.keyLength > 0) {
            long key = identities.key(Identities.CLAIMS, f.userHigh, f.user, f.strings, f.keyOffset, f.keyLength);
            state.users.remember(f.userHigh, f.user, identities.keyHigh(), key, f.fingerprint, result.code(), reference,
                f.timestamp);
        }
    }

    private void remember(int scope, long subjectHigh, long subject, DirectBuffer b, int keyOffset, int keyLength,
                          long fingerprint, ResultCode result, int reference, long time) {
        if (keyLength > 0) {
            long key = identities.key(scope, subjectHigh, subject, b, keyOffset, keyLength);
            state.idempotency.put(identities.keyHigh(), key, fingerprint, result.code(), reference, time);
        }
    }
}
