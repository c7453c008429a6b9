package dev.surge.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Builds responses: JSON bodies and the error body {@code {"error":{"code","message","field"}}}. Thread-safe. */
public final class Responses {
    public static final AsciiString JSON = AsciiString.cached("application/json");
    public static final AsciiString TEXT = AsciiString.cached("text/plain; charset=utf-8");
    public static final AsciiString RETRY_AFTER = AsciiString.cached("Retry-After");
    public static final AsciiString IDEMPOTENT_REPLAYED = AsciiString.cached("Idempotent-Replayed");
    private static final AsciiString ONE = AsciiString.cached("1");
    private static final AsciiString TRUE = AsciiString.cached("true");

    private Responses() {
    }

    /**
     * A JSON response. It has no trailers (it is never sent chunked), so it shares the one empty,
     * immutable trailer set instead of allocating its own.
     */
    public static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body,
            DefaultHttpHeadersFactory.headersFactory().newHeaders(), EmptyHttpHeaders.INSTANCE);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
        return r;
    }

    /** Writes a JSON body. */
    @FunctionalInterface
    public interface JsonBodyWriter {
        void write(JsonGenerator g) throws IOException;
    }

    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, JsonBodyWriter writer) {
        return json(status, jsonBody(alloc, writer));
    }

    /** A JSON body in a buffer from {@code alloc}. */
    static ByteBuf jsonBody(ByteBufAllocator alloc, JsonBodyWriter writer) {
        ByteBuf buf = alloc.buffer(256);
        try (JsonGenerator g = Json.generator(buf)) {
            writer.write(g);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw new IllegalStateException("rendering a response failed", e);
        }
        return buf;
    }

    public static FullHttpResponse text(HttpResponseStatus status, String body, CharSequence contentType) {
        ByteBuf b = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, b);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return r;
    }

    public static FullHttpResponse error(ByteBufAllocator alloc, ErrorCode code, String message, String field) {
        ByteBuf buf = alloc.buffer(128);
        try (JsonGenerator g = Json.generator(buf)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("code", code.name());
            g.writeStringField("message", message);
            g.writeStringField("field", field);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            buf.release();
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = json(code.status, buf);
        if (code == ErrorCode.OVERLOADED || code == ErrorCode.NOT_READY) {
            r.headers().set(RETRY_AFTER, ONE);
        }
        return r;
    }

    /** The answer to a request that did not parse: its code, message and field. */
    public static FullHttpResponse error(ByteBufAllocator alloc, BadRequest bad) {
        return error(alloc, bad.code(), bad.getMessage(), bad.field());
    }

    public static FullHttpResponse error(ByteBufAllocator alloc, ErrorCode code, String message) {
        return error(alloc, code, message, null);
    }

    /** Content-Length values up to this are made once. */
    private static final AsciiString[] LENGTHS = new AsciiString[1024];

    static {
        for (int i = 0; i < LENGTHS.length; i++) {
            LENGTHS[i] = AsciiString.cached(Integer.toString(i));
        }
    }

    /** Sets Content-Length; a small one without making its text (HttpUtil's boxes and formats it). */
    public static void contentLength(FullHttpResponse r, int length) {
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length < LENGTHS.length ? LENGTHS[length] : Integer.toString(length));
    }

    public static void markReplayed(FullHttpResponse r) {
        r.headers().set(IDEMPOTENT_REPLAYED, TRUE);
    }

    public static void retryAfter(FullHttpResponse r, long seconds) {
        r.headers().set(RETRY_AFTER, Long.toString(Math.max(1, seconds)));
    }

    public static void closeAfter(FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
}
