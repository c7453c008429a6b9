package dev.surge.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A 200 JSON answer of a claim or redemption, carried without a header map: {@link HttpConnection}
 * writes it as one buffer, status line, headers and body, past the response encoder
 * ({@link #encode}), with the bytes the encoder would have written for the same response made by
 * {@link Responses#json(HttpResponseStatus, ByteBuf)}. Where something else must be said (HTTP/1.0,
 * HEAD), {@link #toFull} turns it into that response. Its headers are the shared empty, immutable
 * set: nothing may add one.
 *
 * <p>Threading: made on the journal thread, encoded on the connection's event loop.
 */
final class JsonReply extends DefaultFullHttpResponse {
    private static final byte[] HEAD = ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLAYED = "Idempotent-Replayed: true\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LENGTH = "content-length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\r\nconnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Room for the head: status line, the four headers, the length's digits. */
    private static final int HEAD_ROOM = HEAD.length + REPLAYED.length + LENGTH.length + 10 + CLOSE.length;

    private final boolean replayed;

    JsonReply(ByteBuf body, boolean replayed) {
        super(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body, EmptyHttpHeaders.INSTANCE, EmptyHttpHeaders.INSTANCE);
        this.replayed = replayed;
    }

    /** The whole response in one buffer from {@code alloc}; releases the body. */
    ByteBuf encode(ByteBufAllocator alloc, boolean keepAlive) {
        ByteBuf body = content();
        int length = body.readableBytes();
        ByteBuf out = alloc.ioBuffer(HEAD_ROOM + length);
        out.writeBytes(HEAD);
        if (replayed) {
            out.writeBytes(REPLAYED);
        }
        out.writeBytes(LENGTH);
        writeDigits(out, length);
        out.writeBytes(keepAlive ? END : CLOSE);
        out.writeBytes(body, body.readerIndex(), length);
        release();
        return out;
    }

    /** The same answer as a response with a header map, to be encoded as any other; releases this. */
    FullHttpResponse toFull() {
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, content().retain());
        if (replayed) {
            Responses.markReplayed(r);
        }
        release();
        return r;
    }

    private static void writeDigits(ByteBuf out, int n) {
        int scale = 1;
        while (scale <= n / 10) {
            scale *= 10;
        }
        for (; scale > 0; scale /= 10) {
            out.writeByte('0' + n / scale % 10);
        }
    }
}
