package dev.surge.engine.event;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.wire.WireReader;
import org.agrona.DirectBuffer;

/**
 * A reusable flyweight over one encoded event: {@link #wrap} parses the fixed part and notes
 * where each string lies, without allocating. The engine applies events through it; tools
 * (dump, verify, replay) read them through it. The layouts, after the common header
 * {@code type:1, sequence:8, timestamp:8}:
 * <pre>
 * CAMPAIGN_CONFIGURED     {@link CampaignSpec}
 * CAMPAIGN_STATUS_CHANGED campaign, status:1
 * CODES_LOADED            campaign, sku, duplicatesSkipped:4, count:4, [0xFFFF, validUntil:8], code * count
 * STOCK_ADJUSTED          campaign, sku, delta:8
 * CLAIM_GRANTED           CLAIM, grantHi:8, grantLo:4, itemCount:1, (itemSku, code:4) * itemCount
 * CLAIM_REJECTED          CLAIM, result:1, reason:1 (a {@link dev.surge.engine.risk.RiskReason} for RISK_REJECTED)
 * REDEMPTION              actorKind:1, actor, key, fingerprint:8, grantHi:8, grantLo:4, result:1
 * DELIVERY_RECORDED       grantHi:8, grantLo:4, item:1, status:1, supplier, attempt:4, detail, [outcome:1]
 * REDEEMER_CREATED        redeemer (in actor), keyHash (SHA-256 of the key), [count:4, campaign * count]
 * BLOCKLIST_CHANGED       {@link BlocklistChange}
 * SUPPLIER_CONFIGURED     supplier, url, timeoutMs:4, maxConcurrency:4, secret
 * DELIVERIES_REDRIVEN     actor, campaign, supplier, from:8, to:8, count:4
 * ORDER_RESERVED          CLAIM, orderHi:8, orderLo:4, amount:8, currency, payBy:8
 * ORDER_CANCELLED         actor (the owner), orderHi:8, orderLo:4
 * PAYMENT_RECORDED        supplier (the provider), transaction, orderHi:8, orderLo:4, campaign, sku, amount:8, currency,
 *                         result:1, reason:1 (a RefundReason), then when PAID grantHi:8, grantLo:4,
 *                         itemCount:1, (itemSku, code:4) * itemCount, account
 * ORDERS_EXPIRED          count:4, (orderHi:8, orderLo:4) * count
 * REFUND_RECORDED         orderHi:8, orderLo:4, refund:1, status:1, attempt:4, detail, outcome:1
 * REFUNDS_REDRIVEN        actor, anyOrder:1 (1: any order), orderHi:8, orderLo:4, supplier (the provider; empty: any),
 *                         count:4
 * GRANT_REVOKED           actor, statedReason, grantHi:8, grantLo:4
 * GRANT_REISSUED          actor, statedReason, grantHi:8, grantLo:4 (revoked), newGrantHi:8, newGrantLo:4,
 *                         code:4 (the new grant's code, of the old grant's SKU)
 * GRANT_TRANSFERRED       user (the giver), key, fingerprint:8, grantHi:8, grantLo:4, recipient, result:1
 *   where CLAIM = user, key, fingerprint:8, campaign, sku, device, ip, account
 * </pre>
 * A code index of -1 marks a recharge item. Strings are length-prefixed (see WireWriter).
 * A DELIVERY_RECORDED event written before outcomes were journaled has no outcome byte
 * ({@link dev.surge.engine.DeliveryOutcome#NONE}). A REDEEMER_CREATED event written before keys
 * had scopes has no campaign list: {@link #scopeCount} is 0 and the key redeems nothing.
 * A CODES_LOADED event of an upload with a validity has the tag 0xFFFF (a length no code can
 * have: codes are 1-128 bytes) and the validity before its codes, so that it stays in clear when
 * the codes are sealed; without the tag {@link #validUntil} is {@code Long.MAX_VALUE} (none), as
 * in every journal written before codes had a validity (docs/lifecycle.md).
 */
public final class EventView {
    public static final int HEADER_LENGTH = 17;
    public static final int MAX_ITEMS = 64;
    public static final int ACTOR_USER = 0;
    public static final int ACTOR_REDEEMER = 1;
    /** The length prefix that tags a CODES_LOADED event's validity (no code is that long). */
    public static final int VALID_UNTIL_TAG = 0xFFFF;

