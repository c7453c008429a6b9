package dev.surge.gateway.text;

/**
 * The steps of reading JSON of the plain kind in place, over bytes: whitespace, strings of
 * printable ASCII without escapes, literals, and where a value ends. A step that finds something
 * else says false, and the reader hands the whole text to a full parser. Extended by the in-place
 * readers of a claim's body ({@code json.FlatObject}) and of a user token's claims
 * ({@code auth.TokenClaims}); it depends on nothing, so both packages may use it.
 *
 * <p>Threading: an instance is confined to one thread.
 */
public abstract class PlainJsonReader {
    /** The text being read, the position of the next byte, and the end of the text. */
    protected byte[] b;
    protected int pos;
    protected int end;

    /** Starts reading {@code bytes[offset, end)}. */
    protected final void start(byte[] bytes, int offset, int endOffset) {
        b = bytes;
        pos = offset;
        end = endOffset;
    }

    /** A string of printable ASCII without escapes, quotes included; false when it is anything else. */
    protected final boolean string() {
        if (!take('"')) {
            return false;
        }
        while (pos < end) {
            byte c = b[pos++];
            if (c == '"') {
                return true;
            }
            if (c < 0x20 || c > 0x7E || c == '\\') {
                return false;
            }
        }
        return false;
    }

    protected final boolean literal(String word) {
        if (end - pos < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += word.length();
        return true;
    }

    /** Whether the value just read ends here: whitespace, ',' or '}' follows. */
    protected final boolean separatorFollows() {
        if (pos >= end) {
            return false;
        }
        byte c = b[pos];
        return c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    protected final boolean take(char c) {
        if (pos < end && b[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    protected final void skipSpace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
