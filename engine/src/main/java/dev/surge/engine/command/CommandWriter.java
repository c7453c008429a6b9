package dev.surge.engine.command;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.RiskSubject;
import dev.surge.engine.wire.WireWriter;
import java.util.List;

/**
 * Fills a slot with a command, in the layout the engine reads. Used by publishers (the gateway,
 * tools, tests) inside their Disruptor translators. One instance per publishing thread.
 *
 * <p>A writer made with a {@link ClaimEdge} resolves each claim at the edge: campaign and SKU
 * indexes from the engine's directory, the keyed identities and the fingerprint, computed here on
 * the publishing thread ({@link ClaimCommand}). A writer without one leaves a claim unresolved and
 * the engine resolves and hashes it on the writer thread: same decision, same event.
 *
 * <p>Layouts (strings are length-prefixed, see {@link WireWriter}):
 * <pre>
 * CLAIM               {@link ClaimCommand}: a fixed part of 104 bytes (flags, campaign and SKU indexes,
 *                     directory epoch, user and key identities, fingerprint, device and address
 *                     hashes, the risk rules' address and block keys, tokenIssuedAt), then user,
 *                     idempotencyKey, campaign, sku, device, ip (raw 4/16 bytes), account
 * REDEEM_GRANT        user, idempotencyKey, grantHi:8, grantLo:4
 * REDEEM_CODE         redeemer, idempotencyKey, code, keyHash (SHA-256 of the redeemer key presented: its scope)
 * UPSERT_CAMPAIGN     {@link CampaignSpec}
 * SET_CAMPAIGN_STATUS campaign, status:1
 * LOAD_CODES          campaign, sku, count:4, code * count, [validUntil:8] (the upload's validity, epoch ms)
 * ADJUST_STOCK        campaign, sku, delta:8
 * RECORD_DELIVERY     grantHi:8, grantLo:4, item:1, status:1, supplier, attempt:4, detail, outcome:1
 * QUERY_GRANT         user (empty: any owner), grantHi:8, grantLo:4
 * QUERY_USER_GRANTS   user, limit:4, afterHi:8, afterLo:4 (0/0: from the newest)
 * QUERY_CAMPAIGNS     campaign (empty: all)
 * CREATE_REDEEMER     redeemer, keyHash (SHA-256 of the redeemer's key, never the key itself),
 *                     count:4, campaign * count (the key's scope)
 * UPDATE_BLOCKLIST    {@link BlocklistChange}
 * QUERY_BLOCKLIST     (nothing)
 * CONFIGURE_SUPPLIER  supplier, url, timeoutMs:4, maxConcurrency:4, secret (last: the journal seals it)
 * REDRIVE_DELIVERIES  actor (who asked), campaign (empty: any), supplier (empty: any), from:8, to:8
 * QUERY_PENDING_DELIVERIES  cursor:4 (a grant number, 0 to start), limit:4
 * CANCEL_ORDER        user, orderHi:8, orderLo:4
 * NOTIFY_PAYMENT      provider, transactionId, orderHi:8, orderLo:4, amount:8, currency
 * EXPIRE_ORDERS       (nothing: the command's time is what has passed)
 * RECORD_REFUND       orderHi:8, orderLo:4, refund:1, status:1, attempt:4, detail, outcome:1
 * QUERY_ORDER         user (empty: any owner), orderHi:8, orderLo:4
 * QUERY_PENDING_REFUNDS  cursor:4 (a payment number, 0 to start), limit:4
 * REVOKE_GRANT        actor (who asks), reason, grantHi:8, grantLo:4
 * REISSUE_GRANT       actor (who asks), reason, grantHi:8, grantLo:4
 * TRANSFER_GRANT      user (the owner), idempotencyKey, grantHi:8, grantLo:4, recipient (a user id)
 * REDRIVE_REFUNDS     actor (who asked), anyOrder:1 (1: any), orderHi:8, orderLo:4, provider (empty: any)
 * QUERY_PARTNERS      (nothing)
 * </pre>
 */
public final class CommandWriter {
    private final WireWriter w = new WireWriter();
    private final ClaimEdge edge;

    /** A writer whose claims the engine resolves (tools, tests, replays of hand-made histories). */
    public CommandWriter() {
        this(null);
    }

