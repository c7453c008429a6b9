package dev.surge.gateway.auth;

import dev.surge.engine.state.RedeemerKey;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Merchants' redeemer keys, looked up by the SHA-256 of the presented key. The engine journals
 * each key's hash and scope (so keys survive a restart) and enforces the scope on every
 * redemption; this is the gateway's read copy, loaded from the recovered state before the
 * server opens and added to as new keys are journaled. It answers who is asking (the redeemer
 * and the key's hash, which the redemption command carries), never what a key may redeem. A
 * lookup by a 256-bit hash of a 256-bit random secret reveals nothing useful through timing.
 *
 * <p>Threading: thread-safe (event loops read, the journal thread adds).
 */
public final class RedeemerDirectory {
    public static final String KEY_PREFIX = "rk_";
    private final ConcurrentHashMap<ByteBuffer, Redeemer> byHash = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A known key: the redeemer (merchant) it belongs to and its SHA-256. */
    public record Redeemer(String id, byte[] keyHash) {
    }

    public void load(Collection<RedeemerKey> keys) {
        for (RedeemerKey k : keys) {
            add(k.keyHash(), k.redeemer());
        }
    }

    public void add(byte[] keyHash, String redeemer) {
        byte[] hash = keyHash.clone();
        byHash.put(ByteBuffer.wrap(hash), new Redeemer(redeemer, hash));
    }

    /** The known key presented, or null. */
    public Redeemer find(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX) || key.length() > 128) {
            return null;
        }
        return byHash.get(ByteBuffer.wrap(AdminAuth.sha256(key)));
    }

    /** The redeemer a key belongs to, or null. */
    public String redeemerOf(String key) {
        Redeemer r = find(key);
        return r == null ? null : r.id();
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
