package dev.surge.gateway.auth;

import dev.surge.engine.state.RedeemerKey;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Merchants' redeemer keys, looked up by the SHA-256 of the presented key. The engine journals
 * each key's hash (so keys survive a restart); this is the gateway's read copy, loaded from the
 * recovered state before the server opens and added to as new keys are journaled. A lookup
 * by a 256-bit hash of a 256-bit random secret reveals nothing useful through timing.
 *
 * <p>Threading: thread-safe (event loops read, the reply thread adds).
 */
public final class RedeemerDirectory {
    public static final String KEY_PREFIX = "rk_";
    private final ConcurrentHashMap<ByteBuffer, String> byHash = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public void load(Collection<RedeemerKey> keys) {
        for (RedeemerKey k : keys) {
            add(k.keyHash(), k.redeemer());
        }
    }

    public void add(byte[] keyHash, String redeemer) {
        byHash.put(ByteBuffer.wrap(keyHash.clone()), redeemer);
    }

    /** The redeemer a key belongs to, or null. */
    public String redeemerOf(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX) || key.length() > 128) {
            return null;
        }
        return byHash.get(ByteBuffer.wrap(AdminAuth.sha256(key)));
    }

    public static boolean looksLikeKey(String token) {
        return token != null && token.startsWith(KEY_PREFIX);
    }

    /** A fresh key: the prefix and 256 random bits, base64url. */
    public String newKey() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public int size() {
        return byHash.size();
    }
}
