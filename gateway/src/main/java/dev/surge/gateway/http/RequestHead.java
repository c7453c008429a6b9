package dev.surge.gateway.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * What the header checks and the routes read of a request's head: its method, target, version and
 * headers. Two kinds: {@link NettyHead} over a request Netty's decoder parsed, and {@link FastHead}
 * over the bytes of a claim or redemption that {@link FastRequestReader} recognised. A fast head's
 * values are views over bytes the connection reuses for its next request, so a value is read on the
 * event loop before the request is handed to the route, or copied.
 */
public interface RequestHead {
    HttpMethod method();

    /** The request target as sent (path and query). */
    String uri();

    /** Whether the request came as HTTP/1.0 (it then answers as such). */
    boolean http10();

    /** Whether the connection stays open after the answer (HTTP/1.1 unless "close"; 1.0 only with "keep-alive"). */
    boolean keepAlive();

    /** The first value of the named header (case-insensitive), or null. */
    CharSequence get(CharSequence name);

    /** Every value of the named header, in order; empty when absent. */
    List<String> getAll(CharSequence name);

    /** The declared Content-Length, or -1 when absent. */
    long contentLength();

    /** Whether the request asks for a 100 Continue before its body. */
    boolean expectsContinue();

    /** {@link #get} as a String, or null. */
    default String getString(CharSequence name) {
        CharSequence v = get(name);
        return v == null ? null : v.toString();
    }
}
