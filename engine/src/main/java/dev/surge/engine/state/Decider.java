package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskSubject;
import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.Identities;
import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;
import org.agrona.DirectBuffer;

/**
 * Turns a command into at most one event plus a reply, reading state but never changing it;
 * the event is then applied through {@link EventApplier}. Checks run in a fixed order (see
 * {@link #claim}) so that the same commands give the same events on any run. Confined to the
 * writer thread.
 */
final class Decider {
    private static final int MAX_CODE_LENGTH = 128;
    private static final int MAX_URL = 512;
    private static final int MAX_SECRET = 1024;
    private static final int MAX_TIMEOUT_MS = 600_000;
    private static final int MAX_CONCURRENCY = 10_000;
    private static final int MAX_ACTOR = 200;

    private final EngineState state;
    private final EventApplier applier;
    private final StateMachine machine;
    private final EventView view = new EventView();
    private final WireReader in = new WireReader();
    private final WireWriter out = new WireWriter();
    private final ReplyWriter reply;
    private final Identities identities;
    private final RiskSubject subject;
    private int[] batchTable = new int[1024];

    // the command being decided, as places in the slot's command buffer
    private CommandSlot slot;
    private DirectBuffer cmd;
    private long time;
    private int userOff, userLen, keyOff, keyLen, campaignOff, campaignLen, skuOff, skuLen;
    private int deviceOff, deviceLen, ipOff, ipLen, accountOff, accountLen;

    Decider(EngineState state, EventApplier applier, StateMachine machine) {
        this.machine = machine;
        this.state = state;
        this.applier = applier;
        this.reply = new ReplyWriter(state);
        this.identities = state.identities;
        this.subject = new RiskSubject(state.identities);
    }

    void decide(CommandSlot slot) {
        this.slot = slot;
        this.cmd = slot.command;
        // time never runs backwards in the journal, whatever order publishers stamped it in
        this.time = Math.max(slot.timestamp, state.lastTimestamp);
        in.wrap(slot.command, 0, slot.commandLength);
        reply.begin(slot);
        switch (slot.type) {
            case CLAIM -> claim();
            case REDEEM_GRANT -> redeemGrant();
            case REDEEM_CODE -> redeemCode();
            case UPSERT_CAMPAIGN -> upsertCampaign();
            case SET_CAMPAIGN_STATUS -> setStatus();
            case LOAD_CODES -> loadCodes();
            case ADJUST_STOCK -> adjustStock();
            case RECORD_DELIVERY -> recordDelivery();
            case QUERY_GRANT -> queryGrant();
            case QUERY_USER_GRANTS -> queryUserGrants();
            case QUERY_CAMPAIGNS -> queryCampaigns();
            case CREATE_REDEEMER -> createRedeemer();
            case UPDATE_BLOCKLIST -> updateBlocklist();
            case QUERY_BLOCKLIST -> {
                slot.answer = state.risk.blocklist().entries();
                reply.result(ResultCode.FOUND);
            }
            case CONFIGURE_SUPPLIER -> configureSupplier();
            case REDRIVE_DELIVERIES -> redriveDeliveries();
            case QUERY_PENDING_DELIVERIES -> queryPendingDeliveries();
            default -> reply.invalid("unknown command");
        }
        reply.end();
    }

    // ---- claims ----------------------------------------------------------------------------

