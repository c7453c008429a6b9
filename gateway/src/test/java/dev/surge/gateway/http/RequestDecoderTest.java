package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Whether the decoder holds part of a request, after each write of raw bytes. */
class RequestDecoderTest {
    private static final String GET = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String POST = "POST /v1/claims HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n";
    private static final String CHUNKED = "POST /v1/claims HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

    private final RequestDecoder decoder = new RequestDecoder(new HttpDecoderConfig(), 8192, 65536);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);
    private int heads;
    private int ends;

    private boolean write(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        Object m;
        while ((m = channel.readInbound()) != null) {
            heads += m instanceof HttpRequest || m instanceof FastHead ? 1 : 0; // a fast request is whole
            ends += m instanceof LastHttpContent || m instanceof FastHead ? 1 : 0;
            ReferenceCountUtil.release(m);
        }
        return decoder.partial();
    }

    @Test
    void wholeRequestsLeaveNothing() {
        assertFalse(write(GET));
        assertFalse(write(POST + "abcd"));
        assertFalse(write(CHUNKED + "2\r\nab\r\n0\r\n\r\n"));
        assertFalse(write(GET + GET + POST + "abcd"));
        assertEquals(6, heads);
        assertEquals(6, ends);
    }

    @Test
    void whatFollowsAWholeRequestInTheSameReadIsPartOfTheNext() {
        assertTrue(write(GET + "G"), "buffered: an unfinished request line");
        assertTrue(write("ET /health/live HTTP/1.1\r\n"));
        assertFalse(write("Host: x\r\n\r\n"));
        assertTrue(write(GET + "GET /health/live HTTP/1.1\r\n"), "a whole request line, parsed, nothing buffered");
        assertTrue(write("Host: x\r\n"), "a whole header line, parsed");
        assertFalse(write("\r\n"));
        assertTrue(write(GET + POST + "ab"), "a head and part of its body");
        assertFalse(write("cd"));
        assertTrue(write(GET + CHUNKED + "2\r\nab\r\n"));
        assertFalse(write("0\r\n\r\n"));
        assertEquals(8, heads);
        assertEquals(8, ends);
    }

    @Test
    void separatorsBetweenRequestsAreNotARequest() {
        assertFalse(write(POST + "abcd\r\n"), "a CRLF after a body, as old clients send");
        assertFalse(write(GET + "\r\n\r\n"));
    }
}