    /** A writer that resolves claims at the edge with {@code edge} (null: leaves them to the engine). */
    public CommandWriter(ClaimEdge edge) {
        this.edge = edge;
    }

    private WireWriter begin(CommandSlot slot, CommandType type, long timestamp) {
        slot.reset(type);
        slot.timestamp = timestamp;
        return w.wrap(slot.command, 0);
    }

    private static void end(CommandSlot slot, WireWriter w) {
        slot.commandLength = w.position();
    }

    public void claim(CommandSlot slot, long timestamp, CharSequence user, CharSequence idempotencyKey,
                      CharSequence campaign, CharSequence sku, CharSequence device, byte[] ip, CharSequence account) {
        claim(slot, timestamp, user, idempotencyKey, campaign, sku, device, ip, account, RiskSubject.NO_ISSUED_AT);
    }

    /** A claim whose user token was issued at {@code tokenIssuedAt} (epoch ms), for the token-age rule. */
    public void claim(CommandSlot slot, long timestamp, CharSequence user, CharSequence idempotencyKey,
                      CharSequence campaign, CharSequence sku, CharSequence device, byte[] ip, CharSequence account,
                      long tokenIssuedAt) {
        WireWriter w = begin(slot, CommandType.CLAIM, timestamp);
        w.wrap(slot.command, ClaimCommand.STRINGS);
        w.putString(user).putString(idempotencyKey).putString(campaign).putString(sku).putString(device);
        byte[] address = ip == null ? EMPTY : ip;
        w.putBytes(address, 0, address.length);
        w.putString(account);
        end(slot, w);
        if (edge != null) {
            edge.resolve(slot.command, slot.commandLength, tokenIssuedAt);
        } else {
            ClaimCommand.writeUnresolved(slot.command, tokenIssuedAt);
        }
    }

    public void redeemGrant(CommandSlot slot, long timestamp, CharSequence user, CharSequence idempotencyKey,
                            long grantHi, int grantLo) {
        WireWriter w = begin(slot, CommandType.REDEEM_GRANT, timestamp);
        w.putString(user).putString(idempotencyKey).putLong(grantHi).putInt(grantLo);
        end(slot, w);
    }

    /** A merchant redeems {@code code} with the key whose SHA-256 is {@code keyHash}; the key's scope decides. */
    public void redeemCode(CommandSlot slot, long timestamp, CharSequence redeemer, byte[] keyHash,
                           CharSequence idempotencyKey, CharSequence code) {
        WireWriter w = begin(slot, CommandType.REDEEM_CODE, timestamp);
        w.putString(redeemer).putString(idempotencyKey).putString(code).putBytes(keyHash, 0, keyHash.length);
        end(slot, w);
    }

    public void upsertCampaign(CommandSlot slot, long timestamp, CampaignSpec spec) {
        WireWriter w = begin(slot, CommandType.UPSERT_CAMPAIGN, timestamp);
        spec.writeTo(w);
        end(slot, w);
    }

    public void setStatus(CommandSlot slot, long timestamp, CharSequence campaign, CampaignStatus status) {
        WireWriter w = begin(slot, CommandType.SET_CAMPAIGN_STATUS, timestamp);
        w.putString(campaign).putByte(status.code());
        end(slot, w);
    }

    public void loadCodes(CommandSlot slot, long timestamp, CharSequence campaign, CharSequence sku,
                          List<? extends CharSequence> codes) {
        loadCodes(slot, timestamp, campaign, sku, codes, Long.MAX_VALUE);
    }

    /** Codes valid until {@code validUntil} (epoch ms; Long.MAX_VALUE: no validity of their own). */
    public void loadCodes(CommandSlot slot, long timestamp, CharSequence campaign, CharSequence sku,
                          List<? extends CharSequence> codes, long validUntil) {
        WireWriter w = begin(slot, CommandType.LOAD_CODES, timestamp);
        w.putString(campaign).putString(sku).putInt(codes.size());
        for (CharSequence code : codes) {
            w.putString(code);
        }
        if (validUntil != Long.MAX_VALUE) {
            w.putLong(validUntil);
        }
        end(slot, w);
    }

    public void adjustStock(CommandSlot slot, long timestamp, CharSequence campaign, CharSequence sku, long delta) {
        WireWriter w = begin(slot, CommandType.ADJUST_STOCK, timestamp);
        w.putString(campaign).putString(sku).putLong(delta);
        end(slot, w);
    }

