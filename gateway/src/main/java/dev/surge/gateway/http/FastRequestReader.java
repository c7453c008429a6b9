package dev.surge.gateway.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Frames the two hot requests, {@code POST /v1/claims} and {@code POST /v1/redemptions}, without
 * Netty's HTTP decoder: recognises, at the start of the bytes received, one whole request written
 * plainly ({@link FastHead#read} says what that means) with its request line exactly
 * {@code POST /v1/claims HTTP/1.1} or {@code POST /v1/redemptions HTTP/1.1}, its header lines
 * within the header size limit and a Content-Length within the body limit; and reads it into a
 * {@link FastHead} over a copy of its bytes. Anything else it leaves to Netty's decoder, untouched,
 * so every refusal of a malformed or oversized request is the decoder's, as before. It only ever
 * decides that from bytes it has seen, so bytes that arrive later never change a "Netty's" into a
 * "mine".
 *
 * <p>Threading: one instance per connection, confined to its event loop.
 */
final class FastRequestReader {
    /** Not yet known: the bytes so far begin a fast request; wait for more. */
    static final int WAIT = 0;
    /** Not a fast request: Netty's decoder takes it. */
    static final int NETTY = -1;

    private static final byte[] CLAIM = "POST /v1/claims HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REDEEM = "POST /v1/redemptions HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private final FastHead head = new FastHead();
    private final int maxHeader;
    private final int maxBody;
    /** A copy kept past a request only up to this size: an idle connection holds no large buffer. */
    private static final int KEPT = 4096;
    /**
     * The copy's first size: a usual claim (a token, a few headers, a small body) fits, so a new
     * connection's first request does not take the growing branch, which a server warmed on
     * long-lived connections has compiled out (a deoptimisation on the first request after idle).
     */
    static final int USUAL = 1024;

    /** The request's bytes so far, copied from the start of the received bytes. */
    private byte[] bytes = new byte[USUAL];
    private int copied;
    /** How far the search for the blank line has got. */
    private int scanned;
    /** Just past the blank line that ends the head, or 0 while it has not come. */
    private int headEnd;
    private byte[] line;

    FastRequestReader(int maxHeader, int maxBody) {
        this.maxHeader = maxHeader;
        this.maxBody = maxBody;
    }

    /**
     * Looks at {@code in}'s readable bytes, without consuming any: the length of the whole fast
     * request they begin with (its head is then {@link #head()}), {@link #WAIT} or {@link #NETTY}.
     * After a length or {@link #NETTY}, call {@link #reset} before reading again.
     */
    int read(ByteBuf in) {
        if (headEnd == 0) {
            int headLimit = REDEEM.length + maxHeader + 2;
            copy(in, headLimit);
            if (!lineMatches()) {
                return NETTY;
            }
            int blank = blankLine();
            if (blank < 0) {
                return copied >= headLimit ? NETTY : WAIT;
            }
            headEnd = blank;
            Route route = line == CLAIM ? Route.CLAIM : Route.REDEEM;
            if (headEnd - line.length > maxHeader || !head.read(route, bytes, line.length, headEnd)
                || head.contentLength() > maxBody) {
                return NETTY;
            }
        }
        int total = headEnd + head.bodyLength();
        copy(in, total);
        if (copied < total) {
            return WAIT;
        }
        head.complete(bytes, headEnd); // the copy may have moved to a larger array since the head was read
        return total;
    }

    /** Forgets the request read (consumed, or left to Netty). */
    void reset() {
        if (bytes.length > KEPT) {
            bytes = new byte[USUAL];
        }
        copied = 0;
        scanned = 0;
        headEnd = 0;
        line = null;
    }

    FastHead head() {
        return head;
    }

    /** Copies what has arrived of the first {@code limit} bytes, past what was copied before. */
    private void copy(ByteBuf in, int limit) {
        int want = Math.min(in.readableBytes(), limit);
        if (want <= copied) {
            return;
        }
        if (want > bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, Math.min(Math.max(want, bytes.length * 2), limit));
        }
        in.getBytes(in.readerIndex() + copied, bytes, copied, want - copied);
        copied = want;
    }

    /** Whether the bytes so far are (or begin) one of the two request lines; picks it. */
    private boolean lineMatches() {
        if (line == null) {
            if (prefixOf(CLAIM)) {
                line = copied >= CLAIM.length ? CLAIM : null;
                return true;
            }
            if (prefixOf(REDEEM)) {
                line = copied >= REDEEM.length ? REDEEM : null;
                return true;
            }
            return false;
        }
        return true;
    }

    private boolean prefixOf(byte[] want) {
        int n = Math.min(copied, want.length);
        for (int i = 0; i < n; i++) {
            if (bytes[i] != want[i]) {
                return false;
            }
        }
        return true;
    }

    /** Just past the first CRLF CRLF after the request line, or -1. */
    private int blankLine() {
        if (line == null) {
            return -1;
        }
        // the request line's CRLF may be the first half of the blank line (a request without headers)
        int from = Math.max(line.length - 2, scanned - 3);
        for (int i = from; i + 3 < copied; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        scanned = copied;
        return -1;
    }
}
