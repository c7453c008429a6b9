package dev.surge.engine.command;

import dev.surge.engine.util.Hashing;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The CLAIM command: a fixed part of numbers, then the strings its event records. The numbers are
 * what the publisher resolved ({@link ClaimEdge}) so that the writer thread decides on them: the
 * campaign and SKU indexes with the {@link CampaignDirectory} epoch they came from, and the keyed
 * identities of user, Idempotency-Key, device and address. A command written without an edge
 * carries {@link CampaignDirectory#NO_EPOCH} and no {@link #HASHED} flag, and the engine
 * resolves and hashes the strings itself, as it does for a stale epoch.
 *
 * <pre>
 *  0 flags:4          {@link #HASHED}: the identities below were computed by the publisher;
 *                     {@link #ADDRESS_KEYS}: so were ipKey and ipBlockKey
 *  4 campaignIndex:4  {@link CampaignDirectory#MISSING} when the directory does not hold the campaign
 *  8 skuIndex:4       {@link CampaignDirectory#MISSING} when the campaign has no such SKU
 * 12 (zero):4
 * 16 epoch:8          the directory the indexes came from; NO_EPOCH: not resolved
 * 24 userLow:8        the user's 128-bit keyed identity
 * 32 userHigh:8
 * 40 keyLow:8         the Idempotency-Key's keyed 128-bit hash in the claims scope (0 when no key),
 * 48 keyHigh:8        before the engine combines it with the user's identity
 * 56 fingerprint:8    tells a retry from another request under the same key (unkeyed, see {@link #fingerprint})
 * 64 device:8         keyed hash of the device id (0 when none)
 * 72 address:8        keyed hash of the ip bytes (0 when none)
 * 80 ipKey:8          keyed hash of the parsed address, as the risk rules key it (0 when not computed)
 * 88 ipBlockKey:8     keyed hash of the address's /24 (IPv4) or /64 (IPv6) block (0 when not computed)
 * 96 tokenIssuedAt:8  epoch ms; Long.MIN_VALUE when the token had no iat
 *104 user, idempotencyKey, campaign, sku, device, ip (raw 4/16 bytes), account: length-prefixed
 * </pre>
 *
 * <p>A flyweight over one command: {@link #wrap} it, then read. Confined to its owner's thread.
 */
public final class ClaimCommand {
    public static final int HASHED = 1;
    /** The address and block keys below were computed (the campaign had risk rules when resolved). */
    public static final int ADDRESS_KEYS = 2;
    static final int FLAGS = 0;
    static final int CAMPAIGN_INDEX = 4;
    static final int SKU_INDEX = 8;
    static final int EPOCH = 16;
    static final int USER_LOW = 24;
    static final int USER_HIGH = 32;
    static final int KEY_LOW = 40;
    static final int KEY_HIGH = 48;
    static final int FINGERPRINT = 56;
    static final int DEVICE = 64;
    static final int ADDRESS = 72;
    static final int IP_KEY = 80;
    static final int IP_BLOCK_KEY = 88;
    static final int TOKEN_ISSUED_AT = 96;
    /** Where the strings start. */
    public static final int STRINGS = 104;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;

    public ClaimCommand wrap(DirectBuffer buffer) {
        this.buffer = buffer;
        return this;
    }

    public boolean hashed() {
        return (buffer.getInt(FLAGS, LE) & HASHED) != 0;
    }

    public boolean addressKeys() {
        return (buffer.getInt(FLAGS, LE) & ADDRESS_KEYS) != 0;
    }

    public long epoch() {
        return buffer.getLong(EPOCH, LE);
    }

    public int campaignIndex() {
        return buffer.getInt(CAMPAIGN_INDEX, LE);
    }

    public int skuIndex() {
        return buffer.getInt(SKU_INDEX, LE);
    }

    public long userLow() {
        return buffer.getLong(USER_LOW, LE);
    }

    public long userHigh() {
        return buffer.getLong(USER_HIGH, LE);
    }

    public long keyLow() {
        return buffer.getLong(KEY_LOW, LE);
    }

    public long keyHigh() {
        return buffer.getLong(KEY_HIGH, LE);
    }

    public long fingerprint() {
        return buffer.getLong(FINGERPRINT, LE);
    }

    public long device() {
        return buffer.getLong(DEVICE, LE);
    }

    public long address() {
        return buffer.getLong(ADDRESS, LE);
    }

    public long ipKey() {
        return buffer.getLong(IP_KEY, LE);
    }

    public long ipBlockKey() {
        return buffer.getLong(IP_BLOCK_KEY, LE);
    }

    public long tokenIssuedAt() {
        return buffer.getLong(TOKEN_ISSUED_AT, LE);
    }

    /** Writes the fixed part of a claim nobody resolved: the engine resolves and hashes it. */
    static void writeUnresolved(MutableDirectBuffer b, long tokenIssuedAt) {
        b.setMemory(0, TOKEN_ISSUED_AT, (byte) 0);
        b.putLong(TOKEN_ISSUED_AT, tokenIssuedAt, LE);
    }

    /**
     * The claim's fingerprint: campaign, SKU, device and account, so that a retry under the same
     * key is told from another request. Unkeyed: it is compared only with records found by the
     * full keyed (user, key) identity, and it is written into the event.
     */
    public static long fingerprint(DirectBuffer b, int campaignOffset, int campaignLength, int skuOffset,
                                   int skuLength, int deviceOffset, int deviceLength, int accountOffset,
                                   int accountLength) {
        return Hashing.combine(
            Hashing.hash(b, campaignOffset, campaignLength),
            Hashing.hash(b, skuOffset, skuLength),
            Hashing.combine(Hashing.hash(b, deviceOffset, deviceLength),
                Hashing.hash(b, accountOffset, accountLength)));
    }
}