    /** Order: idempotency, campaign, SKU, account, status, window, risk, limits, stock. */
    private void claim() {
        userLen = in.bytes();
        userOff = in.lastOffset();
        keyLen = in.bytes();
        keyOff = in.lastOffset();
        campaignLen = in.bytes();
        campaignOff = in.lastOffset();
        skuLen = in.bytes();
        skuOff = in.lastOffset();
        deviceLen = in.bytes();
        deviceOff = in.lastOffset();
        ipLen = in.bytes();
        ipOff = in.lastOffset();
        accountLen = in.bytes();
        accountOff = in.lastOffset();
        long issuedAt = in.remaining() >= 8 ? in.getLong() : RiskSubject.NO_ISSUED_AT;

        long user = identities.user(cmd, userOff, userLen);
        long userHigh = identities.userHigh();
        // tells a retry from another request under the same key: the caller's own requests only,
        // since the record it is checked against was found by the full (user, key) identity
        long fingerprint = Hashing.combine(Hashing.hash(cmd, campaignOff, campaignLen),
            Hashing.hash(cmd, skuOff, skuLen),
            Hashing.combine(Hashing.hash(cmd, deviceOff, deviceLen), Hashing.hash(cmd, accountOff, accountLen)));
        if (keyLen > 0) {
            long key = identities.key(Identities.CLAIMS, userHigh, user, cmd, keyOff, keyLen);
            int seen = state.idempotency.find(identities.keyHigh(), key, time);
            if (seen != IdempotencyTable.MISSING) {
                replayClaim(seen, fingerprint);
                return;
            }
        }
        Campaign c = state.campaign(cmd, campaignOff, campaignLen);
        if (c == null) {
            rejectClaim(fingerprint, ResultCode.UNKNOWN_CAMPAIGN);
            return;
        }
        Sku sku = state.sku(c, cmd, skuOff, skuLen);
        if (sku == null) {
            rejectClaim(fingerprint, ResultCode.UNKNOWN_SKU);
            return;
        }
        if (accountLen == 0 && needsAccount(sku)) {
            reply.result(ResultCode.ACCOUNT_REQUIRED);
            return;
        }
        if (c.status == CampaignStatus.PAUSED) {
            rejectClaim(fingerprint, ResultCode.PAUSED);
            return;
        }
        if (c.status == CampaignStatus.CLOSED || time >= c.endsAt) {
            rejectClaim(fingerprint, ResultCode.ENDED);
            return;
        }
        if (time < c.startsAt) {
            rejectClaim(fingerprint, ResultCode.NOT_STARTED);
            return;
        }
        if (!state.risk.idle(c.index)) {
            RiskReason reason = state.risk.check(c.index, time,
                subject.wrap(user, cmd, deviceOff, deviceLen, ipOff, ipLen, issuedAt));
            if (reason != RiskReason.NONE) {
                rejectClaim(fingerprint, ResultCode.RISK_REJECTED, reason.code());
                return;
            }
        }
        if (overLimit(c, sku, user)) {
            rejectClaim(fingerprint, ResultCode.LIMIT_REACHED);
            return;
        }
        if (sku.available(state.skus) < 1) {
            rejectClaim(fingerprint, ResultCode.SOLD_OUT);
            return;
        }
        grant(c, sku, fingerprint);
    }

    private boolean needsAccount(Sku sku) {
        if (sku.kind == SkuKind.DIRECT_RECHARGE) {
            return true;
        }
        for (int item : sku.itemSkus) {
            if (state.skus[item].kind == SkuKind.DIRECT_RECHARGE) {
                return true;
            }
        }
        return false;
    }

    private boolean overLimit(Campaign c, Sku sku, long user) {
        return reached(c.perUserLimit, EngineState.CAMPAIGN_USER, c.index, user)
            || reached(sku.perUserLimit, EngineState.SKU_USER, sku.index, user)
            // the device and address are hashed only where a limit asks (arguments are evaluated first)
            || (deviceLen > 0 && c.perDeviceLimit > 0 && reached(c.perDeviceLimit, EngineState.CAMPAIGN_DEVICE,
                c.index, identities.device(cmd, deviceOff, deviceLen)))
            || (ipLen > 0 && c.perIpLimit > 0 && reached(c.perIpLimit, EngineState.CAMPAIGN_IP, c.index,
                identities.address(cmd, ipOff, ipLen)));
    }

    private boolean reached(int limit, long dimension, int scope, long subject) {
        return limit > 0 && state.subjects.get(EngineState.limitKey(dimension, scope, subject)) >= limit;
    }