    public void recordDelivery(CommandSlot slot, long timestamp, long grantHi, int grantLo, int item,
                               DeliveryStatus status, CharSequence supplier, int attempt, CharSequence detail) {
        recordDelivery(slot, timestamp, grantHi, grantLo, item, status, supplier, attempt, detail, DeliveryOutcome.NONE);
    }

    public void recordDelivery(CommandSlot slot, long timestamp, long grantHi, int grantLo, int item,
                               DeliveryStatus status, CharSequence supplier, int attempt, CharSequence detail,
                               DeliveryOutcome outcome) {
        WireWriter w = begin(slot, CommandType.RECORD_DELIVERY, timestamp);
        w.putLong(grantHi).putInt(grantLo).putByte(item).putByte(status.code()).putString(supplier)
            .putInt(attempt).putString(detail).putByte(outcome.code());
        end(slot, w);
    }

    public void configureSupplier(CommandSlot slot, long timestamp, CharSequence supplier, CharSequence url,
                                  int timeoutMs, int maxConcurrency, CharSequence secret) {
        WireWriter w = begin(slot, CommandType.CONFIGURE_SUPPLIER, timestamp);
        w.putString(supplier).putString(url).putInt(timeoutMs).putInt(maxConcurrency).putString(secret);
        end(slot, w);
    }

    /** Re-drives FAILED items that failed in [from, to) (epoch ms), of a campaign and last supplier if given. */
    public void redriveDeliveries(CommandSlot slot, long timestamp, CharSequence actor, CharSequence campaign,
                                  CharSequence supplier, long from, long to) {
        WireWriter w = begin(slot, CommandType.REDRIVE_DELIVERIES, timestamp);
        w.putString(actor).putString(campaign).putString(supplier).putLong(from).putLong(to);
        end(slot, w);
    }

    /**
     * Re-drives FAILED refunds (docs/refunds.md): of one order unless {@code anyOrder}, of a payment
     * provider unless {@code provider} is empty.
     */
    public void redriveRefunds(CommandSlot slot, long timestamp, CharSequence actor, boolean anyOrder, long orderHi,
                               int orderLo, CharSequence provider) {
        WireWriter w = begin(slot, CommandType.REDRIVE_REFUNDS, timestamp);
        w.putString(actor).putByte(anyOrder ? 1 : 0).putLong(orderHi).putInt(orderLo).putString(provider);
        end(slot, w);
    }

    public void queryPendingDeliveries(CommandSlot slot, long timestamp, int cursor, int limit) {
        WireWriter w = begin(slot, CommandType.QUERY_PENDING_DELIVERIES, timestamp);
        w.putInt(cursor).putInt(limit);
        end(slot, w);
    }

    public void queryGrant(CommandSlot slot, long timestamp, CharSequence user, long grantHi, int grantLo) {
        WireWriter w = begin(slot, CommandType.QUERY_GRANT, timestamp);
        w.putString(user).putLong(grantHi).putInt(grantLo);
        end(slot, w);
    }

    public void queryUserGrants(CommandSlot slot, long timestamp, CharSequence user, int limit, long afterHi,
                                int afterLo) {
        WireWriter w = begin(slot, CommandType.QUERY_USER_GRANTS, timestamp);
        w.putString(user).putInt(limit).putLong(afterHi).putInt(afterLo);
        end(slot, w);
    }

    public void queryCampaigns(CommandSlot slot, long timestamp, CharSequence campaign) {
        WireWriter w = begin(slot, CommandType.QUERY_CAMPAIGNS, timestamp);
        w.putString(campaign);
        end(slot, w);
    }

    /** A redeemer key that redeems the codes of {@code campaigns} and of no other campaign. */
    public void createRedeemer(CommandSlot slot, long timestamp, CharSequence redeemer, byte[] keyHash,
                               List<? extends CharSequence> campaigns) {
        WireWriter w = begin(slot, CommandType.CREATE_REDEEMER, timestamp);
        w.putString(redeemer).putBytes(keyHash, 0, keyHash.length).putInt(campaigns.size());
        for (CharSequence campaign : campaigns) {
            w.putString(campaign);
        }
        end(slot, w);
    }

