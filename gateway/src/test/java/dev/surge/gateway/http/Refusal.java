package dev.surge.gateway.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for the unit tests of the head checks: a bare exchange, and what a refusal says. */
final class Refusal {
    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");

    private Refusal() {
    }

    /** An exchange with no connection behind it: enough for the checks, which only read and record. */
    static Exchange exchange(HttpMethod method, String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return new Exchange(null, 0, new NettyHead(request), 0, true);
    }

    /** The refusal's status and error code, "429 RATE_LIMITED"; releases it. "ok" for no refusal. */
    static String of(FullHttpResponse r) {
        if (r == null) {
            return "ok";
        }
        try {
            Matcher m = CODE.matcher(r.content().toString(StandardCharsets.UTF_8));
            return r.status().code() + " " + (m.find() ? m.group(1) : "?");
        } finally {
            r.release();
        }
    }
}
