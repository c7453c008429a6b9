package dev.surge.gateway.json;

import dev.surge.gateway.text.PlainJsonReader;
import java.util.Arrays;

/**
 * Reads a JSON object body of the common shape in place, without a parser object or a String per
 * field: a flat object of distinct plain names (printable ASCII, no escapes) whose values are
 * printable-ASCII strings without escapes, integers of at most 18 digits, {@code true},
 * {@code false} or {@code null}, then nothing but whitespace. {@link #scan} says whether the body
 * is of that shape; when it is not (nested values, escapes, non-ASCII text, a duplicate name,
 * malformed JSON of any kind), the caller reads it with Jackson ({@link JsonBody}), so every
 * refusal keeps the message Jackson's reading gives. A body of the common shape is valid JSON,
 * so the two readings agree on it.
 *
 * <p>Threading: one instance per thread (reused), confined to it.
 */
public final class FlatObject extends PlainJsonReader {
    public static final int STRING = 1;
    public static final int NUMBER = 2;
    public static final int BOOLEAN = 3;
    public static final int NULL = 4;

    private static final int MAX_MEMBERS = 32;
    private static final int MAX_NAME = 256;
    private static final int MAX_DIGITS = 18;

    private int count;
    private final int[] nameAt = new int[MAX_MEMBERS];
    private final int[] nameLength = new int[MAX_MEMBERS];
    private final int[] kind = new int[MAX_MEMBERS];
    private final int[] valueAt = new int[MAX_MEMBERS];
    private final int[] valueLength = new int[MAX_MEMBERS];

    /** Reads {@code bytes[offset, offset + length)}; true when it is an object of the common shape. */
    public boolean scan(byte[] bytes, int offset, int length) {
        start(bytes, offset, offset + length);
        count = 0;
        skipSpace();
        if (!take('{')) {
            return false;
        }
        skipSpace();
        if (!take('}')) {
            do {
                skipSpace();
                if (!member()) {
                    return false;
                }
                skipSpace();
            } while (take(','));
            if (!take('}')) {
                return false;
            }
        }
        skipSpace();
        return pos == end;
    }

    /** Members read, in body order. */
    public int count() {
        return count;
    }

    /** Whether member {@code i}'s name is {@code name} (ASCII). */
    public boolean nameIs(int i, byte[] name) {
        return Arrays.equals(b, nameAt[i], nameAt[i] + nameLength[i], name, 0, name.length);
    }

    /** {@link #STRING}, {@link #NUMBER}, {@link #BOOLEAN} or {@link #NULL}. */
    public int kind(int i) {
        return kind[i];
    }

    /** Where a string value's text starts (after its quote), or any other value's first byte. */
    public int valueAt(int i) {
        return valueAt[i];
    }

    /** A string value's length in bytes (= characters, all ASCII), without quotes. */
    public int valueLength(int i) {
        return valueLength[i];
    }

    private boolean member() {
        if (count == MAX_MEMBERS) {
            return false;
        }
        int name = pos + 1;
        if (!string() || pos - 1 - name > MAX_NAME) {
            return false;
        }
        int length = pos - 1 - name;
        for (int i = 0; i < count; i++) {
            if (nameLength[i] == length && Arrays.equals(b, nameAt[i], nameAt[i] + length, b, name, name + length)) {
                return false; // a duplicate: Jackson refuses it with its own message
            }
        }
        skipSpace();
        if (!take(':')) {
            return false;
        }
        skipSpace();
        int at = pos;
        byte first = pos < end ? b[pos] : 0;
        int k;
        if (first == '"') {
            if (!string()) {
                return false;
            }
            k = STRING;
            at++;
        } else if (first == '-' || (first >= '0' && first <= '9')) {
            if (!integer()) {
                return false;
            }
            k = NUMBER;
        } else if (literal("true") || literal("false")) {
            k = BOOLEAN;
        } else if (literal("null")) {
            k = NULL;
        } else {
            return false;
        }
        if (!separatorFollows()) {
            return false;
        }
        nameAt[count] = name;
        nameLength[count] = length;
        kind[count] = k;
        valueAt[count] = at;
        valueLength[count] = k == STRING ? pos - 1 - at : pos - at;
        count++;
        return true;
    }

    private boolean integer() {
        take('-');
        int start = pos;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        int digits = pos - start;
        return digits > 0 && digits <= MAX_DIGITS && (digits == 1 || b[start] != '0');
    }
}
