package dev.surge.engine.state;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;

/**
 * What applying a claim's event needs (CLAIM_GRANTED, CLAIM_REJECTED, and the claim part of
 * ORDER_RESERVED), however it was learnt: {@link EventApplier} applies a claim from here and
 * from nothing else. On the writer thread the claim decider fills it from what it has just
 * resolved and written ({@link ClaimDecider}: the strings are where they lie in the command,
 * the same bytes the event records), so the event is not parsed back; replay fills it from the
 * parsed event ({@link #claim(EventView, Campaign, Sku, long, long)}, {@link #grant(EventView)}).
 * One applying code, two ways in. A reusable flyweight, confined to the writer thread.
 */
final class ClaimFacts {
    long sequence;
    long timestamp;
    /** Null when the claim named none that exists (UNKNOWN_CAMPAIGN, UNKNOWN_SKU). */
    Campaign campaign;
    Sku sku;
    /** The user's 128-bit identity; (0, 0) when nothing of theirs is counted (an unknown campaign or SKU). */
    long userHigh;
    long user;
    ResultCode result;
    /** CLAIM_REJECTED: the risk reason (RISK_REJECTED), else 0. */
    int reason;
    long fingerprint;
    /** Where the claim's strings lie: the command (live) or the event (replay); the bytes are the same. */
    DirectBuffer strings;
    int keyOffset;
    int keyLength;
    int deviceOffset;
    int deviceLength;
    int ipOffset;
    int ipLength;
    int accountOffset;
    int accountLength;
    // CLAIM_GRANTED (and a paid order's grant)
    long grantHi;
    int grantLo;
    int itemCount;
    /** Each item's SKU index and code index in its pool ({@link GrantBook#NONE}: a recharge). */
    final int[] itemSku = new int[EventView.MAX_ITEMS];
    final int[] itemCode = new int[EventView.MAX_ITEMS];

    private final EngineState state;
    private final Identities identities;

    ClaimFacts(EngineState state) {
        this.state = state;
        this.identities = state.identities;
    }

    /**
     * The claim part of a parsed CLAIM_GRANTED, CLAIM_REJECTED or ORDER_RESERVED event, its
     * campaign, SKU and user already resolved (for an unknown campaign or SKU: null, and 0).
     */
    ClaimFacts claim(EventView e, Campaign c, Sku sku, long userHigh, long user) {
        sequence = e.sequence;
        timestamp = e.timestamp;
        campaign = c;
        this.sku = sku;
        this.userHigh = userHigh;
        this.user = user;
        result = e.result;
        reason = e.reason;
        fingerprint = e.fingerprint;
        strings = e.buffer();
        keyOffset = e.keyOffset;
        keyLength = e.keyLength;
        deviceOffset = e.deviceOffset;
        deviceLength = e.deviceLength;
        ipOffset = e.ipOffset;
        ipLength = e.ipLength;
        accountOffset = e.accountOffset;
        accountLength = e.accountLength;
        itemCount = 0;
        return this;
    }

    /**
     * The grant of a parsed CLAIM_GRANTED or PAID PAYMENT_RECORDED event, of {@link #sku} in
     * {@link #campaign}: a bundle's items name their SKUs, any other grant is one item of its own SKU.
     */
    ClaimFacts grant(EventView e) {
        grantHi = e.grantHi;
        grantLo = e.grantLo;
        itemCount = e.itemCount;
        DirectBuffer b = e.buffer();
        for (int i = 0; i < itemCount; i++) {
            itemSku[i] = sku.kind == SkuKind.BUNDLE
                ? state.sku(campaign, b, e.itemSkuOffset[i], e.itemSkuLength[i]).index : sku.index;
            itemCode[i] = e.itemCode[i];
        }
        return this;
    }

    /** The grant a PAID PAYMENT_RECORDED event issues, of the order's SKU {@code sku} in {@code c}. */
    ClaimFacts paid(EventView e, Campaign c, Sku sku) {
        sequence = e.sequence;
        timestamp = e.timestamp;
        campaign = c;
        this.sku = sku;
        return grant(e);
    }

    /** The hash of the claim's device (present: {@link #deviceLength} > 0), as the limits count it. */
    long device() {
        return identities.device(strings, deviceOffset, deviceLength);
    }

    /** The hash of the claim's client address (present: {@link #ipLength} > 0), as the limits count it. */
    long address() {
        return identities.address(strings, ipOffset, ipLength);
    }

    /**
     * Whether the parsed event {@code e} says what these facts say (a check for tests, through an
     * assertion: replay reads the event, the live path applies the facts, and both must agree).
     */
    boolean matches(EventView e) {
        boolean same = e.sequence == sequence && e.timestamp == timestamp && e.result == result
            && e.fingerprint == fingerprint && (campaign == null || equal(e, e.campaignOffset, e.campaignLength,
                campaign.idBytes)) && (sku == null || equal(e, e.skuOffset, e.skuLength, sku.idBytes))
            && equal(e, e.keyOffset, e.keyLength, keyOffset, keyLength)
            && equal(e, e.deviceOffset, e.deviceLength, deviceOffset, deviceLength)
            && equal(e, e.ipOffset, e.ipLength, ipOffset, ipLength)
            && equal(e, e.accountOffset, e.accountLength, accountOffset, accountLength);
        if (result != ResultCode.GRANTED) {
            return same && e.reason == reason;
        }
        same &= e.grantHi == grantHi && e.grantLo == grantLo && e.itemCount == itemCount;
        for (int i = 0; same && i < itemCount; i++) {
            same = e.itemCode[i] == itemCode[i]
                && equal(e, e.itemSkuOffset[i], e.itemSkuLength[i], state.skus[itemSku[i]].idBytes);
        }
        return same;
    }

    private boolean equal(EventView e, int offset, int length, int ownOffset, int ownLength) {
        if (length != ownLength) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (e.buffer().getByte(offset + i) != strings.getByte(ownOffset + i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(EventView e, int offset, int length, byte[] bytes) {
        if (length != bytes.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (e.buffer().getByte(offset + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
