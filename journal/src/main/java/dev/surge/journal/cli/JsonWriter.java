package dev.surge.journal.cli;

/**
 * A tiny streaming JSON writer into a {@link StringBuilder}: objects, arrays, strings, numbers,
 * booleans and null, commas placed for the caller. Strings are escaped per RFC 8259 (quote,
 * backslash and control characters), plus U+2028/U+2029 and unpaired surrogates, so that a line
 * is valid JSON and valid JavaScript and never carries a broken UTF-16 sequence.
 *
 * <p>Not thread-safe; one per output stream.
 */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int MAX_DEPTH = 32;

    private final StringBuilder out;
    /** Per open container: whether it already holds a member (so the next needs a comma). */
    private final boolean[] nonEmpty = new boolean[MAX_DEPTH];
    private int depth;
    private boolean afterName;

    JsonWriter(StringBuilder out) {
        this.out = out;
    }

    StringBuilder out() {
        return out;
    }

    JsonWriter beginObject() {
        separate();
        out.append('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        depth--;
        out.append('}');
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        depth--;
        out.append(']');
        return this;
    }

    JsonWriter name(String name) {
        separate();
        quote(out, name);
        out.append(':');
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        separate();
        if (s == null) {
            out.append("null");
        } else {
            quote(out, s);
        }
        return this;
    }

    JsonWriter value(long v) {
        separate();
        out.append(v);
        return this;
    }

    JsonWriter value(double v) {
        separate();
        if (Double.isFinite(v)) {
            out.append(v);
        } else {
            out.append("null");
        }
        return this;
    }

    JsonWriter value(boolean v) {
        separate();
        out.append(v);
        return this;
    }

    JsonWriter nullValue() {
        separate();
        out.append("null");
        return this;
    }

    JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    private void push() {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
        }
        nonEmpty[depth++] = false;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (nonEmpty[depth - 1]) {
                out.append(',');
            }
            nonEmpty[depth - 1] = true;
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    static void quote(StringBuilder out, CharSequence s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                        unicode(out, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            unicode(out, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        unicode(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
            .append(HEX[c & 0xF]);
    }
}
