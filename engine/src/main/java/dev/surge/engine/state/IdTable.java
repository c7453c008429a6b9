package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.SameBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * Interns (scope, id) pairs as dense int indices: campaigns under scope 0, SKUs under their
 * campaign's index. Lookups from a buffer region compare bytes and do not allocate.
 * Confined to the writer thread.
 */
final class IdTable {
    static final int MISSING = -1;
    private byte[][] ids = new byte[16][];
    private String[] names = new String[16];
    private int[] scopes = new int[16];
    private int size;
    private int[] table = new int[32];

    int size() {
        return size;
    }

    String name(int index) {
        return names[index];
    }

    int scope(int index) {
        return scopes[index];
    }

    /** The ids so far, UTF-8, index i at i: a copy of the array (the ids themselves never change). */
    byte[][] idsCopy() {
        return Arrays.copyOf(ids, size);
    }

    /** The scopes so far, index i at i: a copy. */
    int[] scopesCopy() {
        return Arrays.copyOf(scopes, size);
    }

    int find(int scope, DirectBuffer buffer, int offset, int length) {
        long h = Hashing.combine(scope, Hashing.hash(buffer, offset, length));
        int mask = table.length - 1;
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            int entry = table[i] - 1;
            if (entry < 0) {
                return MISSING;
            }
            if (scopes[entry] == scope && SameBytes.of(ids[entry], buffer, offset, length)) {
                return entry;
            }
        }
    }

    int find(int scope, String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return find(scope, new org.agrona.concurrent.UnsafeBuffer(b), 0, b.length);
    }

    /** Adds a new id (caller checked it is absent) and returns its index. */
    int add(int scope, String id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            names = Arrays.copyOf(names, size * 2);
            scopes = Arrays.copyOf(scopes, size * 2);
        }
        int index = size++;
        ids[index] = id.getBytes(StandardCharsets.UTF_8);
        names[index] = id;
        scopes[index] = scope;
        if (size * 2 > table.length) {
            table = new int[table.length * 2];
            for (int i = 0; i < size; i++) {
                insert(i);
            }
        } else {
            insert(index);
        }
        return index;
    }

    private void insert(int index) {
        long h = Hashing.combine(scopes[index], Hashing.hash(ids[index], 0, ids[index].length));
        int mask = table.length - 1;
        int i = (int) h & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = index + 1;
    }
}
