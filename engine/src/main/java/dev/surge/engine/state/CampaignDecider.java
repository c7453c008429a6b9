package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.util.Ids;
import dev.surge.engine.wire.WireReader;

/**
 * Administration: campaigns and their status, card-code uploads, stock adjustments, redeemer keys
 * and the risk blocklist. What a change may not do is refused here, with the field to blame.
 */
final class CampaignDecider extends CommandDecider {
    private static final int MAX_CODE_LENGTH = 128;

    private final UploadDuplicates upload = new UploadDuplicates();
    // the campaign and SKU named, as places in the slot's command buffer
    private int campaignOff, campaignLen, skuOff, skuLen;

    CampaignDecider(Decision decision) {
        super(decision);
    }

    @Override
    void dispatch(CommandType type) {
        switch (type) {
            case UPSERT_CAMPAIGN -> upsertCampaign();
            case SET_CAMPAIGN_STATUS -> setStatus();
            case LOAD_CODES -> loadCodes();
            case ADJUST_STOCK -> adjustStock();
            case CREATE_REDEEMER -> createRedeemer();
            case UPDATE_BLOCKLIST -> updateBlocklist();
            default -> throw new IllegalArgumentException("not a CampaignDecider command: " + type);
        }
    }

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
            if (sku.kind == SkuKind.DIRECT_RECHARGE && s.stock < sku.granted + sku.held) {
                return "skus: stock of " + sku.id + " cannot go below the " + (sku.granted + sku.held)
                    + " already granted or held by unpaid orders";
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
        long validUntil = in.remaining() >= 8 ? in.getLong() : Long.MAX_VALUE; // docs/lifecycle.md
        if (validUntil <= 0) {
            reply.invalid("validUntil: a time");
            return;
        }
        header(EventType.CODES_LOADED);
        out.putBytes(cmd, campaignOff, campaignLen).putBytes(cmd, skuOff, skuLen);
        int skippedAt = out.reserveInt();
        int countAt = out.reserveInt();
        if (validUntil != Long.MAX_VALUE) {
            out.putShort(EventView.VALID_UNTIL_TAG).putLong(validUntil); // in clear, before the sealed codes
        }
        upload.clear(count);
        in.position(codesStart);
        int loaded = 0;
        for (int i = 0; i < count; i++) {
            int n = in.bytes();
            int at = in.lastOffset();
            if (state.codes.find(cmd, at, n) == CodeIndex.MISSING && upload.add(cmd, at, n)) {
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

    private void createRedeemer() {
        String redeemer = in.string();
        int hashLen = in.bytes();
        int hashOff = in.lastOffset();
        int scopeStart = in.position();
        String scopeError = scopeError();
        if (!Ids.isValid(redeemer)) {
            reply.invalid(Ids.describe("redeemer"));
        } else if (hashLen != 32) {
            reply.invalid("keyHash: must be the 32-byte SHA-256 of the key");
        } else if (state.redeemers.contains(cmd, hashOff, hashLen)) {
            reply.invalid("keyHash: this key is already registered");
        } else if (scopeError != null) {
            reply.invalid(scopeError);
        } else {
            header(EventType.REDEEMER_CREATED);
            out.putString(redeemer).putBytes(cmd, hashOff, hashLen);
            copyCommandFrom(scopeStart); // count, campaign * count: as validated
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
                if (earlier.bytes() == n && UploadDuplicates.sameBytes(cmd, earlier.lastOffset(), at, n)) {
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
        copyCommandFrom(start);
        commit(ResultCode.OK);
        slot.answer = state.risk.blocklist().sizes();
    }
}
