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
 * {@link #keyHigh()}: read it before the next call. Within a decision ({@link #beginDecision})
 * each hash remembers where in the command its last input lay and its result, because the event
 * applier hashes again, from the event, exactly what the decider hashed from the command a moment
 * before: the second time costs a compare of a few words, not a hash. A claim resolved at the edge
 * brings its hashes with it (computed by a publisher's own instance under the same key): the
 * decider hands them in with the {@code known*} methods, and both decider and applier then find
 * them here. Confined to the thread that owns the state (a publisher's instance: to that publisher).
 */
public final class Identities {
    /** Idempotency scopes: the same key under two scopes is two unrelated identities. */
    public static final int CLAIMS = 0;
    public static final int GRANT_REDEMPTIONS = 1;
    public static final int CODE_REDEMPTIONS = 2;
    /** A user gives a grant away (docs/lifecycle.md). */
    public static final int TRANSFERS = 3;

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
    private final AddressMemo lastAddressKey = new AddressMemo();
    private final AddressMemo lastBlockKey = new AddressMemo();
    private long keyHigh;
    private DirectBuffer command;

    public Identities(long key0, long key1) {
        SipHash root = new SipHash(key0, key1);
        users = root.derive("users");
        keys = new SipHash[] {root.derive("claim-keys"), root.derive("grant-redemption-keys"),
            root.derive("code-redemption-keys"), root.derive("transfer-keys")};
        devices = root.derive("devices");
        addresses = root.derive("addresses");
        fingerprint = root.fingerprint();
    }

    /**
     * From here to {@link #endDecision} the command's buffer stays as it is, so what was hashed
     * from it may be reused. Nothing else is remembered: event buffers are rewritten within a
     * decision.
     */
    public void beginDecision(DirectBuffer command) {
        forget();
        this.command = command;
    }

    public void endDecision() {
        command = null;
        forget();
    }

    private void forget() {
        lastUser.forget();
        lastKey.forget();
        lastDevice.forget();
        lastAddress.forget();
    }

    /**
     * The 128-bit identity of the user whose id lies in the current decision's command there, as
     * a publisher under the same key computed it: the next {@link #user} of these bytes returns it.
     */
    public void knownUser(int offset, int length, long low, long high) {
        lastUser.keep(true, 0, command, offset, length, low, high);
    }

    /** As {@link #knownUser}: the key's own 128-bit hash in {@code scope}, before it is combined with a subject. */
    public void knownKey(int scope, int offset, int length, long low, long high) {
        lastKey.keep(true, scope, command, offset, length, low, high);
    }

    /** As {@link #knownUser}, for a device id. */
    public void knownDevice(int offset, int length, long hash) {
        lastDevice.keep(true, 0, command, offset, length, hash, 0);
    }

    /** As {@link #knownUser}, for a client address as the claim carried it. */
    public void knownAddress(int offset, int length, long hash) {
        lastAddress.keep(true, 0, command, offset, length, hash, 0);
    }

    /** Names the key without revealing it (snapshots record it). */
    public long fingerprint() {
        return fingerprint;
    }

    /** A user's (or redeemer's) 128-bit identity: the low half, which also picks the user's slots. */
    public long user(DirectBuffer buffer, int offset, int length) {
        if (!lastUser.holds(0, buffer, offset, length)) {
            long low = users.hash128(buffer, offset, length);
            lastUser.keep(buffer == command, 0, buffer, offset, length, low, users.high());
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
            long low = k.hash128(buffer, offset, length);
            lastKey.keep(buffer == command, scope, buffer, offset, length, low, k.high());
        }
        keyHigh = lastKey.high ^ subjectHigh;
        return lastKey.low ^ subjectLow;
    }

    public long keyHigh() {
        return keyHigh;
    }

    public long device(DirectBuffer buffer, int offset, int length) {
        if (!lastDevice.holds(0, buffer, offset, length)) {
            lastDevice.keep(buffer == command, 0, buffer, offset, length, devices.hash(buffer, offset, length), 0);
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
            lastAddress.keep(buffer == command, 0, buffer, offset, length, addresses.hash(buffer, offset, length), 0);
        }
        return lastAddress.low;
    }

    /** A parsed address, or an address block (hi, lo masked to {@code prefix} bits). */
    public long address(long hi, long lo, int prefix) {
        AddressMemo m = prefix == 128 ? lastAddressKey : lastBlockKey;
        if (!m.holds(hi, lo, prefix)) {
            address.putLong(0, hi, ByteOrder.LITTLE_ENDIAN);
            address.putLong(8, lo, ByteOrder.LITTLE_ENDIAN);
            address.putByte(16, (byte) prefix);
            m.keep(hi, lo, prefix, addresses.hash(address, 0, 17));
        }
        return m.key;
    }

    /**
     * The key of a parsed address or block as a publisher under the same key computed it: the
     * next {@link #address(long, long, int)} of these arguments returns it. A pure function of
     * its arguments, so this memo (the last address and the last block) outlives decisions.
     */
    public void knownAddress(long hi, long lo, int prefix, long key) {
        (prefix == 128 ? lastAddressKey : lastBlockKey).keep(hi, lo, prefix, key);
    }

    /** The last parsed address or block and its key. */
    private static final class AddressMemo {
        boolean kept;
        long hi;
        long lo;
        int prefix;
        long key;

        boolean holds(long hi, long lo, int prefix) {
            return kept && hi == this.hi && lo == this.lo && prefix == this.prefix;
        }

        void keep(long hi, long lo, int prefix, long key) {
            this.hi = hi;
            this.lo = lo;
            this.prefix = prefix;
            this.key = key;
            kept = true;
        }
    }

    /**
     * One hash's last input (where it lies, under a tag) and its result. It keeps a reference, not
     * a copy: valid only while that buffer cannot change, i.e. within one decision.
     */
    private static final class Memo {
        DirectBuffer buffer;
        int offset;
        int length;
        int tag;
        long low;
        long high;

        boolean holds(int tag, DirectBuffer buffer, int offset, int length) {
            DirectBuffer kept = this.buffer;
            if (kept == null || length != this.length || tag != this.tag) {
                return false;
            }
            if (kept == buffer && offset == this.offset) {
                return true;
            }
            int i = 0;
            for (; i + 8 <= length; i += 8) {
                if (buffer.getLong(offset + i) != kept.getLong(this.offset + i)) {
                    return false;
                }
            }
            for (; i < length; i++) {
                if (buffer.getByte(offset + i) != kept.getByte(this.offset + i)) {
                    return false;
                }
            }
            return true;
        }

        void keep(boolean remember, int tag, DirectBuffer buffer, int offset, int length, long low, long high) {
            this.low = low;
            this.high = high;
            this.buffer = remember ? buffer : null;
            this.tag = tag;
            this.offset = offset;
            this.length = length;
        }

        void forget() {
            buffer = null;
        }
    }
}