    public void updateBlocklist(CommandSlot slot, long timestamp, BlocklistChange change) {
        WireWriter w = begin(slot, CommandType.UPDATE_BLOCKLIST, timestamp);
        change.writeTo(w);
        end(slot, w);
    }

    public void queryBlocklist(CommandSlot slot, long timestamp) {
        end(slot, begin(slot, CommandType.QUERY_BLOCKLIST, timestamp));
    }

    /** The redeemer keys, suppliers and recharge routes a gateway checks credentials against ({@code Partners}). */
    public void queryPartners(CommandSlot slot, long timestamp) {
        end(slot, begin(slot, CommandType.QUERY_PARTNERS, timestamp));
    }

    /** The owner cancels a reserved order (docs/payments.md). */
    public void cancelOrder(CommandSlot slot, long timestamp, CharSequence user, long orderHi, int orderLo) {
        WireWriter w = begin(slot, CommandType.CANCEL_ORDER, timestamp);
        w.putString(user).putLong(orderHi).putInt(orderLo);
        end(slot, w);
    }

    /** A payment provider's notification, its signature already checked by the gateway. */
    public void notifyPayment(CommandSlot slot, long timestamp, CharSequence provider, CharSequence transactionId,
                              long orderHi, int orderLo, long amount, CharSequence currency) {
        WireWriter w = begin(slot, CommandType.NOTIFY_PAYMENT, timestamp);
        w.putString(provider).putString(transactionId).putLong(orderHi).putInt(orderLo).putLong(amount)
            .putString(currency);
        end(slot, w);
    }

    /** Expires the reserved orders whose payBy is at or before {@code timestamp}. */
    public void expireOrders(CommandSlot slot, long timestamp) {
        end(slot, begin(slot, CommandType.EXPIRE_ORDERS, timestamp));
    }

    public void recordRefund(CommandSlot slot, long timestamp, long orderHi, int orderLo, int refund,
                             RefundStatus status, int attempt, CharSequence detail, DeliveryOutcome outcome) {
        WireWriter w = begin(slot, CommandType.RECORD_REFUND, timestamp);
        w.putLong(orderHi).putInt(orderLo).putByte(refund).putByte(status.code()).putInt(attempt).putString(detail)
            .putByte(outcome.code());
        end(slot, w);
    }

    public void queryOrder(CommandSlot slot, long timestamp, CharSequence user, long orderHi, int orderLo) {
        WireWriter w = begin(slot, CommandType.QUERY_ORDER, timestamp);
        w.putString(user).putLong(orderHi).putInt(orderLo);
        end(slot, w);
    }

    public void queryPendingRefunds(CommandSlot slot, long timestamp, int cursor, int limit) {
        WireWriter w = begin(slot, CommandType.QUERY_PENDING_REFUNDS, timestamp);
        w.putInt(cursor).putInt(limit);
        end(slot, w);
    }

    /** An operator revokes a grant (docs/lifecycle.md); {@code actor} and {@code reason} are journaled. */
    public void revokeGrant(CommandSlot slot, long timestamp, CharSequence actor, CharSequence reason, long grantHi,
                            int grantLo) {
        WireWriter w = begin(slot, CommandType.REVOKE_GRANT, timestamp);
        w.putString(actor).putString(reason).putLong(grantHi).putInt(grantLo);
        end(slot, w);
    }

    /** An operator replaces a CODE grant by a new grant of a fresh code of its SKU (补发). */
    public void reissueGrant(CommandSlot slot, long timestamp, CharSequence actor, CharSequence reason, long grantHi,
                             int grantLo) {
        WireWriter w = begin(slot, CommandType.REISSUE_GRANT, timestamp);
        w.putString(actor).putString(reason).putLong(grantHi).putInt(grantLo);
        end(slot, w);
    }

    /** The owner {@code user} gives a grant to {@code recipient}. */
    public void transferGrant(CommandSlot slot, long timestamp, CharSequence user, CharSequence idempotencyKey,
                              long grantHi, int grantLo, CharSequence recipient) {
        WireWriter w = begin(slot, CommandType.TRANSFER_GRANT, timestamp);
        w.putString(user).putString(idempotencyKey).putLong(grantHi).putInt(grantLo).putString(recipient);
        end(slot, w);
    }

    private static final byte[] EMPTY = new byte[0];
}
