package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SnapshotOutput writes exactly the bytes DataOutputStream writes, whatever its buffer size. */
class SnapshotOutputTest {

    /** The same random sequence of writes, into {@code out}. */
    private static void writeAll(DataOutput out, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            switch (random.nextInt(12)) {
                case 0 -> out.writeLong(random.nextLong());
                case 1 -> out.writeInt(random.nextInt());
                case 2 -> out.writeByte(random.nextInt());
                case 3 -> out.write(random.nextInt(256));
                case 4 -> out.writeBoolean(random.nextBoolean());
                case 5 -> out.writeShort(random.nextInt());
                case 6 -> out.writeChar(random.nextInt());
                case 7 -> out.writeDouble(random.nextDouble());
                case 8 -> out.writeFloat(random.nextFloat());
                case 9 -> out.writeUTF("sku-" + random.nextInt() + (random.nextBoolean() ? "会员卡" : ""));
                case 10 -> {
                    byte[] bytes = new byte[random.nextInt(200)]; // larger than the smallest buffers too
                    random.nextBytes(bytes);
                    int off = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                    out.write(bytes, off, bytes.length - off);
                }
                default -> out.writeChars("c" + random.nextInt(100));
            }
        }
    }

    @Test
    void writesWhatDataOutputStreamWritesAtEveryBufferSize() throws IOException {
        for (int bufferSize : new int[] {8, 9, 13, 64, 1 << 16}) {
            for (long seed = 1; seed <= 5; seed++) {
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                try (DataOutputStream reference = new DataOutputStream(expected)) {
                    writeAll(reference, seed);
                }
                ByteArrayOutputStream actual = new ByteArrayOutputStream();
                try (SnapshotOutput out = new SnapshotOutput(actual, bufferSize)) {
                    writeAll(out, seed);
                }
                assertArrayEquals(expected.toByteArray(), actual.toByteArray(),
                    "buffer of " + bufferSize + " bytes, seed " + seed);
            }
        }
    }

    @Test
    void flushHandsOnWhatIsBufferedAndCloseClosesTheStreamBelow() throws IOException {
        boolean[] closed = new boolean[1];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream below = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        SnapshotOutput out = new SnapshotOutput(below, 64);
        out.writeInt(7);
        assertEquals(0, bytes.size(), "buffered until full, flushed or closed");
        out.flush();
        assertEquals(4, bytes.size());
        out.writeLong(1);
        out.close();
        assertEquals(12, bytes.size());
        assertTrue(closed[0]);
    }

    @Test
    void refusesABufferThatHoldsNoNumber() {
        assertThrows(IllegalArgumentException.class, () -> new SnapshotOutput(new ByteArrayOutputStream(), 7));
    }
}
