package dev.surge.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class HashingTest {
    /** What the function gave before it read a byte[] a word at a time: journals and snapshots depend on it. */
    private static final long CODE_HASH = -2624541476959478524L;

    @Test
    void bytesHashAsTheSameBytesInABuffer() {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] bytes = new byte[64];
        for (int round = 0; round < 2_000; round++) {
            rnd.nextBytes(bytes);
            int offset = rnd.nextInt(16);
            int length = rnd.nextInt(bytes.length - offset + 1);
            assertEquals(Hashing.hash(new UnsafeBuffer(bytes), offset, length), Hashing.hash(bytes, offset, length),
                "offset " + offset + ", length " + length);
        }
    }

    @Test
    void theFunctionIsFixed() {
        byte[] code = "CODE-000123-ABC".getBytes(StandardCharsets.UTF_8);
        assertEquals(CODE_HASH, Hashing.hash(code, 0, code.length));
    }
}
