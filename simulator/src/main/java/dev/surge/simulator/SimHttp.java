package dev.surge.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.delivery.WireJson;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** What the simulators' HTTP handlers share: writing an answer, now or after a latency, and JSON bodies. Stateless. */
final class SimHttp {
    static final String JSON = "application/json";
    static final String CSV = "text/csv; charset=utf-8";

    /** Writes JSON by a generator. */
    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    private SimHttp() {
    }

    /** Answers after {@code latencyMs} (at once when 0), on the connection's event loop. */
    static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive,
                      long latencyMs) {
        if (latencyMs <= 0) {
            write(ctx, status, json, keepAlive, JSON);
        } else {
            ctx.executor().schedule(() -> write(ctx, status, json, keepAlive, JSON), latencyMs, TimeUnit.MILLISECONDS);
        }
    }

    static void write(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive,
                      String type) {
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).set(HttpHeaderNames.CONTENT_LENGTH,
            r.content().readableBytes());
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A JSON text written by {@code body}. */
    static String json(JsonBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = WireJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code {"error": message}}, the message escaped. */
    static String error(String message) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }
}
