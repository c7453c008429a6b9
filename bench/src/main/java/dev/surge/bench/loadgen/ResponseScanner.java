package dev.surge.bench.loadgen;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames HTTP/1.1 responses (each with a Content-Length, as Surge sends them) in a connection's
 * bytes and picks out what the generator counts: the status, the {@code Idempotent-Replayed}
 * header, the body's first {@code "result"} value, an error's {@code "code"} and, on request,
 * a granted claim's {@code "grantId"}. No String per header or per body, and the few distinct result and code
 * values are made into Strings once: on a two-core machine the client's allocations and CPU come
 * out of the server's share, so the generator keeps its own per request cost low.
 *
 * <p>Threading: one per connection, on its event loop.
 */
final class ResponseScanner {
    /** A head longer than this without its blank line is not an answer of Surge's. */
    static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_KNOWN = 64;
    private static final byte[] CONTENT_LENGTH = ascii("content-length:");
    private static final byte[] REPLAYED = ascii("idempotent-replayed:");
    private static final byte[] RESULT = ascii("\"result\"");
    private static final byte[] CODE = ascii("\"code\"");
    private static final byte[] GRANT_ID = ascii("\"grantId\"");

    private final List<String> known = new ArrayList<>();
    private int status;
    private boolean replayed;
    private String result;
    private String code;
    private String grantId;

    /**
     * Consumes one whole response from {@code in} and returns true, or returns false and consumes
     * nothing when it has not all arrived. Throws when the bytes are not such a response.
     */
    boolean next(ByteBuf in, boolean wantGrantId) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int headEnd = indexOfBlankLine(in, start, end);
        if (headEnd < 0) {
            if (end - start > MAX_HEAD) {
                throw new IllegalStateException("no end of the response's head in " + (end - start) + " bytes");
            }
            return false;
        }
        if (headEnd - start < 12 || !startsWith(in, start, "HTTP/1.1 ")) {
            throw new IllegalStateException("not an HTTP/1.1 response: "
                + in.toString(start, Math.min(40, end - start), StandardCharsets.US_ASCII));
        }
        int length = -1;
        boolean isReplay = false;
        for (int line = lineAfter(in, start, headEnd); line < headEnd; line = lineAfter(in, line, headEnd)) {
            if (regionMatchesIgnoreCase(in, line, headEnd, CONTENT_LENGTH)) {
                length = digits(in, line + CONTENT_LENGTH.length, headEnd);
            } else if (regionMatchesIgnoreCase(in, line, headEnd, REPLAYED)) {
                isReplay = valueIsTrue(in, line + REPLAYED.length, headEnd);
            }
        }
        if (length < 0) {
            throw new IllegalStateException("a response without a Content-Length");
        }
        int body = headEnd + 4;
        if (end - body < length) {
            return false;
        }
        status = digits(in, start + 9, start + 12);
        replayed = isReplay;
        int bodyEnd = body + length;
        result = knownValue(in, body, bodyEnd, RESULT);
        // Only an error's code: a granted claim's items carry card codes, each one new.
        code = status == 200 ? "" : knownValue(in, body, bodyEnd, CODE);
        grantId = wantGrantId && status == 200 && "GRANTED".equals(result) ? value(in, body, bodyEnd, GRANT_ID) : "";
        in.readerIndex(bodyEnd);
        return true;
    }

    int status() {
        return status;
    }

    boolean replayed() {
        return replayed;
    }

    /** The body's first "result" value, "" when none. */
    String result() {
        return result;
    }

    /** An error's "code" (the body's first), "" for a 200 or when none. */
    String code() {
        return code;
    }

    /** The grantId of a 200 whose result is GRANTED, when asked for; else "". */
    String grantId() {
        return grantId;
    }

    private static int indexOfBlankLine(ByteBuf in, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
                && in.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The start of the line after the one holding {@code at}, or {@code to}. */
    private static int lineAfter(ByteBuf in, int at, int to) {
        for (int i = at; i + 1 < to; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
                return i + 2;
            }
        }
        return to;
    }

    private static boolean startsWith(ByteBuf in, int at, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (in.getByte(at + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean regionMatchesIgnoreCase(ByteBuf in, int at, int to, byte[] lowerName) {
        if (to - at < lowerName.length) {
            return false;
        }
        for (int i = 0; i < lowerName.length; i++) {
            int b = in.getByte(at + i);
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private static int digits(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to && in.getByte(i) == ' ') {
            i++;
        }
        int n = 0;
        int seen = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (++seen > 9) {
                throw new IllegalStateException("a number of more than 9 digits in a response's head");
            }
            n = n * 10 + d;
        }
        if (seen == 0) {
            throw new IllegalStateException("a response's status or Content-Length is not a number");
        }
        return n;
    }

    private static boolean valueIsTrue(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to && in.getByte(i) == ' ') {
            i++;
        }
        return to - i >= 4 && startsWith(in, i, "true") && (to - i == 4 || in.getByte(i + 4) == '\r'
            || in.getByte(i + 4) == ' ');
    }

    /** [start, end) of the string value after the first {@code "name"} and its colon, or null. */
    private static long valueSpan(ByteBuf in, int from, int to, byte[] quotedName) {
        outer:
        for (int i = from; i + quotedName.length <= to; i++) {
            for (int j = 0; j < quotedName.length; j++) {
                if (in.getByte(i + j) != quotedName[j]) {
                    continue outer;
                }
            }
            int k = i + quotedName.length;
            while (k < to && in.getByte(k) != ':') {
                k++;
            }
            while (k < to && in.getByte(k) != '"') {
                k++;
            }
            int open = k + 1;
            int close = open;
            while (close < to && in.getByte(close) != '"') {
                close++;
            }
            return close < to ? ((long) open << 32) | close : -1;
        }
        return -1;
    }

    private static String value(ByteBuf in, int from, int to, byte[] quotedName) {
        long span = valueSpan(in, from, to, quotedName);
        if (span < 0) {
            return "";
        }
        int open = (int) (span >>> 32);
        return in.toString(open, (int) span - open, StandardCharsets.UTF_8);
    }

    /** As {@link #value}, but a value seen before is the same String, not a new one. */
    private String knownValue(ByteBuf in, int from, int to, byte[] quotedName) {
        long span = valueSpan(in, from, to, quotedName);
        if (span < 0) {
            return "";
        }
        int open = (int) (span >>> 32);
        int length = (int) span - open;
        for (String s : known) {
            if (s.length() == length && startsWith(in, open, s)) {
                return s;
            }
        }
        String s = in.toString(open, length, StandardCharsets.UTF_8);
        if (known.size() < MAX_KNOWN) {
            known.add(s);
        }
        return s;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
