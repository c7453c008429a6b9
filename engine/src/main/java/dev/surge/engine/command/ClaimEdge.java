package dev.surge.engine.command;

import dev.surge.engine.risk.IpAddresses;
import dev.surge.engine.util.Identities;
import dev.surge.engine.wire.WireReader;
import java.nio.ByteOrder;
import java.util.function.Supplier;
import org.agrona.MutableDirectBuffer;

/**
 * A publisher's share of a claim's decision: resolves campaign and SKU to indexes in the engine's
 * current {@link CampaignDirectory} and computes the claim's keyed identities (user,
 * Idempotency-Key, device, address; the address and block keys where risk rules read them) and its
 * fingerprint, once, on the publishing thread, into the command's fixed part ({@link ClaimCommand}).
 * The writer thread then reads numbers instead of hashing strings.
 *
 * <p>The identities are keyed with the engine's own key (an edge is made by the state machine,
 * {@code StateMachine.edge()}), so they equal what the engine would compute: a publisher's hash
 * picks the same slots and the same 128-bit identities, which ownership compares in full.
 *
 * <p>Threading: one per publishing thread (its {@link Identities} keep per-call state); the
 * directory is read through a volatile the writer thread publishes.
 */
public final class ClaimEdge {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final Identities identities;
    private final Supplier<CampaignDirectory> directory;
    private final WireReader strings = new WireReader();

    public ClaimEdge(long key0, long key1, Supplier<CampaignDirectory> directory) {
        this.identities = new Identities(key0, key1);
        this.directory = directory;
    }

    /** Fills the fixed part of the claim whose strings are written from {@link ClaimCommand#STRINGS}. */
    void resolve(MutableDirectBuffer b, int length, long tokenIssuedAt) {
        WireReader in = strings.wrap(b, ClaimCommand.STRINGS, length - ClaimCommand.STRINGS);
        int userLength = in.bytes();
        int user = in.lastOffset();
        int keyLength = in.bytes();
        int key = in.lastOffset();
        int campaignLength = in.bytes();
        int campaign = in.lastOffset();
        int skuLength = in.bytes();
        int sku = in.lastOffset();
        int deviceLength = in.bytes();
        int device = in.lastOffset();
        int ipLength = in.bytes();
        int ip = in.lastOffset();
        int accountLength = in.bytes();
        int account = in.lastOffset();

        CampaignDirectory d = directory.get();
        int campaignIndex = d.campaign(b, campaign, campaignLength);
        boolean addressKeys = IpAddresses.valid(ipLength) && d.riskRules(campaignIndex);
        b.putInt(ClaimCommand.FLAGS, ClaimCommand.HASHED | (addressKeys ? ClaimCommand.ADDRESS_KEYS : 0), LE);
        b.putInt(ClaimCommand.CAMPAIGN_INDEX, campaignIndex, LE);
        b.putInt(ClaimCommand.SKU_INDEX, d.sku(campaignIndex, b, sku, skuLength), LE);
        b.putInt(ClaimCommand.SKU_INDEX + 4, 0, LE);
        b.putLong(ClaimCommand.EPOCH, d.epoch(), LE);
        b.putLong(ClaimCommand.USER_LOW, identities.user(b, user, userLength), LE);
        b.putLong(ClaimCommand.USER_HIGH, identities.userHigh(), LE);
        if (keyLength > 0) {
            // the key's own hash: the engine combines it with the user's identity (Identities.key)
            b.putLong(ClaimCommand.KEY_LOW, identities.key(Identities.CLAIMS, 0, 0, b, key, keyLength), LE);
            b.putLong(ClaimCommand.KEY_HIGH, identities.keyHigh(), LE);
        } else {
            b.putLong(ClaimCommand.KEY_LOW, 0, LE);
            b.putLong(ClaimCommand.KEY_HIGH, 0, LE);
        }
        b.putLong(ClaimCommand.FINGERPRINT, ClaimCommand.fingerprint(b, campaign, campaignLength, sku, skuLength,
            device, deviceLength, account, accountLength), LE);
        b.putLong(ClaimCommand.DEVICE, deviceLength > 0 ? identities.device(b, device, deviceLength) : 0, LE);
        b.putLong(ClaimCommand.ADDRESS, ipLength > 0 ? identities.address(b, ip, ipLength) : 0, LE);
        putAddressKeys(b, addressKeys, ip, ipLength);
        b.putLong(ClaimCommand.TOKEN_ISSUED_AT, tokenIssuedAt, LE);
    }

    /**
     * The keys the risk rules count an address and its block under (RiskSubject.ipKey, ipPrefixKey),
     * if its campaign has rules: without, nothing reads them.
     */
    private void putAddressKeys(MutableDirectBuffer b, boolean addressKeys, int ip, int ipLength) {
        long key = 0;
        long blockKey = 0;
        if (addressKeys) {
            long hi = IpAddresses.hi(b, ip, ipLength);
            long lo = IpAddresses.lo(b, ip, ipLength);
            int p = IpAddresses.groupPrefix(hi, lo);
            key = identities.address(hi, lo, 128);
            blockKey = identities.address(IpAddresses.maskHi(hi, p), IpAddresses.maskLo(lo, p), p);
        }
        b.putLong(ClaimCommand.IP_KEY, key, LE);
        b.putLong(ClaimCommand.IP_BLOCK_KEY, blockKey, LE);
    }
}
