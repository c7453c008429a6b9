package dev.surge.engine.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The redeemer keys created through the admin API, in creation order. Few and admin-only, so
 * plain objects. Confined to the writer thread.
 */
final class RedeemerBook {
    final List<RedeemerKey> keys = new ArrayList<>();

    boolean contains(org.agrona.DirectBuffer buffer, int offset, int length) {
        byte[] hash = new byte[length];
        buffer.getBytes(offset, hash);
        for (RedeemerKey k : keys) {
            if (Arrays.equals(k.keyHash(), hash)) {
                return true;
            }
        }
        return false;
    }

    void add(String redeemer, byte[] keyHash, long createdAt) {
        keys.add(new RedeemerKey(redeemer, keyHash.clone(), createdAt));
    }
}
