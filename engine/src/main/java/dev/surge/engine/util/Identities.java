package dev.surge.engine.util;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The keyed hashes of everything a client chooses: user ids (and redeemer ids), Idempotency-Keys,
 * device ids and client addresses, each under its own key derived from the data directory's
 * secret (a StateConfig in the state package).
 *
 * <p>The rule (docs/security.md): a hash may choose a table slot or key a counter; it never
 * decides who owns a grant or whose replay an answer is. So an identity is 128 bits
 * ({@link #user}, {@link #key}) and ownership and replays compare all of them; the 64-bit
 * outputs ({@link #device}, {@link #address}, the low half of a user) only pick slots and key
 * counters, where a collision can only make two subjects share a count (erring on the side of
 * refusing). Without the key an attacker can aim neither: not a collision with another user's
 * identity, nor a flood of keys into one slot.
 *
 * <p>A 128-bit result comes back as its low half, the high half in {@link #userHigh()} or
 * {@link #keyHigh()}: read it before the next call. Each hash remembers its last input and
 * result, because the event applier hashes again, from the event, exactly what the decider hashed
 * from the command a moment before: the second time costs a compare of a few words. Confined to
 * the thread that owns the state.
 */
public final class Identities {
    /** Idempotency scopes: the same key under two scopes is two unrelated identities. */
    public static final int CLAIMS = 0;
    public static final int GRANT_REDEMPTIONS = 1;
    public static final int CODE_REDEMPTIONS = 2;

    private final SipHash users;
    private final SipHash[] keys;
    private final SipHash devices;
    private final SipHash addresses;
    private final UnsafeBuffer address = new UnsafeBuffer(new byte[17]);
    private final long fingerprint;
    private final Memo lastUser = new Memo();
    private final Memo lastKey = new Memo();
    private final Memo lastDevice = new Memo();
    private final Memo lastAddress = new Memo();
    private long keyHigh;

    public Identities(long key0, long key1) {
        SipHash root = new SipHash(key0, key1);
        users = root.derive("users");
        keys = new SipHash[] {root.derive("claim-keys"), root.derive("grant-redemption-keys"),
            root.derive("code-redemption-keys")};
        devices = root.derive("devices");
        addresses = root.derive("addresses");
        fingerprint = root.fingerprint();
    }

    /** Names the key without revealing it (snapshots record it). */
    public long fingerprint() {
        return fingerprint;
    }

    /** A user's (or redeemer's) 128-bit identity: the low half, which also picks the user's slots. */
    public long user(DirectBuffer buffer, int offset, int length) {
        if (!lastUser.holds(0, buffer, offset, length)) {
            lastUser.keep(0, buffer, offset, length, users.hash128(buffer, offset, length), users.high());
        }
        return lastUser.low;
    }

    public long user(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return user(new UnsafeBuffer(b), 0, b.length);
    }

    /** The high half of the last {@link #user}. */
    public long userHigh() {
        return lastUser.high;
    }

    /**
     * The 128-bit identity of (subject, Idempotency-Key) in a scope: the subject's identity
     * XOR the key's keyed hash, two independent unpredictable values, so that two different
     * pairs coincide only by a 2^-128 chance nobody can aim. Returns the low half.
     */
    public long key(int scope, long subjectHigh, long subjectLow, DirectBuffer buffer, int offset, int length) {
        if (!lastKey.holds(scope, buffer, offset, length)) {
            SipHash k = keys[scope];
            lastKey.keep(scope, buffer, offset, length, k.hash128(buffer, offset, length), k.high());
        }
        keyHigh = lastKey.high ^ subjectHigh;
        return lastKey.low ^ subjectLow;
    }

    public long keyHigh() {
        return keyHigh;
    }

    public long device(DirectBuffer buffer, int offset, int length) {
        if (!lastDevice.holds(0, buffer, offset, length)) {
            lastDevice.keep(0, buffer, offset, length, devices.hash(buffer, offset, length), 0);
        }
        return lastDevice.low;
    }

    public long device(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return device(new UnsafeBuffer(b), 0, b.length);
    }

    /** A client address as the claim carried it (text), for the per-address limit counters. */
    public long address(DirectBuffer buffer, int offset, int length) {
        if (!lastAddress.holds(0, buffer, offset, length)) {
            lastAddress.keep(0, buffer, offset, length, addresses.hash(buffer, offset, length), 0);
        }
        return lastAddress.low;
    }

    /** A parsed address, or an address block (hi, lo masked to {@code prefix} bits). */
    public long address(long hi, long lo, int prefix) {
        address.putLong(0, hi, ByteOrder.LITTLE_ENDIAN);
        address.putLong(8, lo, ByteOrder.LITTLE_ENDIAN);
        address.putByte(16, (byte) prefix);
        return addresses.hash(address, 0, 17);
    }

    /** One hash's last input (up to {@link #BYTES} bytes, under a tag) and its result. */
    private static final class Memo {
        static final int BYTES = 128;
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[BYTES]);
        int length = -1;
        int tag;
        long low;
        long high;

        boolean holds(int tag, DirectBuffer buffer, int offset, int length) {
            if (length != this.length || tag != this.tag) {
                return false;
            }
            int i = 0;
            for (; i + 8 <= length; i += 8) {
                if (buffer.getLong(offset + i) != bytes.getLong(i)) {
                    return false;
                }
            }
            for (; i < length; i++) {
                if (buffer.getByte(offset + i) != bytes.getByte(i)) {
                    return false;
                }
            }
            return true;
        }

        void keep(int tag, DirectBuffer buffer, int offset, int length, long low, long high) {
            this.low = low;
            this.high = high;
            if (length <= BYTES) {
                buffer.getBytes(offset, bytes, 0, length);
                this.tag = tag;
                this.length = length;
            } else {
                this.length = -1;
            }
        }
    }
}
