package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A claim's or redemption's answer written in one buffer is, byte for byte, what Netty's encoder writes for it. */
class JsonReplyTest {

    private static String viaEncoder(String body, boolean replayed, boolean keepAlive) {
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (replayed) {
            Responses.markReplayed(r);
        }
        Responses.contentLength(r, r.content().readableBytes());
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
        ch.writeOutbound(r);
        StringBuilder s = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            s.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return s.toString();
    }

    @ParameterizedTest
    @CsvSource({"false,true", "true,true", "false,false", "true,false"})
    void sameBytesAsTheEncoder(boolean replayed, boolean keepAlive) {
        for (String body : new String[] {"{}", "{\"result\":\"GRANTED\",\"grantId\":\"g\u00e9\"}", "x".repeat(1234)}) {
            JsonReply j = new JsonReply(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), replayed);
            ByteBuf out = j.encode(ByteBufAllocator.DEFAULT, keepAlive);
            assertEquals(viaEncoder(body, replayed, keepAlive), out.toString(StandardCharsets.UTF_8));
            assertEquals(0, j.refCnt(), "the body is released");
            out.release();
        }
    }
}
