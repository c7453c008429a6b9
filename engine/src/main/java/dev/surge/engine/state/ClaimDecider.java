package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignDirectory;
import dev.surge.engine.command.ClaimCommand;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.risk.IpAddresses;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskSubject;
import dev.surge.engine.util.Identities;

/**
 * Claims, the hot path: a claim becomes CLAIM_GRANTED or CLAIM_REJECTED, or the replay of an
 * earlier answer under the same Idempotency-Key. Checks run in a fixed order (see {@link #claim})
 * so that the same commands give the same events on any run.
 */
final class ClaimDecider extends CommandDecider {
    private final RiskSubject subject;
    private final ClaimCommand command = new ClaimCommand();
    // the claim being decided, as places in the slot's command buffer
    private int userOff, userLen, keyOff, keyLen, campaignOff, campaignLen, skuOff, skuLen;
    private int deviceOff, deviceLen, ipOff, ipLen, accountOff, accountLen;
    /** Where the Idempotency-Key ends and the campaign starts, and where the account ends: the event copies both runs. */
    private int keyEnd, stringsEnd;
    // what it resolved, handed to the applier with its event (commitClaim); null when unknown
    private Campaign campaign;
    private Sku sku;
    private long user, userHigh;
    private final ClaimFacts facts;

    ClaimDecider(Decision decision) {
        super(decision);
        this.subject = new RiskSubject(identities);
        this.facts = new ClaimFacts(state);
    }

    private void readStrings() {
        in.position(ClaimCommand.STRINGS);
        userLen = in.bytes();
        userOff = in.lastOffset();
        keyLen = in.bytes();
        keyOff = in.lastOffset();
        keyEnd = in.position();
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
        stringsEnd = in.position();
    }