    private void grant(Campaign c, Sku sku, long fingerprint) {
        long hi = slot.randomHi;
        int lo = slot.randomLo;
        // 96 random bits collide with an existing grant essentially never; if they do, derive
        // fresh bits deterministically rather than refuse the user
        while (state.grants.byId.containsKey(hi)) {
            hi = Hashing.mix(hi + state.lastSequence);
        }
        writeClaim(EventType.CLAIM_GRANTED, fingerprint);
        out.putLong(hi).putInt(lo);
        int countAt = out.position();
        out.putByte(0);
        int items = 0;
        if (sku.kind == SkuKind.BUNDLE) {
            for (int i = 0; i < sku.itemSkus.length; i++) {
                Sku part = state.skus[sku.itemSkus[i]];
                for (int q = 0; q < sku.itemQty[i]; q++) {
                    writeItem(part, q);
                    items++;
                }
            }
        } else {
            writeItem(sku, 0);
            items++;
        }
        out.buffer().putByte(countAt, (byte) items);
        int g = state.grants.size;
        commit(ResultCode.GRANTED);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
        reply.grant(g);
    }

    private void writeItem(Sku sku, int offsetInBatch) {
        out.putString(sku.id);
        out.putInt(sku.kind == SkuKind.CODE ? sku.pool.issued + offsetInBatch : GrantBook.NONE);
    }

    private void rejectClaim(long fingerprint, ResultCode result) {
        rejectClaim(fingerprint, result, 0);
    }

    private void rejectClaim(long fingerprint, ResultCode result, int reason) {
        writeClaim(EventType.CLAIM_REJECTED, fingerprint);
        out.putByte(result.code()).putByte(reason);
        commit(result);
        reply.reason(reason);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
    }

    private void writeClaim(EventType type, long fingerprint) {
        header(type);
        out.putBytes(cmd, userOff, userLen).putBytes(cmd, keyOff, keyLen).putLong(fingerprint)
            .putBytes(cmd, campaignOff, campaignLen).putBytes(cmd, skuOff, skuLen)
            .putBytes(cmd, deviceOff, deviceLen).putBytes(cmd, ipOff, ipLen).putBytes(cmd, accountOff, accountLen);
    }

    private void replayClaim(int seen, long fingerprint) {
        if (state.idempotency.fingerprint(seen) != fingerprint) {
            reply.result(ResultCode.IDEMPOTENCY_KEY_REUSED);
            return;
        }
        ResultCode result = ResultCode.of(state.idempotency.result(seen));
        reply.replayed(result);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
        if (result == ResultCode.GRANTED) {
            reply.grant(state.idempotency.reference(seen));
        } else {
            reply.reason(state.idempotency.reference(seen));
        }
    }

    // ---- redemptions -----------------------------------------------------------------------

