package dev.surge.gateway.http;

import dev.surge.gateway.error.ErrorCode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;

/**
 * What a request must declare in its headers about its body before the body is read: the media
 * type its route takes (UTF-8 JSON or text; an upload may also be US-ASCII; 415 otherwise), a
 * declared size within the limit (413; an upload streams and is not bound by it), and on a
 * mutating /v1 call an {@code Idempotency-Key} of 1-64 printable ASCII characters (400).
 *
 * <p>Threading: thread-safe (immutable); one instance shared by every connection.
 */
final class ContentRules {
    static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("Idempotency-Key");
    static final int MAX_IDEMPOTENCY_KEY = 64;

    private final int maxBody;

    ContentRules(int maxBody) {
        this.maxBody = maxBody;
    }

    /** Returns the refusal, or null when the headers promise an acceptable body. */
    FullHttpResponse check(RequestHead request, Route route, ByteBufAllocator alloc) {
        FullHttpResponse media = checkMediaType(request, route, alloc);
        if (media != null) {
            return media;
        }
        if (route.body != Route.Body.TEXT_STREAM && request.contentLength() > maxBody) {
            return tooLarge(alloc);
        }
        if (route.idempotent) {
            CharSequence key = request.get(IDEMPOTENCY_KEY);
            if (key == null) {
                return Responses.error(alloc, ErrorCode.MISSING_FIELD, "Idempotency-Key: header is required",
                    "Idempotency-Key");
            }
            if (!validIdempotencyKey(key)) {
                return Responses.error(alloc, ErrorCode.INVALID_FIELD,
                    "Idempotency-Key: must be 1-" + MAX_IDEMPOTENCY_KEY + " printable ASCII characters",
                    "Idempotency-Key");
            }
        }
        return null;
    }

    /** The 413 for a body over the limit, declared or counted while it arrives. */
    FullHttpResponse tooLarge(ByteBufAllocator alloc) {
        return Responses.error(alloc, ErrorCode.BODY_TOO_LARGE, "request body exceeds " + maxBody + " bytes");
    }

    private static FullHttpResponse checkMediaType(RequestHead request, Route route, ByteBufAllocator alloc) {
        if (route.body == Route.Body.NONE) {
            return null;
        }
        CharSequence type = request.get(HttpHeaderNames.CONTENT_TYPE);
        String want = route.body == Route.Body.JSON ? "application/json" : "text/plain";
        if (type == null) {
            return Responses.error(alloc, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be " + want,
                "Content-Type");
        }
        CharSequence mime = HttpUtil.getMimeType(type);
        CharSequence charset = HttpUtil.getCharsetAsSequence(type);
        if (mime == null) {
            mime = type;
        }
        boolean charsetOk = charset == null || AsciiString.contentEqualsIgnoreCase(charset, "utf-8")
            || (route.body == Route.Body.TEXT_STREAM && AsciiString.contentEqualsIgnoreCase(charset, "us-ascii"));
        if (!AsciiString.contentEqualsIgnoreCase(AsciiString.trim(mime), want) || !charsetOk) {
            return Responses.error(alloc, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be " + want + " (UTF-8), was " + type, "Content-Type");
        }
        return null;
    }

    static boolean validIdempotencyKey(CharSequence key) {
        int n = key.length();
        if (n < 1 || n > MAX_IDEMPOTENCY_KEY) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