    /** Hands the identities a publisher computed to {@link Identities}; returns the fingerprint. */
    private long knownIdentities(ClaimCommand command) {
        identities.knownUser(userOff, userLen, command.userLow(), command.userHigh());
        if (keyLen > 0) {
            identities.knownKey(Identities.CLAIMS, keyOff, keyLen, command.keyLow(), command.keyHigh());
        }
        if (deviceLen > 0) {
            identities.knownDevice(deviceOff, deviceLen, command.device());
        }
        if (ipLen > 0) {
            identities.knownAddress(ipOff, ipLen, command.address());
        }
        if (command.addressKeys()) {
            long hi = IpAddresses.hi(cmd, ipOff, ipLen);
            long lo = IpAddresses.lo(cmd, ipOff, ipLen);
            int p = IpAddresses.groupPrefix(hi, lo);
            identities.knownAddress(hi, lo, 128, command.ipKey());
            identities.knownAddress(IpAddresses.maskHi(hi, p), IpAddresses.maskLo(lo, p), p, command.ipBlockKey());
        }
        return command.fingerprint();
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case CLAIM -> claim();
            default -> throw new IllegalArgumentException("not a ClaimDecider command: " + type);
        }
    }

    /** Order: idempotency, campaign, SKU, account, status, window, risk, limits, stock. */
    private void claim() {
        ClaimCommand command = this.command.wrap(cmd);
        readStrings();
        long issuedAt = command.tokenIssuedAt();
        long fingerprint = command.hashed() ? knownIdentities(command)
            : ClaimCommand.fingerprint(cmd, campaignOff, campaignLen, skuOff, skuLen, deviceOff, deviceLen,
                accountOff, accountLen);
        // a claim resolved at the edge: these are memo hits (see Identities.knownUser)
        long user = identities.user(cmd, userOff, userLen);
        long userHigh = identities.userHigh();
        this.user = user;
        this.userHigh = userHigh;
        this.campaign = null;
        this.sku = null;
        if (keyLen > 0) {
            long key = identities.key(Identities.CLAIMS, userHigh, user, cmd, keyOff, keyLen);
            if (state.users.findKey(userHigh, user, identities.keyHigh(), key, time)) {
                replayClaim(fingerprint, userHigh, user);
                return;
            }
        }
        Campaign c;
        Sku sku;
        if (command.epoch() == state.directoryEpoch) {
            // resolved against the current directory: its indexes name what the strings name
            int ci = command.campaignIndex();
            int si = command.skuIndex();
            c = ci == CampaignDirectory.MISSING ? null : state.campaigns[ci];
            sku = si == CampaignDirectory.MISSING ? null : state.skus[si];
        } else {
            // not resolved, or against a directory since replaced: by name, never by a stale index
            c = state.campaign(cmd, campaignOff, campaignLen);
            sku = c == null ? null : state.sku(c, cmd, skuOff, skuLen);
        }
        this.campaign = c;
        this.sku = sku;
        if (c == null) {
            rejectClaim(fingerprint, ResultCode.UNKNOWN_CAMPAIGN);
            return;
        }
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
        if (sku.price > 0) {
            state.known.keep(cmd, c, campaignOff, campaignLen, sku, skuOff, skuLen); // its applier looks them up
            reserve(sku, fingerprint);
        } else {
            grant(c, sku, fingerprint);
        }
    }

    /** A paid SKU: an order holds the unit and the limits until paid, cancelled or expired (docs/payments.md). */
    private void reserve(Sku sku, long fingerprint) {
        OrderBook orders = state.orders;
        orders.nextId();
        writeClaim(EventType.ORDER_RESERVED, fingerprint);
        long payBy = time + sku.paymentWindowMs;
        out.putLong(orders.ids.hi()).putInt(orders.ids.lo()).putLong(sku.price).putString(sku.currency)
            .putLong(payBy);
        int o = orders.size;
        commit(ResultCode.RESERVED);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
        reply.order(o);
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
        return reachedByUser(c.perUserLimit, EngineState.CAMPAIGN_USER, c.index, user)
            || reachedByUser(sku.perUserLimit, EngineState.SKU_USER, sku.index, user)
            // the device and address are hashed only where a limit asks (arguments are evaluated first)
            || (deviceLen > 0 && c.perDeviceLimit > 0 && reached(c.perDeviceLimit, EngineState.CAMPAIGN_DEVICE,
                c.index, identities.device(cmd, deviceOff, deviceLen)))
            || (ipLen > 0 && c.perIpLimit > 0 && reached(c.perIpLimit, EngineState.CAMPAIGN_IP, c.index,
                identities.address(cmd, ipOff, ipLen)));
    }

    private boolean reachedByUser(int limit, long dimension, int scope, long user) {
        return limit > 0 && state.users.count(dimension, scope, userHigh, user) >= limit;
    }

    private boolean reached(int limit, long dimension, int scope, long subject) {
        return limit > 0 && state.subjects.get(EngineState.limitKey(dimension, scope, subject)) >= limit;
    }

    private void grant(Campaign c, Sku sku, long fingerprint) {
        GrantBook grants = state.grants;
        grants.nextId();
        long grantHi = grants.ids.hi();
        int grantLo = grants.ids.lo();
        writeClaim(EventType.CLAIM_GRANTED, fingerprint);
        out.putLong(grantHi).putInt(grantLo);
        int countAt = out.position();
        out.putByte(0);
        ClaimFacts f = facts(ResultCode.GRANTED, 0, fingerprint);
        f.grantHi = grantHi;
        f.grantLo = grantLo;
        int items = 0;
        if (sku.kind == SkuKind.BUNDLE) {
            for (int i = 0; i < sku.itemSkus.length; i++) {
                Sku part = state.skus[sku.itemSkus[i]];
                for (int q = 0; q < sku.itemQty[i]; q++) {
                    writeItem(f, items++, part, q);
                }
            }
        } else {
            writeItem(f, items++, sku, 0);
        }
        out.buffer().putByte(countAt, (byte) items);
        f.itemCount = items;
        int g = grants.size;
        commitClaim(f);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
        reply.grant(g);
    }

    /** Writes item {@code item} of the grant, {@code sku}'s unit {@code offsetInBatch}, into the event and the facts. */
    private void writeItem(ClaimFacts f, int item, Sku sku, int offsetInBatch) {
        int code = sku.kind == SkuKind.CODE ? sku.pool.issued + offsetInBatch : GrantBook.NONE;
        out.putBytes(sku.idBytes);
        out.putInt(code);
        f.itemSku[item] = sku.index;
        f.itemCode[item] = code;
    }

    private void rejectClaim(long fingerprint, ResultCode result) {
        rejectClaim(fingerprint, result, 0);
    }

    private void rejectClaim(long fingerprint, ResultCode result, int reason) {
        writeClaim(EventType.CLAIM_REJECTED, fingerprint);
        out.putByte(result.code()).putByte(reason);
        commitClaim(facts(result, reason, fingerprint));
        reply.reason(reason);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
    }

    /**
     * The claim's event (CLAIM = user, key, fingerprint:8, campaign, sku, device, ip, account): the
     * command holds the same strings in the same layout, so they are two copies around the fingerprint.
     */
    private void writeClaim(EventType type, long fingerprint) {
        header(type);
        out.putRaw(cmd, ClaimCommand.STRINGS, keyEnd - ClaimCommand.STRINGS).putLong(fingerprint)
            .putRaw(cmd, keyEnd, stringsEnd - keyEnd);
    }

    /** The facts of the claim's event for its applier: what was resolved, the strings where the command has them. */
    private ClaimFacts facts(ResultCode result, int reason, long fingerprint) {
        ClaimFacts f = facts;
        f.campaign = campaign;
        f.sku = sku;
        f.userHigh = userHigh;
        f.user = user;
        f.result = result;
        f.reason = reason;
        f.fingerprint = fingerprint;
        f.strings = cmd;
        f.keyOffset = keyOff;
        f.keyLength = keyLen;
        f.deviceOffset = deviceOff;
        f.deviceLength = deviceLen;
        f.ipOffset = ipOff;
        f.ipLength = ipLen;
        f.accountOffset = accountOff;
        f.accountLength = accountLen;
        f.itemCount = 0;
        return f;
    }

    /** Answers a retry from the record {@link UserBook#findKey} found. */
    private void replayClaim(long fingerprint, long userHigh, long user) {
        UserBook users = state.users;
        if (users.foundFingerprint() != fingerprint) {
            reply.result(ResultCode.IDEMPOTENCY_KEY_REUSED);
            return;
        }
        ResultCode result = ResultCode.of(users.foundResult());
        reply.replayed(result);
        reply.claimHeader(cmd, campaignOff, campaignLen, skuOff, skuLen);
        if (result == ResultCode.GRANTED) {
            int g = users.foundReference();
            reply.grant(g, state.grants.owns(g, userHigh, user)); // given away since: no code (docs/lifecycle.md)
        } else if (result == ResultCode.RESERVED) {
            reply.order(users.foundReference()); // as the order is now: paid, cancelled, ...
        } else {
            reply.reason(users.foundReference());
        }
    }
}