    private final WireReader r = new WireReader();
    private DirectBuffer buffer;
    private int offset;
    private int length;

    public EventType type;
    public long sequence;
    public long timestamp;

    public long grantHi;
    public int grantLo;
    public long fingerprint;
    public ResultCode result;
    public int reason;
    public int status;
    public long delta;
    public int count;
    public int duplicatesSkipped;
    public int codesOffset;
    public int actorKind;
    public int item;
    public int attempt;
    /** DELIVERY_RECORDED: a {@link dev.surge.engine.DeliveryOutcome} code (0 when absent). */
    public int outcome;
    public int timeoutMs;
    public int maxConcurrency;
    /** DELIVERIES_REDRIVEN: the time range of the failures re-driven, [from, to). */
    public long from;
    public long to;
    public int itemCount;
    public final int[] itemSkuOffset = new int[MAX_ITEMS];
    public final int[] itemSkuLength = new int[MAX_ITEMS];
    public final int[] itemCode = new int[MAX_ITEMS];
    public int specOffset;
    public int blocklistOffset;
    /** REDEEMER_CREATED: how many campaigns the key's scope names (0: a key from before scopes), and where. */
    public int scopeCount;
    public int scopeOffset;
    // paid sales
    public long orderHi;
    public int orderLo;
    public long amount;
    public long payBy;
    /** REFUND_RECORDED: which of the order's refunds (1..). */
    public int refund;
    /** REFUNDS_REDRIVEN: whether the re-drive covers every order, or only {@link #orderHi}, {@link #orderLo}. */
    public boolean anyOrder;
    /** ORDERS_EXPIRED: where the (orderHi, orderLo) pairs start; {@link #count} of them. */
    public int ordersOffset;
    /** CODES_LOADED: the upload's validity (epoch ms), Long.MAX_VALUE for none. */
    public long validUntil;
    /** GRANT_REISSUED: the new grant's id and its code's index in the SKU's pool. */
    public long newGrantHi;
    public int newGrantLo;
    public int reissuedCode;

    // string fields: offset, length
    public int userOffset, userLength;
    public int keyOffset, keyLength;
    public int campaignOffset, campaignLength;
    public int skuOffset, skuLength;
    public int deviceOffset, deviceLength;
    public int ipOffset, ipLength;
    public int accountOffset, accountLength;
    public int actorOffset, actorLength;
    public int supplierOffset, supplierLength;
    public int detailOffset, detailLength;
    public int keyHashOffset, keyHashLength;
    public int urlOffset, urlLength;
    public int secretOffset, secretLength;
    public int currencyOffset, currencyLength;
    public int transactionOffset, transactionLength;
    public int statedReasonOffset, statedReasonLength;
    public int recipientOffset, recipientLength;