    private void redeemGrant() {
        userLen = in.bytes();
        userOff = in.lastOffset();
        keyLen = in.bytes();
        keyOff = in.lastOffset();
        long hi = in.getLong();
        int lo = in.getInt();
        long user = identities.user(cmd, userOff, userLen);
        long userHigh = identities.userHigh();
        if (replayRedemption(Identities.GRANT_REDEMPTIONS, userHigh, user, Hashing.combine(hi, lo))) {
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
        if (replayRedemption(Identities.CODE_REDEMPTIONS, identities.userHigh(), redeemer, fingerprint)) {
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

    private ResultCode redeemable(int g) {
        GrantBook grants = state.grants;
        if (grants.redeemedAt[g] != 0) {
            return ResultCode.ALREADY_REDEEMED;
        }
        if (time > state.skus[grants.sku[g]].campaign.redeemUntil) {
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

    private boolean replayRedemption(int scope, long actorHigh, long actor, long fingerprint) {
        if (keyLen == 0) {
            return false;
        }
        long key = identities.key(scope, actorHigh, actor, cmd, keyOff, keyLen);
        int seen = state.idempotency.find(identities.keyHigh(), key, time);
        if (seen == IdempotencyTable.MISSING) {
            return false;
        }
        if (state.idempotency.fingerprint(seen) != fingerprint) {
            reply.result(ResultCode.IDEMPOTENCY_KEY_REUSED);
            return true;
        }
        reply.replayed(ResultCode.of(state.idempotency.result(seen)));
        int g = state.idempotency.reference(seen);
        reply.grantId(g == GrantBook.NONE ? 0 : state.grants.idHi[g], g == GrantBook.NONE ? 0 : state.grants.idLo[g]);
        return true;
    }

    private void writeRedemption(int actorKind, long fingerprint, long hi, int lo, ResultCode result) {
        header(EventType.REDEMPTION);
        out.putByte(actorKind).putBytes(cmd, userOff, userLen).putBytes(cmd, keyOff, keyLen)
            .putLong(fingerprint).putLong(hi).putInt(lo).putByte(result.code());
        commit(result);
        reply.grantId(hi, lo);
    }

    // ---- administration --------------------------------------------------------------------

    private void upsertCampaign() {
        CampaignSpec spec = CampaignSpec.readFrom(in);
        String error = spec.validate();
        Campaign existing = error == null ? state.campaign(spec.id) : null;
        if (existing != null) {
            error = compatible(existing, spec);
        }
        if (error != null) {
            reply.invalid(error);
            return;
        }
        header(EventType.CAMPAIGN_CONFIGURED);
        spec.writeTo(out);
        commit(ResultCode.OK);
    }

    /** What an update may not do to a running campaign. */
    private String compatible(Campaign c, CampaignSpec spec) {
        for (int i = 0; i < c.skus.size(); i++) {
            Sku sku = state.skus[c.skus.getInt(i)];
            CampaignSpec.SkuSpec s = spec.sku(sku.id);
            if (s == null) {
                return "skus: SKU " + sku.id + " exists and cannot be removed (withdraw its stock instead)";
            }
            if (s.kind != sku.kind) {
                return "skus: SKU " + sku.id + " is " + sku.kind + " and cannot change kind";
            }
            if (sku.kind == SkuKind.DIRECT_RECHARGE && s.stock < sku.granted) {
                return "skus: stock of " + sku.id + " cannot go below the " + sku.granted + " already granted";
            }
        }
        return null;
    }

    private void setStatus() {
        campaignLen = in.bytes();
        campaignOff = in.lastOffset();
        CampaignStatus status = CampaignStatus.of(in.getByte());
        Campaign c = state.campaign(cmd, campaignOff, campaignLen);
        if (c == null) {
            reply.result(ResultCode.UNKNOWN_CAMPAIGN);
        } else if (status == null) {
            reply.invalid("status: unknown");
        } else if (c.status == CampaignStatus.CLOSED && status != CampaignStatus.CLOSED) {
            reply.invalid("campaign " + c.id + " is closed for good");
        } else if (c.status == status) {
            reply.result(ResultCode.OK);
        } else {
            header(EventType.CAMPAIGN_STATUS_CHANGED);
            out.putBytes(cmd, campaignOff, campaignLen).putByte(status.code());
            commit(ResultCode.OK);
        }
    }

    private void loadCodes() {
        Sku sku = adminSku();
        if (sku == null) {
            return;
        }
        if (sku.kind != SkuKind.CODE) {
            reply.invalid("sku: " + sku.id + " is " + sku.kind + "; codes are loaded into CODE SKUs");
            return;
        }
        int count = in.getInt();
        int codesStart = in.position();
        for (int i = 0; i < count; i++) {
            int n = in.bytes();
            if (n < 1 || n > MAX_CODE_LENGTH) {
                reply.invalid("codes: line " + (i + 1) + " must be 1-" + MAX_CODE_LENGTH + " bytes");
                return;
            }
        }
        header(EventType.CODES_LOADED);
        out.putBytes(cmd, campaignOff, campaignLen).putBytes(cmd, skuOff, skuLen);
        int skippedAt = out.reserveInt();
        int countAt = out.reserveInt();
        clearBatch(count);
        in.position(codesStart);
        int loaded = 0;
        for (int i = 0; i < count; i++) {
            int n = in.bytes();
            int at = in.lastOffset();
            if (state.codes.find(cmd, at, n) == CodeIndex.MISSING && addToBatch(at, n)) {
                out.putBytes(cmd, at, n);
                loaded++;
            }
        }
        out.patchInt(skippedAt, count - loaded);
        out.patchInt(countAt, loaded);
        commit(ResultCode.OK);
        reply.loaded(loaded, count - loaded, sku.available(state.skus));
    }

    private void adjustStock() {
        Sku sku = adminSku();
        if (sku == null) {
            return;
        }
        long delta = in.getLong();
        String error = null;
        if (delta == 0) {
            error = "delta: must not be 0";
        } else if (sku.kind == SkuKind.BUNDLE) {
            error = "sku: " + sku.id + " is a BUNDLE; adjust the stock of its items";
        } else if (sku.kind == SkuKind.CODE && delta > sku.pool.withdrawn) {
            error = "delta: a CODE SKU gains stock by uploading codes (" + sku.pool.withdrawn + " withdrawn can return)";
        } else if (delta < 0 && -delta > sku.available(state.skus)) {
            error = "delta: only " + sku.available(state.skus) + " left to withdraw; stock never goes below what is granted";
        }
        if (error != null) {
            reply.invalid(error);
            return;
        }
        header(EventType.STOCK_ADJUSTED);
        out.putBytes(cmd, campaignOff, campaignLen).putBytes(cmd, skuOff, skuLen).putLong(delta);
        commit(ResultCode.OK);
    }

    private Sku adminSku() {
        campaignLen = in.bytes();
        campaignOff = in.lastOffset();
        skuLen = in.bytes();
        skuOff = in.lastOffset();
        Campaign c = state.campaign(cmd, campaignOff, campaignLen);
        if (c == null) {
            reply.result(ResultCode.UNKNOWN_CAMPAIGN);
            return null;
        }
        Sku sku = state.sku(c, cmd, skuOff, skuLen);
        if (sku == null) {
            reply.result(ResultCode.UNKNOWN_SKU);
        }
        return sku;
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
        String error = outcome == DeliveryOutcome.NONE ? null
            : deliveryStepError(at, status, outcome, supplierOff, supplierLen);
        if (error != null) {
            reply.invalid(error);
            return;
        }
        header(EventType.DELIVERY_RECORDED);
        int length = slot.commandLength - start;
        out.buffer().putBytes(out.position(), cmd, start, length);
        out.wrap(out.buffer(), out.position() + length);
        commit(ResultCode.OK);
    }

    /**
     * The rules that keep a recharge from landing at two suppliers (SPEC §4), checked for every
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
            : outcome == DeliveryOutcome.EXHAUSTED ? DeliveryStatus.FAILED : DeliveryStatus.PENDING;
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
        if (pendingHere && (outcome == DeliveryOutcome.FAILOVER || outcome == DeliveryOutcome.EXHAUSTED)) {
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
        if (!dev.surge.engine.util.Ids.isValid(supplier)) {
            error = dev.surge.engine.util.Ids.describe("id");
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
        int length = slot.commandLength - start;
        out.buffer().putBytes(out.position(), cmd, start, length);
        out.wrap(out.buffer(), out.position() + length);
        commit(ResultCode.OK);
    }

    private void redriveDeliveries() {
        String actor = in.string();
        campaignLen = in.bytes();
        campaignOff = in.lastOffset();
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

    private void createRedeemer() {
        String redeemer = in.string();
        int hashLen = in.bytes();
        int hashOff = in.lastOffset();
        int scopeStart = in.position();
        String scopeError = scopeError();
        if (!dev.surge.engine.util.Ids.isValid(redeemer)) {
            reply.invalid(dev.surge.engine.util.Ids.describe("redeemer"));
        } else if (hashLen != 32) {
            reply.invalid("keyHash: must be the 32-byte SHA-256 of the key");
        } else if (state.redeemers.contains(cmd, hashOff, hashLen)) {
            reply.invalid("keyHash: this key is already registered");
        } else if (scopeError != null) {
            reply.invalid(scopeError);
        } else {
            header(EventType.REDEEMER_CREATED);
            out.putString(redeemer).putBytes(cmd, hashOff, hashLen);
            int length = slot.commandLength - scopeStart; // count, campaign * count: as validated
            out.buffer().putBytes(out.position(), cmd, scopeStart, length);
            out.wrap(out.buffer(), out.position() + length);
            commit(ResultCode.OK);
        }
    }

    /** A new key's scope: 1-{@link RedeemerKey#MAX_CAMPAIGNS} existing campaigns, each once; null when it is. */
    private String scopeError() {
        int count = in.remaining() >= 4 ? in.getInt() : 0;
        if (count < 1 || count > RedeemerKey.MAX_CAMPAIGNS) {
            return "campaigns: 1-" + RedeemerKey.MAX_CAMPAIGNS + " campaign ids whose codes the key may redeem";
        }
        int scopeStart = in.position();
        for (int i = 0; i < count; i++) {
            int n = in.bytes();
            int at = in.lastOffset();
            if (state.campaign(cmd, at, n) == null) {
                return "campaigns: no campaign " + cmd.getStringWithoutLengthUtf8(at, n);
            }
            WireReader earlier = new WireReader().wrap(cmd, scopeStart, at - 2 - scopeStart);
            while (earlier.remaining() > 0) {
                if (earlier.bytes() == n && sameBytes(earlier.lastOffset(), at, n)) {
                    return "campaigns: " + cmd.getStringWithoutLengthUtf8(at, n) + " is listed twice";
                }
            }
        }
        return in.remaining() == 0 ? null : "campaigns: unexpected bytes after the list";
    }

    private void updateBlocklist() {
        int start = in.position();
        BlocklistChange change;
        try {
            change = BlocklistChange.readFrom(in);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            change = null;
        }
        if (change == null || in.remaining() != 0) {
            reply.invalid("body: not a blocklist change");
            return;
        }
        String error = state.risk.blocklistRefusal(change);
        if (error != null) {
            reply.invalid(error);
            return;
        }
        header(EventType.BLOCKLIST_CHANGED);
        int length = slot.commandLength - start;
        out.buffer().putBytes(out.position(), cmd, start, length);
        out.wrap(out.buffer(), out.position() + length);
        commit(ResultCode.OK);
        slot.answer = state.risk.blocklist().sizes();
    }

    // ---- events ------------------------------------------------------------------------------

    private void header(EventType type) {
        out.wrap(slot.event, 0);
        out.putByte(type.code()).putLong(state.lastSequence + 1).putLong(time);
    }

    /** Applies the event just written and records it in the slot for the journal. */
    private void commit(ResultCode result) {
        slot.eventLength = out.position();
        slot.eventSequence = state.lastSequence + 1;
        if (!view.wrap(slot.event, 0, slot.eventLength)) {
            throw new IllegalStateException("engine wrote a malformed " + slot.type + " event");
        }
        applier.apply(view);
        reply.result(result);
    }

    // ---- duplicate codes within one upload ---------------------------------------------------

    private void clearBatch(int count) {
        int size = Integer.highestOneBit(Math.max(16, count * 2)) << 1;
        if (batchTable.length < size) {
            batchTable = new int[size];
        } else {
            java.util.Arrays.fill(batchTable, 0);
        }
    }

    /** False when the same code came earlier in this upload. */
    private boolean addToBatch(int at, int length) {
        int mask = batchTable.length - 1;
        for (int i = (int) Hashing.hash(cmd, at, length) & mask; ; i = (i + 1) & mask) {
            int other = batchTable[i] - 1;
            if (other < 0) {
                batchTable[i] = at + 1;
                return true;
            }
            int otherLength = cmd.getShort(other - 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            if (otherLength == length && sameBytes(other, at, length)) {
                return false;
            }
        }
    }

    private boolean sameBytes(int a, int b, int length) {
        for (int i = 0; i < length; i++) {
            if (cmd.getByte(a + i) != cmd.getByte(b + i)) {
                return false;
            }
        }
        return true;
    }
}
