package dev.surge.journal;

import dev.surge.engine.event.EventView;
import dev.surge.engine.state.StateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * AES-256-GCM for card codes at rest, keyed by {@code SURGE_CODE_KEY} (base64 of 32 bytes).
 *
 * <p><b>Journal bodies.</b> An event whose type {@linkplain dev.surge.engine.event.EventType#holdsSecrets()
 * holds secrets} (card codes; a supplier's signing secret, which is sealed with the same key) is
 * stored sealed:
 * <pre>
 * clearLength:4 (LE) | clear (the event's first clearLength bytes) | nonce:12 | ciphertext | tag:16
 * </pre>
 * The clear part is the event header (type, sequence, timestamp) and, for CODES_LOADED, the
 * campaign, SKU and counts: none of it is secret, and keeping it readable lets every tool check
 * sequence continuity and count codes without the key. It is authenticated as GCM's associated
 * data, so a record cannot be moved to another sequence or campaign undetected. The nonce is
 * random per record (2^32 records per key stay far inside GCM's bound for random nonces).
 *
 * <p><b>Snapshots</b> are sealed as a stream of chunks ({@link #sealingStream},
 * {@link #openingStream}) so that a large state never has to sit in memory twice.
 *
 * <p>Threading: immutable and thread-safe. Each operation takes its own {@link Cipher}:
 * code-bearing events are admin uploads, rare next to claims, so the allocation is noise; the
 * claim path never comes here.
 */
public final class CodeCipher {
    /** The environment variable that holds the key. */
    public static final String ENV = "SURGE_CODE_KEY";
    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    /** Sealing adds this much to an event: clearLength, nonce and tag. */
    public static final int SEAL_OVERHEAD = 4 + NONCE_LENGTH + TAG_LENGTH;
    private static final int WARM_UP_CHUNK = 4096;
    private static final int WARM_UP_CHUNKS = 6000;
    private static final AtomicBoolean WARMED = new AtomicBoolean();

    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** Associated-data domains, so that a journal ciphertext can never pass as a snapshot chunk. */
    static final byte DOMAIN_JOURNAL = 'J';
    static final byte DOMAIN_SNAPSHOT = 'S';

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final byte[] JOURNAL_AAD_PREFIX = {DOMAIN_JOURNAL};

    private final SecretKey key;
    private final SecureRandom random;

    private CodeCipher(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    /** The key from {@code SURGE_CODE_KEY}; a clear error when it is missing or malformed. */
    public static CodeCipher fromEnvironment() {
        String value = System.getenv(ENV);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(ENV + " is not set: it must be the base64 of 32 random bytes "
                + "(e.g. `head -c 32 /dev/urandom | base64`)");
        }
        return fromBase64(value);
    }

    /**
     * A cipher for a base64 key (standard or URL-safe alphabet, padding optional). The message
     * of the exception never repeats the value: it is a secret even when it is wrong.
     */
    public static CodeCipher fromBase64(String base64) {
        if (base64 == null) {
            throw new IllegalArgumentException(ENV + " is not set");
        }
        String s = base64.strip();
        byte[] key;
        try {
            key = s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s)
                : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + " is not valid base64 (" + e.getMessage()
                + "): it must be the base64 of 32 random bytes", e);
        }
        try {
            return of(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** A cipher for 32 raw key bytes (copied). */
    public static CodeCipher of(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(ENV + " must decode to " + KEY_LENGTH + " bytes (AES-256), got "
                + (key == null ? 0 : key.length));
        }
        return new CodeCipher(key.clone(), new SecureRandom());
    }

    /**
     * The engine's state config under the identity key derived from this key (HMAC-SHA256 of a
     * fixed label, first 16 bytes), with the default idempotency window. Deriving it means one
     * secret covers the data directory: whoever can read its journal and snapshots has the key
     * its tables were built under, and nobody without {@code SURGE_CODE_KEY} can compute it
     * (docs/security.md).
     */
    public StateConfig stateConfig() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] derived = mac.doFinal("surge/identity-hash/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return StateConfig.withKey(Arrays.copyOf(derived, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** A fresh random key as base64, for demo mode, which generates and prints missing secrets. */
    public static String newKeyBase64() {
        byte[] key = new byte[KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    // ---- journal bodies ------------------------------------------------------------------------

    /**
     * How much of an event stays in clear: the header, for CODES_LOADED everything before the
     * first code (campaign, SKU, duplicatesSkipped, count), for SUPPLIER_CONFIGURED everything but
     * the secret (supplier, URL, timeout, concurrency). {@code view} must be wrapped on the event.
     */
    static int clearLength(EventView view) {
        if (view.type == dev.surge.engine.event.EventType.CODES_LOADED) {
            return view.codesOffset - view.offset();
        }
        if (view.type == dev.surge.engine.event.EventType.SUPPLIER_CONFIGURED) {
            return view.secretFieldOffset() - view.offset();
        }
        return EventView.HEADER_LENGTH;
    }

    /**
     * Seals {@code event[0, clearLength)} in clear and the rest encrypted into {@code dst} at
     * {@code dstOffset} (growing it if expandable); returns the sealed body's length.
     */
    public int sealEvent(DirectBuffer event, int offset, int length, int clearLength, MutableDirectBuffer dst,
                         int dstOffset) {
        if (clearLength < EventView.HEADER_LENGTH || clearLength > length) {
            throw new IllegalArgumentException("clearLength " + clearLength + " of a " + length + "-byte event");
        }
        byte[] plain = new byte[length];
        event.getBytes(offset, plain);
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher c = Cipher.getInstance(TRANSFORMATION);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            c.updateAAD(JOURNAL_AAD_PREFIX);
            c.updateAAD(plain, 0, clearLength);
            sealed = c.doFinal(plain, clearLength, length - clearLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        } finally {
            Arrays.fill(plain, clearLength, length, (byte) 0); // do not leave codes lying in the heap
        }
        int at = dstOffset;
        dst.putInt(at, clearLength, LE);
        at += 4;
        dst.putBytes(at, plain, 0, clearLength);
        at += clearLength;
        dst.putBytes(at, nonce);
        at += NONCE_LENGTH;
        dst.putBytes(at, sealed);
        at += sealed.length;
        return at - dstOffset;
    }

    /**
     * Opens a sealed body into {@code dst} (from index 0; grown as needed) and returns the
     * event's length, or -1 when the body is not authentic: wrong key, or bytes altered
     * although their checksum matches. A body too short to be sealed is -2.
     */
    public int openEvent(DirectBuffer body, int offset, int length, ExpandableArrayBuffer dst) {
        int clear = clearLengthOf(body, offset, length);
        if (clear < 0) {
            return -2;
        }
        int cipherAt = offset + 4 + clear + NONCE_LENGTH;
        int cipherLength = offset + length - cipherAt;
        byte[] in = new byte[length];
        body.getBytes(offset, in);
        int eventLength = clear + cipherLength - TAG_LENGTH;
        dst.checkLimit(eventLength);
        byte[] out = dst.byteArray();
        System.arraycopy(in, 4, out, 0, clear);
        try {
            Cipher c = Cipher.getInstance(TRANSFORMATION);
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, in, 4 + clear, NONCE_LENGTH));
            c.updateAAD(JOURNAL_AAD_PREFIX);
            c.updateAAD(in, 4, clear);
            int n = c.doFinal(in, 4 + clear + NONCE_LENGTH, cipherLength, out, clear);
            return clear + n;
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * The length of a sealed body's clear part, or -1 when the body cannot be a sealed event.
     * Needs no key: readers use it to learn the sequence of a record they cannot decrypt.
     */
    static int clearLengthOf(DirectBuffer body, int offset, int length) {
        if (length < SEAL_OVERHEAD + EventView.HEADER_LENGTH) {
            return -1;
        }
        int clear = body.getInt(offset, LE);
        return clear >= EventView.HEADER_LENGTH && clear <= length - SEAL_OVERHEAD ? clear : -1;
    }

    // ---- snapshot streams ----------------------------------------------------------------------

    /**
     * Wraps {@code out} so that everything written to it is sealed in chunks of
     * {@link SealedOutputStream#CHUNK_SIZE} bytes, bound to {@code associatedData} (the
     * snapshot's header). Closing the returned stream writes the final chunk and closes {@code out}.
     */
    public OutputStream sealingStream(OutputStream out, byte[] associatedData) {
        return new SealedOutputStream(out, key, random, associatedData, SealedOutputStream.CHUNK_SIZE);
    }

    /**
     * Seals 24 MiB in 4 KiB chunks, once per JVM (a quarter of a second), so that the JIT has
     * compiled the JDK's AES-GCM to its AES and carry-less-multiply intrinsics before a large
     * snapshot is sealed or opened: the few large calls a snapshot makes reach the compiler's
     * thresholds too late, and a probe sealed the first 100 MB at 62-85 MB/s in pure Java, then
     * 2.6 GB/s; after this warm-up, 2.6 GB/s from the first megabyte.
     */
    void warmUp() {
        if (!WARMED.compareAndSet(false, true)) {
            return;
        }
        byte[] piece = new byte[WARM_UP_CHUNK];
        try (OutputStream s = new SealedOutputStream(OutputStream.nullOutputStream(), key, random, new byte[0], WARM_UP_CHUNK)) {
            for (int i = 0; i < WARM_UP_CHUNKS; i++) {
                s.write(piece);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #sealingStream(OutputStream, byte[])} with another chunk size (tests). */
    OutputStream sealingStream(OutputStream out, byte[] associatedData, int chunkSize) {
        return new SealedOutputStream(out, key, random, associatedData, chunkSize);
    }

    /**
     * Reads what {@link #sealingStream} wrote. A damaged, reordered, truncated or extended
     * stream, or another key, makes a read throw {@link java.io.IOException}; no byte of an
     * unauthenticated chunk is ever returned.
     */
    public InputStream openingStream(InputStream in, byte[] associatedData) {
        return new SealedInputStream(in, key, associatedData);
    }

    @Override
    public String toString() {
        return "CodeCipher[AES-256-GCM]"; // never the key
    }
}