    /** Parses an event; returns false when the bytes are not a well-formed event. */
    public boolean wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        clearStrings();
        try {
            return parse(buffer, offset, length);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return false; // truncated or garbled: callers report it, never apply it
        }
    }

    private void clearStrings() {
        userLength = keyLength = campaignLength = skuLength = deviceLength = ipLength = 0;
        accountLength = actorLength = supplierLength = detailLength = keyHashLength = 0;
        urlLength = secretLength = currencyLength = transactionLength = statedReasonLength = recipientLength = 0;
        validUntil = Long.MAX_VALUE;
        outcome = 0;
        itemCount = 0;
        scopeCount = 0;
        result = ResultCode.NONE;
    }

    private boolean parse(DirectBuffer buffer, int offset, int length) {
        if (length < HEADER_LENGTH) {
            return false;
        }
        r.wrap(buffer, offset, length);
        type = EventType.of(r.getByte());
        if (type == null) {
            return false;
        }
        sequence = r.getLong();
        timestamp = r.getLong();
        switch (type) {
            case CAMPAIGN_CONFIGURED:
                specOffset = r.position();
                CampaignSpec.readFrom(r);
                break;
            case CAMPAIGN_STATUS_CHANGED:
                campaignAndSku(false);
                status = r.getByte();
                break;
            case CODES_LOADED:
                campaignAndSku(true);
                duplicatesSkipped = r.getInt();
                count = r.getInt();
                if (r.remaining() >= 10 && (buffer.getShort(r.position(), java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF)
                    == VALID_UNTIL_TAG) {
                    r.getShort();
                    validUntil = r.getLong();
                }
                codesOffset = r.position();
                for (int i = 0; i < count; i++) {
                    r.bytes();
                }
                break;
            case STOCK_ADJUSTED:
                campaignAndSku(true);
                delta = r.getLong();
                break;
            case CLAIM_GRANTED:
                if (!claimGranted()) {
                    return false;
                }
                break;
            case CLAIM_REJECTED:
                claim();
                result = ResultCode.of(r.getByte());
                reason = r.getByte();
                break;
            case REDEMPTION:
                redemption();
                break;
            case DELIVERY_RECORDED:
                deliveryRecorded(offset + length);
                break;
            case REDEEMER_CREATED:
                if (!redeemerCreated(offset + length)) {
                    return false;
                }
                break;
            case BLOCKLIST_CHANGED:
                blocklistOffset = r.position();
                BlocklistChange.readFrom(r);
                break;
            case SUPPLIER_CONFIGURED:
                supplierConfigured();
                break;
            case ORDER_RESERVED, ORDER_CANCELLED, PAYMENT_RECORDED, ORDERS_EXPIRED, REFUND_RECORDED, REFUNDS_REDRIVEN:
                if (!orderEvent(offset + length)) {
                    return false;
                }
                break;
            case DELIVERIES_REDRIVEN:
                r.bytes();
                actorOffset = r.lastOffset();
                actorLength = r.lastLength();
                campaignAndSku(false);
                r.bytes();
                supplierOffset = r.lastOffset();
                supplierLength = r.lastLength();
                from = r.getLong();
                to = r.getLong();
                count = r.getInt();
                break;
            case GRANT_REVOKED:
                operatorChange();
                break;
            case GRANT_REISSUED:
                operatorChange();
                newGrantHi = r.getLong();
                newGrantLo = r.getInt();
                reissuedCode = r.getInt();
                break;
            case GRANT_TRANSFERRED:
                transferred();
                break;
            default:
                return false;
        }
        return result != null && r.position() == offset + length;
    }

    /** The events of paid sales (docs/payments.md); false when malformed. */
    private boolean orderEvent(int end) {
        switch (type) {
            case ORDER_RESERVED:
                claim();
                readOrderId();
                amount = r.getLong();
                readCurrency();
                payBy = r.getLong();
                result = ResultCode.RESERVED;
                return true;
            case ORDER_CANCELLED:
                readActor();
                readOrderId();
                return true;
            case PAYMENT_RECORDED:
                return paymentRecorded();
            case ORDERS_EXPIRED:
                count = r.getInt();
                ordersOffset = r.position();
                if (count < 0 || count > (end - ordersOffset) / 12) {
                    return false;
                }
                r.position(ordersOffset + 12 * count);
                return true;
            case REFUNDS_REDRIVEN:
                readActor();
                anyOrder = r.getByte() != 0;
                readOrderId();
                r.bytes();
                supplierOffset = r.lastOffset();
                supplierLength = r.lastLength();
                count = r.getInt();
                return true;
            default: // REFUND_RECORDED
                readOrderId();
                refund = r.getByte() & 0xFF;
                status = r.getByte();
                attempt = r.getInt();
                r.bytes();
                detailOffset = r.lastOffset();
                detailLength = r.lastLength();
                outcome = r.getByte() & 0xFF;
                return true;
        }
    }

    private boolean claimGranted() {
        claim();
        result = ResultCode.GRANTED;
        return grantAndItems();
    }

    private boolean paymentRecorded() {
        r.bytes();
        supplierOffset = r.lastOffset();
        supplierLength = r.lastLength();
        r.bytes();
        transactionOffset = r.lastOffset();
        transactionLength = r.lastLength();
        readOrderId();
        campaignAndSku(true);
        amount = r.getLong();
        readCurrency();
        result = ResultCode.of(r.getByte());
        reason = r.getByte();
        if (result != ResultCode.PAID) {
            return true;
        }
        if (!grantAndItems()) {
            return false;
        }
        r.bytes();
        accountOffset = r.lastOffset();
        accountLength = r.lastLength();
        return true;
    }

    private void readOrderId() {
        orderHi = r.getLong();
        orderLo = r.getInt();
    }

    private void readCurrency() {
        r.bytes();
        currencyOffset = r.lastOffset();
        currencyLength = r.lastLength();
    }

    private void readActor() {
        r.bytes();
        actorOffset = r.lastOffset();
        actorLength = r.lastLength();
    }

    /** grantHi:8, grantLo:4, itemCount:1, (itemSku, code:4) * itemCount. */
    private boolean grantAndItems() {
        grantHi = r.getLong();
        grantLo = r.getInt();
        itemCount = r.getByte() & 0xFF;
        if (itemCount > MAX_ITEMS) {
            return false;
        }
        for (int i = 0; i < itemCount; i++) {
            r.bytes();
            itemSkuOffset[i] = r.lastOffset();
            itemSkuLength[i] = r.lastLength();
            itemCode[i] = r.getInt();
        }
        return true;
    }

    private void redemption() {
        actorKind = r.getByte();
        r.bytes();
        actorOffset = r.lastOffset();
        actorLength = r.lastLength();
        r.bytes();
        keyOffset = r.lastOffset();
        keyLength = r.lastLength();
        fingerprint = r.getLong();
        grantHi = r.getLong();
        grantLo = r.getInt();
        result = ResultCode.of(r.getByte());
    }

    /** GRANT_REVOKED and GRANT_REISSUED: who, why, which grant. */
    private void operatorChange() {
        r.bytes();
        actorOffset = r.lastOffset();
        actorLength = r.lastLength();
        r.bytes();
        statedReasonOffset = r.lastOffset();
        statedReasonLength = r.lastLength();
        grantHi = r.getLong();
        grantLo = r.getInt();
    }

    private void transferred() {
        r.bytes();
        userOffset = r.lastOffset();
        userLength = r.lastLength();
        r.bytes();
        keyOffset = r.lastOffset();
        keyLength = r.lastLength();
        fingerprint = r.getLong();
        grantHi = r.getLong();
        grantLo = r.getInt();
        r.bytes();
        recipientOffset = r.lastOffset();
        recipientLength = r.lastLength();
        result = ResultCode.of(r.getByte());
    }

    private void deliveryRecorded(int end) {
        grantHi = r.getLong();
        grantLo = r.getInt();
        item = r.getByte() & 0xFF;
        status = r.getByte();
        r.bytes();
        supplierOffset = r.lastOffset();
        supplierLength = r.lastLength();
        attempt = r.getInt();
        r.bytes();
        detailOffset = r.lastOffset();
        detailLength = r.lastLength();
        if (r.position() < end) {
            outcome = r.getByte() & 0xFF;
        }
    }

    private boolean redeemerCreated(int end) {
        r.bytes();
        actorOffset = r.lastOffset();
        actorLength = r.lastLength();
        r.bytes();
        keyHashOffset = r.lastOffset();
        keyHashLength = r.lastLength();
        if (r.position() < end) {
            scopeCount = r.getInt();
            scopeOffset = r.position();
            if (scopeCount < 0) {
                return false;
            }
            for (int i = 0; i < scopeCount; i++) {
                r.bytes();
            }
        }
        return true;
    }

    private void supplierConfigured() {
        r.bytes();
        supplierOffset = r.lastOffset();
        supplierLength = r.lastLength();
        r.bytes();
        urlOffset = r.lastOffset();
        urlLength = r.lastLength();
        timeoutMs = r.getInt();
        maxConcurrency = r.getInt();
        r.bytes();
        secretOffset = r.lastOffset();
        secretLength = r.lastLength();
    }

    private void campaignAndSku(boolean withSku) {
        r.bytes();
        campaignOffset = r.lastOffset();
        campaignLength = r.lastLength();
        if (withSku) {
            r.bytes();
            skuOffset = r.lastOffset();
            skuLength = r.lastLength();
        }
    }

    private void claim() {
        r.bytes();
        userOffset = r.lastOffset();
        userLength = r.lastLength();
        r.bytes();
        keyOffset = r.lastOffset();
        keyLength = r.lastLength();
        fingerprint = r.getLong();
        campaignAndSku(true);
        r.bytes();
        deviceOffset = r.lastOffset();
        deviceLength = r.lastLength();
        r.bytes();
        ipOffset = r.lastOffset();
        ipLength = r.lastLength();
        r.bytes();
        accountOffset = r.lastOffset();
        accountLength = r.lastLength();
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The campaign configuration of a CAMPAIGN_CONFIGURED event (allocates). */
    public CampaignSpec spec() {
        return CampaignSpec.readFrom(new WireReader().wrap(buffer, specOffset, offset + length - specOffset));
    }

    /** The change of a BLOCKLIST_CHANGED event (allocates). */
    public BlocklistChange blocklistChange() {
        return BlocklistChange.readFrom(new WireReader().wrap(buffer, blocklistOffset, offset + length - blocklistOffset));
    }

    /** Calls {@code visitor} with the place of each code of a CODES_LOADED event. */
    public void forEachCode(CodeVisitor visitor) {
        WireReader codes = new WireReader().wrap(buffer, codesOffset, offset + length - codesOffset);
        for (int i = 0; i < count; i++) {
            codes.bytes();
            visitor.onCode(i, buffer, codes.lastOffset(), codes.lastLength());
        }
    }

    /** Receives one code's bytes. */
    public interface CodeVisitor {
        void onCode(int index, DirectBuffer buffer, int offset, int length);
    }

    // allocating accessors, for tools
    public String user() {
        return text(userOffset, userLength);
    }

    public String key() {
        return text(keyOffset, keyLength);
    }

    public String campaign() {
        return text(campaignOffset, campaignLength);
    }

    public String sku() {
        return text(skuOffset, skuLength);
    }

    public String device() {
        return text(deviceOffset, deviceLength);
    }

    public String account() {
        return text(accountOffset, accountLength);
    }

    public String actor() {
        return text(actorOffset, actorLength);
    }

    public String supplier() {
        return text(supplierOffset, supplierLength);
    }

    public String detail() {
        return text(detailOffset, detailLength);
    }

    public String currency() {
        return text(currencyOffset, currencyLength);
    }

    public String transaction() {
        return text(transactionOffset, transactionLength);
    }

    /** ORDERS_EXPIRED: the high half of the {@code i}-th order's id. */
    public long expiredHi(int i) {
        return buffer.getLong(ordersOffset + 12 * i, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** ORDERS_EXPIRED: the low half of the {@code i}-th order's id. */
    public int expiredLo(int i) {
        return buffer.getInt(ordersOffset + 12 * i + 8, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** GRANT_REVOKED, GRANT_REISSUED: the operator's reason. */
    public String statedReason() {
        return text(statedReasonOffset, statedReasonLength);
    }

    /** GRANT_TRANSFERRED: who the grant was given to. */
    public String recipient() {
        return text(recipientOffset, recipientLength);
    }

    public String url() {
        return text(urlOffset, urlLength);
    }

    /** A SUPPLIER_CONFIGURED event's signing secret: never print or log it. */
    public String secret() {
        return text(secretOffset, secretLength);
    }

    /** Where a SUPPLIER_CONFIGURED event's secret (its length prefix) starts: the journal seals from here. */
    public int secretFieldOffset() {
        return secretOffset - 2;
    }

    /** The key hash of a REDEEMER_CREATED event. */
    public byte[] keyHash() {
        byte[] b = new byte[keyHashLength];
        buffer.getBytes(keyHashOffset, b);
        return b;
    }

    /** The campaigns of a REDEEMER_CREATED event's scope, in the order given (allocates). */
    public java.util.List<String> scope() {
        if (scopeCount == 0) {
            return java.util.List.of();
        }
        WireReader campaigns = new WireReader().wrap(buffer, scopeOffset, offset + length - scopeOffset);
        String[] ids = new String[scopeCount];
        for (int i = 0; i < scopeCount; i++) {
            ids[i] = campaigns.string();
        }
        return java.util.List.of(ids);
    }

    public String itemSku(int i) {
        return text(itemSkuOffset[i], itemSkuLength[i]);
    }

    /** The client IP as text ("" when absent). */
    public String ip() {
        if (ipLength != 4 && ipLength != 16) {
            return "";
        }
        byte[] b = new byte[ipLength];
        buffer.getBytes(ipOffset, b);
        try {
            return java.net.InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "";
        }
    }

    private String text(int at, int n) {
        return n == 0 ? "" : WireReader.utf8(buffer, at, n);
    }
}
