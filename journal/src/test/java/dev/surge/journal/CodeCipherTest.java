package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CodeCipherTest {
    private static final CodeCipher CIPHER = JournalHistory.CIPHER;
    private static final byte[] AAD = {1, 2, 3};

    @Test
    void keysMustBeBase64Of32BytesAndErrorsNeverEchoTheKey() {
        String good = Base64.getEncoder().encodeToString(JournalHistory.key(1));
        CodeCipher.fromBase64(good);
        CodeCipher.fromBase64("  " + good + "\n");
        CodeCipher.fromBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(JournalHistory.key(1)));
        CodeCipher.fromBase64(CodeCipher.newKeyBase64());

        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodeCipher.fromBase64(shortKey));
        assertTrue(e.getMessage().contains("SURGE_CODE_KEY") && e.getMessage().contains("got 16"), e.getMessage());
        assertFalse(e.getMessage().contains(shortKey));

        String notBase64 = "this is not base64 at all!";
        e = assertThrows(IllegalArgumentException.class, () -> CodeCipher.fromBase64(notBase64));
        assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
        assertFalse(e.getMessage().contains(notBase64));

        assertThrows(IllegalArgumentException.class, () -> CodeCipher.fromBase64(null));
        assertThrows(IllegalArgumentException.class, () -> CodeCipher.fromBase64(""));
        assertFalse(CIPHER.toString().contains(good));
    }

    private static byte[] codesLoaded() {
        EngineDriver d = new EngineDriver();
        CampaignSpecs.oneCodeSku(d);
        d.load("c", "s", List.of(JournalHistory.CODE_MARK + "-A", JournalHistory.CODE_MARK + "-B"));
        return d.events.get(d.events.size() - 1);
    }

    @Test
    void sealsOnlyTheCodesAndKeepsTheHeaderCampaignAndCountsReadable() {
        byte[] event = codesLoaded();
        EventView view = new EventView();
        assertTrue(view.wrap(new UnsafeBuffer(event), 0, event.length));
        assertEquals(EventType.CODES_LOADED, view.type);
        int clear = CodeCipher.clearLength(view);
        assertEquals(view.codesOffset, clear);

        ExpandableArrayBuffer sealed = new ExpandableArrayBuffer(64);
        int n = CIPHER.sealEvent(new UnsafeBuffer(event), 0, event.length, clear, sealed, 0);
        assertEquals(event.length + CodeCipher.SEAL_OVERHEAD, n);
        byte[] bytes = Arrays.copyOf(sealed.byteArray(), n);
        assertEquals(-1, JournalHistory.indexOf(bytes, JournalHistory.ascii(JournalHistory.CODE_MARK), 0), "a code is in clear");
        assertEquals(clear, CodeCipher.clearLengthOf(new UnsafeBuffer(bytes), 0, n));
        assertArrayEquals(Arrays.copyOf(event, clear), Arrays.copyOfRange(bytes, 4, 4 + clear));

        ExpandableArrayBuffer opened = new ExpandableArrayBuffer(8);
        assertEquals(event.length, CIPHER.openEvent(new UnsafeBuffer(bytes), 0, n, opened));
        assertArrayEquals(event, Arrays.copyOf(opened.byteArray(), event.length));

        // the same event sealed twice differs (random nonce)
        ExpandableArrayBuffer again = new ExpandableArrayBuffer(64);
        CIPHER.sealEvent(new UnsafeBuffer(event), 0, event.length, clear, again, 0);
        assertFalse(Arrays.equals(bytes, Arrays.copyOf(again.byteArray(), n)));
    }

    @Test
    void aSealedEventFailsUnderAnotherKeyOrWithAnyChangedByte() {
        byte[] event = codesLoaded();
        EventView view = new EventView();
        view.wrap(new UnsafeBuffer(event), 0, event.length);
        ExpandableArrayBuffer sealed = new ExpandableArrayBuffer(64);
        int n = CIPHER.sealEvent(new UnsafeBuffer(event), 0, event.length, CodeCipher.clearLength(view), sealed, 0);
        byte[] bytes = Arrays.copyOf(sealed.byteArray(), n);
        ExpandableArrayBuffer out = new ExpandableArrayBuffer(8);
        assertEquals(-1, CodeCipher.of(JournalHistory.key(99)).openEvent(new UnsafeBuffer(bytes), 0, n, out));
        for (int i = 4; i < n; i++) { // clear part (sequence, campaign...) is authenticated too
            byte[] bad = bytes.clone();
            bad[i] ^= 0x20;
            assertEquals(-1, CIPHER.openEvent(new UnsafeBuffer(bad), 0, n, out), "byte " + i);
        }
        assertEquals(-2, CIPHER.openEvent(new UnsafeBuffer(bytes), 0, 20, out));
    }

    private static byte[] seal(byte[] plain, int chunk) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = CIPHER.sealingStream(sink, AAD, chunk)) {
            out.write(plain, 0, plain.length / 2);
            for (int i = plain.length / 2; i < plain.length; i++) {
                out.write(plain[i]);
            }
        }
        return sink.toByteArray();
    }

    private static byte[] open(byte[] sealed, CodeCipher cipher, byte[] aad) throws IOException {
        try (InputStream in = cipher.openingStream(new ByteArrayInputStream(sealed), aad)) {
            return in.readAllBytes();
        }
    }

    @Test
    void streamsRoundTripInChunks() throws IOException {
        CIPHER.warmUp(); // leaves the cipher as it was: streams before and after it open alike
        CIPHER.warmUp();
        for (int n : new int[] {0, 1, 63, 64, 65, 1000}) {
            byte[] plain = new byte[n];
            new SplittableRandom(n).nextBytes(plain);
            byte[] sealed = seal(plain, 64);
            assertArrayEquals(plain, open(sealed, CIPHER, AAD), "length " + n);
        }
        byte[] big = new byte[3 * SealedOutputStream.CHUNK_SIZE + 17];
        new SplittableRandom(1).nextBytes(big);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = CIPHER.sealingStream(sink, AAD)) {
            out.write(big);
        }
        assertArrayEquals(big, open(sink.toByteArray(), CIPHER, AAD));
    }

    /** Chunk layout after the 8-byte prefix: flags:1, length:4, then length bytes. */
    private static int[] chunkStarts(byte[] sealed) {
        int[] starts = new int[64];
        int count = 0;
        for (int at = SealedOutputStream.PREFIX_LENGTH; at < sealed.length; ) {
            starts[count++] = at;
            int len = java.nio.ByteBuffer.wrap(sealed, at + 1, 4).getInt();
            at += 5 + len;
        }
        return Arrays.copyOf(starts, count);
    }

    @Test
    void aStreamCutShortReorderedExtendedChangedOrUnderAnotherKeyIsRefused() throws IOException {
        byte[] plain = new byte[300];
        new SplittableRandom(2).nextBytes(plain);
        byte[] sealed = seal(plain, 64);
        int[] chunks = chunkStarts(sealed);
        assertEquals(5, chunks.length);

        // cut at every chunk boundary and in the middle
        for (int cut : new int[] {chunks[1], chunks[3], chunks[4], sealed.length - 1, 3}) {
            byte[] shortened = Arrays.copyOf(sealed, cut);
            assertThrows(IOException.class, () -> open(shortened, CIPHER, AAD), "cut at " + cut);
        }
        // swap chunks 1 and 2 (both full, same length)
        int len = chunks[2] - chunks[1];
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, chunks[2], swapped, chunks[1], len);
        System.arraycopy(sealed, chunks[1], swapped, chunks[2], len);
        assertThrows(IOException.class, () -> open(swapped, CIPHER, AAD));
        // trailing garbage
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertThrows(IOException.class, () -> open(longer, CIPHER, AAD));
        // any changed byte
        for (int i = 0; i < sealed.length; i += 7) {
            byte[] bad = sealed.clone();
            bad[i] ^= 1;
            assertThrows(IOException.class, () -> open(bad, CIPHER, AAD), "byte " + i);
        }
        // other associated data (another snapshot's header) or key
        assertThrows(IOException.class, () -> open(sealed, CIPHER, new byte[] {1, 2, 4}));
        assertThrows(IOException.class, () -> open(sealed, CodeCipher.of(JournalHistory.key(3)), AAD));
    }
}
