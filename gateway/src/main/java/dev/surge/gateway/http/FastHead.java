package dev.surge.gateway.http;

import dev.surge.gateway.json.AsciiView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.List;

/**
 * The head of a claim or redemption recognised by {@link FastRequestReader}: a flyweight over the
 * request's bytes holding where each header's value lies, and where the body lies. It knows only
 * the headers of {@link #KNOWN}, each at most once, so a name it does not know is a header the
 * request does not have. Values are {@link AsciiView}s over the bytes, valid until the connection
 * reads its next request (see {@link RequestHead}).
 *
 * <p>Threading: one instance per connection, confined to its event loop.
 */
final class FastHead implements RequestHead {
    /** The headers a fast request may carry; any other sends the request to Netty's decoder. */
    static final AsciiString[] KNOWN = {
        HttpHeaderNames.AUTHORIZATION,
        HttpHeaderNames.CONTENT_TYPE,
        ContentRules.IDEMPOTENCY_KEY,
        HttpHeaderNames.CONTENT_LENGTH,
        HttpHeaderNames.HOST,
        HttpHeaderNames.CONNECTION,
        ClientAddress.X_FORWARDED_FOR,
        AsciiString.cached("X-Forwarded-Proto"),
        HttpHeaderNames.USER_AGENT,
        HttpHeaderNames.ACCEPT,
        HttpHeaderNames.ACCEPT_ENCODING,
    };
    private static final int CONTENT_LENGTH = 3;
    private static final int CONNECTION = 5;

    private final int[] valueAt = new int[KNOWN.length];
    private final int[] valueLength = new int[KNOWN.length];
    private final AsciiView[] views = new AsciiView[KNOWN.length];
    private byte[] bytes;
    private Route route;
    private boolean keepAlive;
    private long contentLength;
    private int bodyAt;

    FastHead() {
        for (int i = 0; i < views.length; i++) {
            views[i] = new AsciiView();
        }
    }

    /**
     * Reads the header lines of {@code bytes[from, end)} ({@code end} just past the blank line)
     * for {@code route}. False, with nothing to rely on, when a line is not a known header written
     * plainly (name, colon, visible ASCII value), a header repeats, Content-Length is missing or
     * not plain digits, or Connection is neither "keep-alive" nor "close".
     */
    boolean read(Route route, byte[] bytes, int from, int end) {
        this.bytes = bytes;
        this.route = route;
        Arrays.fill(valueAt, -1);
        int at = from;
        int last = end - 2; // the blank line's CRLF
        while (at < last) {
            int colon = at;
            while (colon < last && isNameByte(bytes[colon])) {
                colon++;
            }
            if (colon == at || colon == last || bytes[colon] != ':') {
                return false;
            }
            int known = known(bytes, at, colon - at);
            if (known < 0 || valueAt[known] >= 0) {
                return false;
            }
            int v = colon + 1;
            while (bytes[v] == ' ' || bytes[v] == '\t') {
                v++;
            }
            int e = v;
            while (bytes[e] != '\r') {
                byte b = bytes[e];
                if (b != '\t' && (b < 0x20 || b > 0x7E)) {
                    return false; // control byte, bare LF, NUL or non-ASCII: Netty's decoder decides
                }
                e++;
            }
            if (bytes[e + 1] != '\n') {
                return false;
            }
            int next = e + 2;
            while (e > v && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
                e--;
            }
            valueAt[known] = v;
            valueLength[known] = e - v;
            at = next;
        }
        return at == last && settle();
    }

    private boolean settle() {
        if (valueAt[CONTENT_LENGTH] < 0) {
            return false;
        }
        int n = valueLength[CONTENT_LENGTH];
        if (n == 0 || n > 9) {
            return false;
        }
        long length = 0;
        for (int i = valueAt[CONTENT_LENGTH], to = i + n; i < to; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return false;
            }
            length = length * 10 + bytes[i] - '0';
        }
        contentLength = length;
        keepAlive = true;
        if (valueAt[CONNECTION] >= 0) {
            CharSequence c = view(CONNECTION);
            if (AsciiString.contentEqualsIgnoreCase(c, "close")) {
                keepAlive = false;
            } else if (!AsciiString.contentEqualsIgnoreCase(c, "keep-alive")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameByte(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-';
    }

    private static int known(byte[] bytes, int at, int length) {
        for (int k = 0; k < KNOWN.length; k++) {
            AsciiString name = KNOWN[k];
            if (name.length() == length && equalsIgnoreCase(name, bytes, at)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean equalsIgnoreCase(AsciiString name, byte[] bytes, int at) {
        for (int i = 0; i < name.length(); i++) {
            if ((name.byteAt(i) | 0x20) != (bytes[at + i] | 0x20)) {
                return false; // name bytes are letters, digits and '-', where | 0x20 folds case only
            }
        }
        return true;
    }

    /** The request is whole: its bytes (the head's, as read, and the body) and where its body begins. */
    void complete(byte[] bytes, int bodyAt) {
        this.bytes = bytes;
        this.bodyAt = bodyAt;
    }

    Route route() {
        return route;
    }

    byte[] bytes() {
        return bytes;
    }

    int bodyAt() {
        return bodyAt;
    }

    int bodyLength() {
        return (int) contentLength;
    }

    private CharSequence view(int k) {
        return views[k].wrap(bytes, valueAt[k], valueLength[k]);
    }

    @Override
    public HttpMethod method() {
        return route.method;
    }

    @Override
    public String uri() {
        return route.template;
    }

    @Override
    public boolean http10() {
        return false;
    }

    @Override
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public CharSequence get(CharSequence name) {
        for (int k = 0; k < KNOWN.length; k++) {
            if (KNOWN[k].contentEqualsIgnoreCase(name)) {
                return valueAt[k] < 0 ? null : view(k);
            }
        }
        return null;
    }

    /** Allocates: read only when the peer is a trusted proxy. */
    @Override
    public List<String> getAll(CharSequence name) {
        CharSequence v = get(name);
        return v == null ? List.of() : List.of(v.toString());
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public boolean expectsContinue() {
        return false;
    }
}
