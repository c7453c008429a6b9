package dev.surge.journal.cli;

/**
 * RFC 4180 fields: a field holding a comma, quote, CR or LF is quoted, with quotes doubled.
 * A field starting with {@code = + - @} or a tab is prefixed with a quote character, so that a
 * spreadsheet opening a dump never evaluates user-supplied text as a formula.
 */
final class Csv {
    private Csv() {
    }

    static void field(StringBuilder out, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        String v = value;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t') {
            if (!isNumber(v)) {
                v = "'" + v;
            }
        }
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            out.append(v);
            return;
        }
        out.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }

    private static boolean isNumber(String v) {
        if (v.length() < 2 || v.charAt(0) != '-') {
            return false;
        }
        for (int i = 1; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
