package dev.surge.engine.state;

import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The redeemer keys created through the admin API, in creation order, found by the SHA-256 of
 * the key. Few and admin-only, so plain objects; the lookup a redemption makes is one table probe
 * and one 32-byte comparison, without allocating. The first 8 bytes of a key's hash choose its
 * slot; {@link #find} compares all 32 before it answers. Confined to the writer thread.
 */
final class RedeemerBook {
    static final int HASH_LENGTH = 32;
    private static final long NONE = -1;

    final List<RedeemerKey> keys = new ArrayList<>();
    private final Long2LongHashMap byPrefix = new Long2LongHashMap(NONE);
    /** Two keys share their first 8 bytes (never by chance): lookups then also scan. */
    private boolean prefixShared;

    /** The key whose hash is the {@code length} bytes at {@code offset}, or null. */
    RedeemerKey find(DirectBuffer buffer, int offset, int length) {
        if (length != HASH_LENGTH) {
            return null;
        }
        long at = byPrefix.get(buffer.getLong(offset));
        if (at != NONE && sameHash(keys.get((int) at), buffer, offset)) {
            return keys.get((int) at);
        }
        if (prefixShared) {
            for (int i = 0; i < keys.size(); i++) {
                if (sameHash(keys.get(i), buffer, offset)) {
                    return keys.get(i);
                }
            }
        }
        return null;
    }

    boolean contains(DirectBuffer buffer, int offset, int length) {
        return find(buffer, offset, length) != null;
    }

    void add(String redeemer, byte[] keyHash, long createdAt, List<String> campaigns) {
        RedeemerKey key = new RedeemerKey(redeemer, keyHash.clone(), createdAt, campaigns);
        if (keyHash.length == HASH_LENGTH) {
            long prefix = new UnsafeBuffer(keyHash).getLong(0);
            if (byPrefix.containsKey(prefix)) {
                prefixShared = true;
            } else {
                byPrefix.put(prefix, keys.size());
            }
        }
        keys.add(key);
    }

    private static boolean sameHash(RedeemerKey key, DirectBuffer buffer, int offset) {
        byte[] hash = key.keyHash();
        if (hash.length != HASH_LENGTH) {
            return false;
        }
        for (int i = 0; i < HASH_LENGTH; i++) {
            if (hash[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }
}
