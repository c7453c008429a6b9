package dev.surge.journal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Reads a stream written by {@link SealedOutputStream}: each chunk is authenticated before any
 * of its bytes are returned, and the stream must end exactly after the chunk flagged last.
 * Every violation is an {@link IOException} naming the chunk.
 *
 * <p>Threading: a stream, confined to the thread that reads it.
 */
final class SealedInputStream extends InputStream {
    /** Refuse absurd chunk lengths before allocating for them (the length is authenticated only by the tag). */
    private static final int MAX_CHUNK = 64 << 20;

    private final DataInputStream in;
    private final SecretKey key;
    private final byte[] associatedData;
    private final Cipher cipher;
    private byte[] prefix;
    private byte[] sealed = new byte[0];
    private byte[] plain = new byte[0];
    private int plainLength;
    private int position;
    private int chunk;
    private boolean sawLast;

    SealedInputStream(InputStream in, SecretKey key, byte[] associatedData) {
        this.in = new DataInputStream(in);
        this.key = key;
        this.associatedData = associatedData.clone();
        try {
            this.cipher = Cipher.getInstance(CodeCipher.TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return plain[position++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, plainLength - position);
        System.arraycopy(plain, position, b, off, n);
        position += n;
        return n;
    }

    /** Makes at least one plaintext byte available; false at the (verified) end of the stream. */
    private boolean fill() throws IOException {
        while (position == plainLength) {
            if (sawLast) {
                if (in.read() != -1) {
                    throw new IOException("sealed stream has bytes after its last chunk (" + chunk + ")");
                }
                return false;
            }
            next();
        }
        return true;
    }

    private void next() throws IOException {
        try {
            if (prefix == null) {
                prefix = new byte[SealedOutputStream.PREFIX_LENGTH];
                in.readFully(prefix);
            }
            int flags = in.readUnsignedByte();
            if ((flags & ~SealedOutputStream.FLAG_LAST) != 0) {
                throw new IOException("sealed stream chunk " + chunk + " has unknown flags " + flags);
            }
            int length = in.readInt();
            if (length < CodeCipher.TAG_LENGTH || length > MAX_CHUNK) {
                throw new IOException("sealed stream chunk " + chunk + " has an impossible length " + length);
            }
            if (sealed.length < length) {
                sealed = new byte[length];
                plain = new byte[length];
            }
            in.readFully(sealed, 0, length);
            cipher.init(Cipher.DECRYPT_MODE, key,
                new GCMParameterSpec(CodeCipher.TAG_LENGTH * 8, SealedOutputStream.nonce(prefix, chunk)));
            cipher.updateAAD(SealedOutputStream.chunkAad(associatedData, chunk, flags));
            plainLength = cipher.doFinal(sealed, 0, length, plain, 0);
            position = 0;
            sawLast = (flags & SealedOutputStream.FLAG_LAST) != 0;
            chunk++;
        } catch (EOFException e) {
            throw new IOException("sealed stream is truncated in or before chunk " + chunk, e);
        } catch (AEADBadTagException e) {
            throw new IOException("sealed stream chunk " + chunk + " failed authentication "
                + "(damaged, reordered, cut short, or another " + CodeCipher.ENV + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("sealed stream chunk " + chunk + " cannot be decrypted", e);
        }
    }

    @Override
    public void close() throws IOException {
        java.util.Arrays.fill(plain, (byte) 0);
        in.close();
    }
}
