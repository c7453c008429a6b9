package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.util.Hashing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PagedStringsTest {
    /**
     * Strings of random lengths over several pages, many of them across a page's end: each reads
     * back as written, at the offset it would have in one contiguous array (the layout snapshots
     * have always had), and the snapshot bytes are that array.
     */
    @Test
    void stringsReadBackAtContiguousOffsetsAcrossPages() throws IOException {
        PagedStrings strings = new PagedStrings();
        ByteArrayOutputStream contiguous = new ByteArrayOutputStream();
        List<byte[]> written = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        Random random = new Random(7);
        while (contiguous.size() < 3 * PagedStrings.PAGE_BYTES + 1000) {
            byte[] s = new byte[random.nextInt(256)];
            random.nextBytes(s);
            int at = strings.add(new UnsafeBuffer(s), 0, s.length);
            assertEquals(contiguous.size(), at);
            contiguous.write(s.length);
            contiguous.write(s);
            written.add(s);
            offsets.add(at);
        }
        byte[] into = new byte[255];
        for (int i = 0; i < written.size(); i++) {
            byte[] s = written.get(i);
            int at = offsets.get(i);
            assertEquals(s.length, strings.read(at, into));
            assertArrayEquals(s, java.util.Arrays.copyOf(into, s.length));
            assertTrue(strings.matches(at, new UnsafeBuffer(s), 0, s.length));
        }
        assertEquals(contiguous.size(), strings.used());

        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        strings.writeTo(new DataOutputStream(snapshot));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot.toByteArray()));
        assertEquals(contiguous.size(), in.readInt());
        assertArrayEquals(contiguous.toByteArray(), in.readAllBytes());

        PagedStrings restored = new PagedStrings();
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(snapshot.toByteArray())));
        assertEquals(strings.used(), restored.used());
        assertEquals(strings.hash(), restored.hash());
        // snapshots record the state's digest: the hash is the one array's it replaces
        assertEquals(Hashing.hash(contiguous.toByteArray(), 0, contiguous.size()), strings.hash());
        for (int i = 0; i < written.size(); i++) {
            assertTrue(restored.matches(offsets.get(i), new UnsafeBuffer(written.get(i)), 0, written.get(i).length));
        }
        byte[] more = "13800000000".getBytes(StandardCharsets.US_ASCII);
        assertEquals(strings.add(new UnsafeBuffer(more), 0, more.length), restored.add(new UnsafeBuffer(more), 0, more.length));
    }

    @Test
    void textMatchesAndEmptyStrings() {
        PagedStrings strings = new PagedStrings();
        byte[] phone = "13800000000".getBytes(StandardCharsets.UTF_8);
        int empty = strings.add(new UnsafeBuffer(new byte[0]), 0, 0);
        int at = strings.add(new UnsafeBuffer(phone), 0, phone.length);
        assertEquals("", strings.text(empty, StandardCharsets.UTF_8));
        assertEquals("13800000000", strings.text(at, StandardCharsets.UTF_8));
        assertFalse(strings.matches(at, new UnsafeBuffer(phone), 0, phone.length - 1));
        byte[] other = "13800000001".getBytes(StandardCharsets.UTF_8);
        assertFalse(strings.matches(at, new UnsafeBuffer(other), 0, other.length));
        assertEquals(1 + 1 + phone.length, strings.used());
    }

    @Test
    void refusesStringsLongerThanTheirLengthByte() {
        PagedStrings strings = new PagedStrings();
        assertThrows(IllegalArgumentException.class, () -> strings.add(new UnsafeBuffer(new byte[256]), 0, 256));
        assertEquals(0, strings.used());
    }

    @Test
    void hashSeesEveryByte() {
        PagedStrings a = new PagedStrings();
        PagedStrings b = new PagedStrings();
        byte[] x = new byte[200];
        for (int i = 0; i < PagedStrings.PAGE_BYTES / 100; i++) {
            a.add(new UnsafeBuffer(x), 0, x.length);
            b.add(new UnsafeBuffer(x), 0, x.length);
        }
        assertEquals(a.hash(), b.hash());
        x[199] = 1;
        a.add(new UnsafeBuffer(x), 0, x.length);
        x[199] = 2;
        b.add(new UnsafeBuffer(x), 0, x.length);
        assertNotEquals(a.hash(), b.hash());
    }
}
