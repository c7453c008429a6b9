package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class JournalRecordTest {
    private final JournalRecord codec = new JournalRecord();

    private byte[] record(byte[] body, int flags) {
        ExpandableArrayBuffer out = new ExpandableArrayBuffer(16);
        int n = codec.encode(out, 0, flags, new UnsafeBuffer(body), 0, body.length);
        assertEquals(body.length + JournalRecord.OVERHEAD, n);
        byte[] bytes = new byte[n];
        out.getBytes(0, bytes);
        return bytes;
    }

    /** A version 1 record (journals written before batching), framed by hand. */
    static byte[] versionOne(byte[] body, int flags) {
        byte[] rec = new byte[body.length + JournalRecord.OVERHEAD];
        UnsafeBuffer b = new UnsafeBuffer(rec);
        rec[0] = 1;
        rec[1] = (byte) flags;
        b.putInt(2, body.length, ByteOrder.LITTLE_ENDIAN);
        System.arraycopy(body, 0, rec, 6, body.length);
        CRC32C crc = new CRC32C();
        crc.update(rec, 0, 6 + body.length);
        b.putInt(6 + body.length, (int) crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        return rec;
    }

    private static byte[] body(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /**
     * The journal encodes into an off-heap batch: a record encoded there, at an offset, is the
     * same bytes as on the heap, and its checksum is checked from a direct buffer that starts
     * inside that memory.
     */
    @Test
    void encodesAndChecksOffTheHeapAsOnIt() {
        ExpandableDirectByteBuffer direct = new ExpandableDirectByteBuffer(64);
        int at = 7;
        for (int n : new int[] {0, 1, 17, 200, 70_000}) {
            byte[] body = body(n, n + 1);
            int length = codec.encode(direct, at, 0, new UnsafeBuffer(body), 0, body.length);
            byte[] offHeap = new byte[length];
            direct.getBytes(at, offHeap);
            assertArrayEquals(record(body, 0), offHeap);
            UnsafeBuffer view = new UnsafeBuffer(direct.byteBuffer(), 3, direct.capacity() - 3);
            assertEquals(JournalRecord.Status.OK, codec.wrap(view, at - 3, length));
            assertEquals(n, codec.bodyLength());
            direct.putByte(at + length - 1, (byte) (direct.getByte(at + length - 1) ^ 1));
            assertEquals(JournalRecord.Status.BAD_CHECKSUM, codec.wrap(view, at - 3, length));
            at += length + 5;
        }
    }

    @Test
    void roundTripsPlainAndEncryptedBodies() {
        for (int flags : new int[] {0, JournalRecord.FLAG_ENCRYPTED}) {
            for (int n : new int[] {0, 1, 17, 200, 70_000}) {
                byte[] body = body(n, n);
                byte[] rec = record(body, flags);
                // decoding at an offset inside a larger buffer, as from a reused read buffer
                byte[] padded = new byte[rec.length + 9];
                System.arraycopy(rec, 0, padded, 5, rec.length);
                assertEquals(JournalRecord.Status.OK, codec.wrap(new UnsafeBuffer(padded), 5, rec.length));
                assertEquals(flags != 0, codec.encrypted());
                assertEquals(n, codec.bodyLength());
                assertEquals(rec.length, codec.recordLength());
                byte[] back = new byte[n];
                codec.buffer().getBytes(codec.bodyOffset(), back);
                assertArrayEquals(body, back);
            }
        }
    }

    @Test
    void layoutIsVersionFlagsLengthBodyCrc32c() {
        byte[] rec = record(new byte[] {10, 20, 30}, JournalRecord.FLAG_ENCRYPTED);
        UnsafeBuffer b = new UnsafeBuffer(rec);
        assertEquals(2, rec[0]);
        assertEquals(1, rec[1]);
        assertEquals(3, b.getInt(2, ByteOrder.LITTLE_ENDIAN));
        assertEquals(10, rec[6]);
        CRC32C crc = new CRC32C();
        crc.update(rec, 0, 9);
        assertEquals((int) crc.getValue(), b.getInt(9, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void everySingleByteChangeIsDetected() {
        for (int flags : new int[] {0, JournalRecord.FLAG_ENCRYPTED}) {
            byte[] rec = record(body(150, 3), flags);
            for (int i = 0; i < rec.length; i++) {
                for (int mask : new int[] {0x01, 0x02, 0x10, 0x80, 0xFF, 0x5A}) {
                    byte[] bad = rec.clone();
                    bad[i] ^= (byte) mask;
                    JournalRecord.Status s = codec.wrap(new UnsafeBuffer(bad), 0, bad.length);
                    assertNotEquals(JournalRecord.Status.OK, s, "byte " + i + " ^ " + mask + " went undetected");
                }
            }
        }
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] rec = record(body(120, 4), 0);
        for (int n = 0; n < rec.length; n++) {
            assertEquals(JournalRecord.Status.TRUNCATED, codec.wrap(new UnsafeBuffer(rec), 0, n), "prefix of " + n);
        }
    }

    @Test
    void aVersionOneRecordFillsItsDocumentAVersionTwoMayBeFollowed() {
        byte[] v2 = record(body(120, 4), 0);
        byte[] longer = new byte[v2.length + 1];
        System.arraycopy(v2, 0, longer, 0, v2.length);
        assertEquals(JournalRecord.Status.OK, codec.wrap(new UnsafeBuffer(longer), 0, longer.length));
        assertEquals(v2.length, codec.recordLength(), "the next record starts right after it");

        byte[] v1 = versionOne(body(120, 4), 0);
        assertEquals(JournalRecord.Status.OK, codec.wrap(new UnsafeBuffer(v1), 0, v1.length));
        assertEquals(v1.length, codec.recordLength());
        byte[] v1Longer = new byte[v1.length + 1];
        System.arraycopy(v1, 0, v1Longer, 0, v1.length);
        assertEquals(JournalRecord.Status.BAD_LENGTH, codec.wrap(new UnsafeBuffer(v1Longer), 0, v1Longer.length));
        for (int n = 0; n < v1.length; n++) {
            assertEquals(JournalRecord.Status.TRUNCATED, codec.wrap(new UnsafeBuffer(v1), 0, n), "prefix of " + n);
        }
    }

    @Test
    void aBuildThatReadsOnlyVersionOneRefusesWhatThisOneWrites() {
        // what the previous build's check was: the version byte must be 1
        byte[] rec = record(body(20, 5), 0);
        assertNotEquals(1, rec[0]);
        assertEquals(JournalRecord.VERSION, rec[0]);
    }

    @Test
    void anotherVersionOrUnknownFlagIsBadVersionEvenWithAGoodChecksum() {
        byte[] rec = record(body(20, 5), 0);
        byte[] v3 = rec.clone();
        v3[0] = 3;
        assertEquals(JournalRecord.Status.BAD_VERSION, codec.wrap(new UnsafeBuffer(v3), 0, v3.length));

        byte[] flagged = rec.clone();
        flagged[1] = 0x04;
        CRC32C crc = new CRC32C();
        crc.update(flagged, 0, flagged.length - 4);
        new UnsafeBuffer(flagged).putInt(flagged.length - 4, (int) crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        assertEquals(JournalRecord.Status.BAD_VERSION, codec.wrap(new UnsafeBuffer(flagged), 0, flagged.length));
    }

    @Test
    void decodesFromOffHeapBuffersToo() {
        byte[] rec = record(body(5000, 6), 0);
        UnsafeBuffer direct = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(rec.length + 3));
        direct.putBytes(3, rec);
        assertEquals(JournalRecord.Status.OK, codec.wrap(direct, 3, rec.length));
        direct.putByte(3 + 4000, (byte) (direct.getByte(3 + 4000) ^ 1));
        assertEquals(JournalRecord.Status.BAD_CHECKSUM, codec.wrap(direct, 3, rec.length));
    }

    @Test
    void neverThrowsOnGarbageAndNeverAcceptsAPartialFrame() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[rnd.nextInt(40)];
            rnd.nextBytes(junk);
            if (junk.length > 0 && rnd.nextBoolean()) {
                junk[0] = JournalRecord.VERSION; // get past the version check into the length logic
            }
            if (codec.wrap(new UnsafeBuffer(junk), 0, junk.length) == JournalRecord.Status.OK) {
                if (junk[0] == JournalRecord.VERSION_ALONE) {
                    assertEquals(junk.length, codec.recordLength());
                } else {
                    assertTrue(codec.recordLength() <= junk.length);
                }
            }
        }
    }
}
