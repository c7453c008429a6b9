package dev.surge.engine.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The reference vectors of SipHash-2-4 (key 00..0f, message 00..len-1), 64- and 128-bit outputs: the code the engine runs as SipHash-1-3. */
class SipHashTest {
    private static final SipHash REFERENCE = SipHash.reference(bytes(16));

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static byte[] sip64(int length) {
        UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        out.putLong(0, REFERENCE.hash(new UnsafeBuffer(bytes(length)), 0, length), ByteOrder.LITTLE_ENDIAN);
        return out.byteArray();
    }

    private static byte[] sip128(int length) {
        UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
        out.putLong(0, REFERENCE.hash128(new UnsafeBuffer(bytes(length)), 0, length), ByteOrder.LITTLE_ENDIAN);
        out.putLong(8, REFERENCE.high(), ByteOrder.LITTLE_ENDIAN);
        return out.byteArray();
    }

    @Test
    void sixtyFourBitReferenceVectors() {
        assertArrayEquals(hex("310e0edd47db6f72"), sip64(0));
        assertArrayEquals(hex("fd67dc93c539f874"), sip64(1));
        assertArrayEquals(hex("5a4fa9d909806c0d"), sip64(2));
        assertEquals(0xa129ca6149be45e5L, REFERENCE.hash(new UnsafeBuffer(bytes(15)), 0, 15), "the paper's example");
    }

    @Test
    void hundredTwentyEightBitReferenceVectors() {
        assertArrayEquals(hex("a3817f04ba25a8e66df67214c7550293"), sip128(0));
        assertArrayEquals(hex("da87c1d86b99af44347659119b22fc45"), sip128(1));
        assertArrayEquals(hex("8177228da4a45dc7fca38bdef60affe4"), sip128(2));
        assertArrayEquals(hex("5493e99933b0a8117e08ec0f97cfc3d9"), sip128(15));
    }

    @Test
    void aLongHashesAsItsEightLittleEndianBytes() {
        // the reference vector of the bytes 0..7, then random values under both variants
        assertArrayEquals(sip64(8), longBytes(REFERENCE.hash(0x0706050403020100L)));
        java.util.SplittableRandom random = new java.util.SplittableRandom(8);
        SipHash fast = SipHash.random();
        UnsafeBuffer eight = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < 1_000; i++) {
            long v = random.nextLong();
            eight.putLong(0, v, ByteOrder.LITTLE_ENDIAN);
            assertEquals(REFERENCE.hash(eight, 0, 8), REFERENCE.hash(v));
            assertEquals(fast.hash(eight, 0, 8), fast.hash(v));
        }
    }

    private static byte[] longBytes(long v) {
        UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        out.putLong(0, v, ByteOrder.LITTLE_ENDIAN);
        return out.byteArray();
    }

    @Test
    void anOffsetInsideALargerBufferHashesTheSameBytes() {
        byte[] padded = new byte[40];
        System.arraycopy(bytes(15), 0, padded, 11, 15);
        assertEquals(0xa129ca6149be45e5L, REFERENCE.hash(new UnsafeBuffer(padded), 11, 15));
    }

    @Test
    void derivedKeysAreUnrelatedToEachOtherAndToTheirParent() {
        UnsafeBuffer alice = new UnsafeBuffer("alice".getBytes(StandardCharsets.UTF_8));
        SipHash users = REFERENCE.derive("users");
        SipHash keys = REFERENCE.derive("claim-keys");
        assertNotEquals(users.hash(alice, 0, 5), keys.hash(alice, 0, 5));
        assertNotEquals(REFERENCE.hash(alice, 0, 5), users.hash(alice, 0, 5));
        assertEquals(users.hash(alice, 0, 5), REFERENCE.derive("users").hash(alice, 0, 5), "derivation is deterministic");
        assertNotEquals(REFERENCE.fingerprint(), SipHash.of(hex("000102030405060708090a0b0c0d0e0f".replace('f', 'e')))
            .fingerprint());
    }
}
