package dev.surge.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Surge-Signature} (docs/delivery.md): hex(HMAC-SHA256(secret, body)). A status query signs
 * the delivery id it asks about. Each instance holds one keyed {@link Mac}, so it is confined
 * to one thread (the dispatcher's, or a simulator connection's event loop).
 */
public final class Signature {
    public static final String HEADER = "X-Surge-Signature";
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final Mac mac;

    public Signature(String secret) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    public String sign(byte[] body) {
        byte[] h = mac.doFinal(body);
        char[] out = new char[h.length * 2];
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = HEX[(h[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[h[i] & 0xF];
        }
        return new String(out);
    }

    public String sign(String text) {
        return sign(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares in constant time, so that a forger learns nothing from how long a refusal takes. */
    public boolean verify(byte[] body, String signature) {
        return signature != null && MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII),
            signature.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "Signature[HmacSHA256]"; // never the secret
    }
}
