package dev.surge.gateway.auth;

import dev.surge.gateway.text.PlainJsonReader;

/**
 * Reads the claims of a JWT payload straight from its decoded bytes, without a parser object or a
 * String per field: the common shape only, a flat JSON object of distinct plain names whose values
 * are printable-ASCII strings without escapes, integers of at most 18 digits, {@code true},
 * {@code false} or {@code null}, then nothing but whitespace. Anything else it does not judge
 * ({@link #scan} returns {@link #UNSURE}) and {@link UserTokens} hands the payload to Jackson, so
 * every answer it gives is the one the Jackson reading gives.
 *
 * <p>Threading: one instance per thread (reused), confined to it.
 */
final class TokenClaims extends PlainJsonReader {
    /** The payload is of the common shape: the fields are set. */
    static final int READ = 0;
    /** Not of the common shape: let Jackson decide. */
    static final int UNSURE = 1;
    /** A known claim of the wrong type: {@link #failure} says which, as Jackson's reading would. */
    static final int WRONG_TYPE = 2;

    private static final int MAX_FIELDS = 16;
    private static final int MAX_DIGITS = 18;

    /** Where {@code sub} lies in the payload, or -1. */
    int subOffset;
    int subLength;
    long exp;
    long nbf;
    long iat;
    String failure;

    private final int[] nameAt = new int[MAX_FIELDS];
    private final int[] nameLength = new int[MAX_FIELDS];
    private int names;

    /** Reads {@code payload[0, length)}; returns {@link #READ}, {@link #UNSURE} or {@link #WRONG_TYPE}. */
    int scan(byte[] payload, int length) {
        start(payload, 0, length);
        names = 0;
        subOffset = -1;
        subLength = 0;
        exp = nbf = iat = Long.MIN_VALUE;
        failure = null;
        skipSpace();
        if (!take('{')) {
            return UNSURE;
        }
        skipSpace();
        if (!take('}')) {
            int r;
            do {
                r = member();
                if (r != READ) {
                    return r;
                }
                skipSpace();
            } while (take(','));
            if (!take('}')) {
                return UNSURE;
            }
        }
        skipSpace();
        return pos == end ? READ : UNSURE;
    }

    /** One {@code "name": value}; at its first byte (after whitespace). */
    private int member() {
        skipSpace();
        int nameStart = pos + 1;
        if (!string()) {
            return UNSURE;
        }
        int nameLen = pos - 1 - nameStart;
        if (!distinct(nameStart, nameLen)) {
            return UNSURE; // Jackson refuses duplicates; leave the message to it
        }
        skipSpace();
        if (!take(':')) {
            return UNSURE;
        }
        skipSpace();
        int claim = claim(nameStart, nameLen);
        int valueStart = pos;
        byte first = pos < end ? b[pos] : 0;
        long number = 0;
        boolean isString = first == '"';
        boolean isNumber = first == '-' || (first >= '0' && first <= '9');
        if (isString) {
            if (!string()) {
                return UNSURE;
            }
        } else if (isNumber) {
            number = integer();
            if (pos < 0) {
                return UNSURE;
            }
        } else if (!literal("true") && !literal("false") && !literal("null")) {
            return UNSURE;
        }
        if (!separatorFollows()) {
            return UNSURE;
        }
        switch (claim) {
            case 's' -> {
                if (!isString) {
                    failure = "token sub must be a string";
                    return WRONG_TYPE;
                }
                subOffset = valueStart + 1;
                subLength = pos - 1 - subOffset;
            }
            case 'e', 'n', 'i' -> {
                if (!isNumber) {
                    failure = claim == 'e' ? "token exp must be a number"
                        : claim == 'n' ? "token nbf must be a number" : "token iat must be a number";
                    return WRONG_TYPE;
                }
                if (claim == 'e') {
                    exp = number;
                } else if (claim == 'n') {
                    nbf = number;
                } else {
                    iat = number;
                }
            }
            default -> {
            }
        }
        return READ;
    }

    /** 's', 'e', 'n', 'i' for sub, exp, nbf, iat; 0 for any other name. */
    private int claim(int at, int length) {
        if (length != 3) {
            return 0;
        }
        byte c0 = b[at];
        byte c1 = b[at + 1];
        byte c2 = b[at + 2];
        if (c0 == 's' && c1 == 'u' && c2 == 'b') {
            return 's';
        } else if (c0 == 'e' && c1 == 'x' && c2 == 'p') {
            return 'e';
        } else if (c0 == 'n' && c1 == 'b' && c2 == 'f') {
            return 'n';
        } else if (c0 == 'i' && c1 == 'a' && c2 == 't') {
            return 'i';
        }
        return 0;
    }

    private boolean distinct(int at, int length) {
        if (names == MAX_FIELDS) {
            return false;
        }
        for (int i = 0; i < names; i++) {
            if (nameLength[i] == length && java.util.Arrays.equals(b, nameAt[i], nameAt[i] + length, b, at, at + length)) {
                return false;
            }
        }
        nameAt[names] = at;
        nameLength[names] = length;
        names++;
        return true;
    }

    /** {@code -?(0|[1-9][0-9]*)} of at most 18 digits; sets pos to -1 when it is anything else. */
    private long integer() {
        boolean negative = take('-');
        int start = pos;
        long v = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            v = v * 10 + (b[pos++] - '0');
        }
        int digits = pos - start;
        if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && b[start] == '0')) {
            pos = -1;
            return 0;
        }
        return negative ? -v : v;
    }
}
