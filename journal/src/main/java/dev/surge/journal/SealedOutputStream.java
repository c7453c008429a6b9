package dev.surge.journal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals a byte stream as a sequence of AES-GCM chunks, so that a snapshot of any size streams
 * through a fixed buffer. Layout:
 * <pre>
 * noncePrefix:8 | chunk* where chunk = flags:1 (bit 0: last) | length:4 (BE) | ciphertext + tag:16
 * </pre>
 * Chunk {@code i} uses nonce {@code noncePrefix || i} and associated data
 * {@code 'S' || streamAad || i || flags}: a reordered, dropped or duplicated chunk fails its tag,
 * and so does a stream cut at a chunk boundary, because only the true last chunk carries the
 * last flag. The random prefix keeps nonces unique across streams under one key.
 *
 * <p>Threading: a stream, confined to the thread that writes it.
 */
final class SealedOutputStream extends OutputStream {
    /**
     * Plaintext bytes per chunk: large enough that the per-chunk cost vanishes (21 bytes of 64 KiB),
     * small enough that the JIT compiles the JDK's GHASH to its CLMUL intrinsic. That happens only
     * once the method is called often enough; a stream of 1 MiB chunks called it too rarely and
     * sealed at 65 MB/s in pure Java, against 2.7 GB/s in 64 KiB chunks (AES-GCM, JDK 17, same VM).
     */
    static final int CHUNK_SIZE = 1 << 16;
    static final int PREFIX_LENGTH = 8;
    static final int FLAG_LAST = 1;

    private final OutputStream out;
    private final SecretKey key;
    private final byte[] associatedData;
    private final byte[] prefix = new byte[PREFIX_LENGTH];
    private final byte[] buffer;
    private final Cipher cipher;
    private byte[] sealed;
    private int used;
    private int chunk;
    private boolean closed;

    SealedOutputStream(OutputStream out, SecretKey key, SecureRandom random, byte[] associatedData, int chunkSize) {
        this.out = out;
        this.key = key;
        this.associatedData = associatedData.clone();
        this.buffer = new byte[chunkSize];
        this.sealed = new byte[chunkSize + CodeCipher.TAG_LENGTH];
        random.nextBytes(prefix);
        try {
            this.cipher = Cipher.getInstance(CodeCipher.TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
        try {
            out.write(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (used == buffer.length) {
            emit(0);
        }
        buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == buffer.length) {
                emit(0);
            }
            int n = Math.min(len, buffer.length - used);
            System.arraycopy(b, off, buffer, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    /** Chunks are sealed only when full or at close; flushing a partial one would cost a tag each time. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            emit(FLAG_LAST);
            out.flush();
        }
    }

    private void emit(int flags) throws IOException {
        if (chunk == -1) {
            throw new IOException("more than 2^32 - 1 chunks in one sealed stream");
        }
        int n;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(CodeCipher.TAG_LENGTH * 8, nonce(prefix, chunk)));
            cipher.updateAAD(chunkAad(associatedData, chunk, flags));
            n = cipher.doFinal(buffer, 0, used, sealed, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("sealing chunk " + chunk + " failed", e);
        }
        out.write(flags);
        out.write(ByteBuffer.allocate(4).putInt(n).array());
        out.write(sealed, 0, n);
        java.util.Arrays.fill(buffer, 0, used, (byte) 0);
        used = 0;
        chunk++;
    }

    static byte[] nonce(byte[] prefix, int chunk) {
        return ByteBuffer.allocate(CodeCipher.NONCE_LENGTH).put(prefix).putInt(chunk).array();
    }

    static byte[] chunkAad(byte[] associatedData, int chunk, int flags) {
        return ByteBuffer.allocate(1 + associatedData.length + 5).put(CodeCipher.DOMAIN_SNAPSHOT).put(associatedData)
            .putInt(chunk).put((byte) flags).array();
    }
}
