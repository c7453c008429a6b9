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
 * {@link #keyHigh()}: read it before the next call. Confined to the thread that owns the state.
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
        return users.hash128(buffer, offset, length);
    }

    public long user(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return user(new UnsafeBuffer(b), 0, b.length);
    }

    /** The high half of the last {@link #user}. */
    public long userHigh() {
        return users.high();
    }

    /**
     * The 128-bit identity of (subject, Idempotency-Key) in a scope: the subject's identity
     * XOR the key's keyed hash, two independent unpredictable values, so that two different
     * pairs coincide only by a 2^-128 chance nobody can aim. Returns the low half.
     */
    public long key(int scope, long subjectHigh, long subjectLow, DirectBuffer buffer, int offset, int length) {
        SipHash k = keys[scope];
        long low = k.hash128(buffer, offset, length) ^ subjectLow;
        keyHigh = k.high() ^ subjectHigh;
        return low;
    }

    public long keyHigh() {
        return keyHigh;
    }

    public long device(DirectBuffer buffer, int offset, int length) {
        return devices.hash(buffer, offset, length);
    }

    public long device(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return device(new UnsafeBuffer(b), 0, b.length);
    }

    /** A client address as the claim carried it (text), for the per-address limit counters. */
    public long address(DirectBuffer buffer, int offset, int length) {
        return addresses.hash(buffer, offset, length);
    }

    /** A parsed address, or an address block (hi, lo masked to {@code prefix} bits). */
    public long address(long hi, long lo, int prefix) {
        address.putLong(0, hi, ByteOrder.LITTLE_ENDIAN);
        address.putLong(8, lo, ByteOrder.LITTLE_ENDIAN);
        address.putByte(16, (byte) prefix);
        return addresses.hash(address, 0, 17);
    }
}
