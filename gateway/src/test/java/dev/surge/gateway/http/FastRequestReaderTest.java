package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which requests the fast path takes, and that it hands everything else to Netty's decoder
 * untouched and in order. Each message the decoder passes on is written down as it passes
 * ("fast CLAIM key body", or "netty METHOD uri" then "body ..." and "end"), since a fast head is
 * reused for the next request.
 */
class FastRequestReaderTest {
    private static final int MAX_HEADER = 512;
    private static final int MAX_BODY = 64;
    private static final String BODY = "{\"campaignId\":\"c\",\"skuId\":\"s\"}";
    private static final String GET = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";

    private final RequestDecoder decoder = new RequestDecoder(new HttpDecoderConfig().setMaxHeaderSize(MAX_HEADER),
        MAX_HEADER, MAX_BODY);
    private final List<String> seen = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(describe(msg));
            ReferenceCountUtil.release(msg);
        }
    });

    private static String describe(Object msg) {
        if (msg instanceof FastHead h) {
            return "fast " + h.route() + " " + h.get(ContentRules.IDEMPOTENCY_KEY) + " "
                + new String(h.bytes(), h.bodyAt(), h.bodyLength(), StandardCharsets.ISO_8859_1)
                + (h.keepAlive() ? "" : " close");
        }
        StringBuilder s = new StringBuilder();
        if (msg instanceof HttpRequest r) {
            s.append("netty ").append(r.method()).append(' ').append(r.uri())
                .append(r.decoderResult().isFailure() ? " failed" : "");
        }
        if (msg instanceof HttpContent c && c.content().isReadable()) {
            s.append(s.length() > 0 ? " " : "").append("body ").append(c.content().toString(StandardCharsets.ISO_8859_1));
        }
        if (msg instanceof LastHttpContent) {
            s.append(s.length() > 0 ? " " : "").append("end");
        }
        return s.toString();
    }

    private static String claim(String key, String... extraHeaders) {
        StringBuilder s = new StringBuilder("POST /v1/claims HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nAuthorization: Bearer abc.def.ghi\r\n");
        for (String h : extraHeaders) {
            s.append(h).append("\r\n");
        }
        return s.append("Idempotency-Key: ").append(key).append("\r\nContent-Length: ").append(BODY.length())
            .append("\r\n\r\n").append(BODY).toString();
    }

    private boolean write(String bytes) {
        ByteBuf b = Unpooled.directBuffer();
        b.writeBytes(bytes.getBytes(StandardCharsets.ISO_8859_1));
        channel.writeInbound(b);
        return decoder.partial();
    }

    @Test
    void aWholeClaimIsReadByTheFastPath() {
        assertFalse(write(claim("k1")));
        assertEquals(List.of("fast CLAIM k1 " + BODY), seen);
    }

    @Test
    void aRedemptionTooAndItsHeadersAreReadInPlace() {
        String r = "POST /v1/redemptions HTTP/1.1\r\nauthorization:Bearer  rk_x \r\nCONTENT-TYPE: application/json\r\n"
            + "Idempotency-Key: r1\r\nConnection: close\r\nX-Forwarded-For: 1.2.3.4\r\nContent-Length: 2\r\n\r\n{}";
        List<RequestHead> heads = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(new HttpDecoderConfig(), MAX_HEADER, MAX_BODY),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    FastHead h = (FastHead) msg;
                    assertEquals("Bearer  rk_x", h.getString(HttpHeaderNames.AUTHORIZATION), "value trimmed");
                    assertEquals("application/json", h.getString("content-type"));
                    assertEquals(List.of("1.2.3.4"), h.getAll(ClientAddress.X_FORWARDED_FOR));
                    assertEquals(null, h.get(HttpHeaderNames.COOKIE), "a header it does not know is absent");
                    assertEquals(2, h.contentLength());
                    assertFalse(h.keepAlive());
                    assertEquals("/v1/redemptions", h.uri());
                    heads.add(h);
                }
            });
        ch.writeInbound(Unpooled.copiedBuffer(r, StandardCharsets.ISO_8859_1));
        assertEquals(1, heads.size());
        ch.finishAndReleaseAll();
    }

    @Test
    void splitAtEveryByteItIsStillOneFastRequest() {
        String c = claim("k2");
        for (int cut = 1; cut < c.length(); cut++) {
            // a fresh connection each time: its copy of the request grows as the bytes come
            RequestDecoder d = new RequestDecoder(new HttpDecoderConfig(), MAX_HEADER, MAX_BODY);
            List<String> got = new ArrayList<>();
            EmbeddedChannel ch = new EmbeddedChannel(d, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    got.add(describe(msg));
                    ReferenceCountUtil.release(msg);
                }
            });
            ch.writeInbound(Unpooled.copiedBuffer(c.substring(0, cut), StandardCharsets.ISO_8859_1));
            assertTrue(d.partial(), "part of a request, cut at " + cut);
            assertEquals(List.of(), got, "nothing passed on before the whole request, cut at " + cut);
            ch.writeInbound(Unpooled.copiedBuffer(c.substring(cut), StandardCharsets.ISO_8859_1));
            assertFalse(d.partial());
            assertEquals(List.of("fast CLAIM k2 " + BODY), got, "cut at " + cut);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aBodyThatComesAfterItsHeadIsReadWhole() {
        String c = claim("k3");
        int bodyAt = c.length() - BODY.length();
        FastRequestReader reader = new FastRequestReader(MAX_HEADER, MAX_BODY);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(c.substring(0, bodyAt).getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(FastRequestReader.WAIT, reader.read(in));
        in.writeBytes(BODY.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(c.length(), reader.read(in));
        FastHead h = reader.head();
        assertEquals(BODY, new String(h.bytes(), h.bodyAt(), h.bodyLength(), StandardCharsets.ISO_8859_1));
        assertEquals("k3", h.getString(ContentRules.IDEMPOTENCY_KEY));
        in.release();
    }

    @Test
    void pipelinedRequestsPassInOrderFastSlowFast() {
        assertTrue(write(claim("a") + claim("b") + GET + claim("c") + "POST /v1/cl"));
        assertFalse(write("aims HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" + GET));
        assertEquals(List.of("fast CLAIM a " + BODY, "fast CLAIM b " + BODY, "netty GET /health/live", "end",
            "fast CLAIM c " + BODY, "fast CLAIM null {}", "netty GET /health/live", "end"), seen);
    }

    @Test
    void aRequestNettyBeganStaysNettysUntilItEnds() {
        String head = claim("s", "X-Other: 1");
        int bodyAt = head.length() - BODY.length();
        assertTrue(write(head.substring(0, bodyAt)), "an unknown header: Netty parses the head");
        assertFalse(write(BODY + claim("f")));
        assertEquals(List.of("netty POST /v1/claims", "body " + BODY + " end", "fast CLAIM f " + BODY), seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "POST /v1/claims HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}",
        "post /v1/claims HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims?x=1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claimsX HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        "PUT /v1/claims HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        "\r\nPOST /v1/claims HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\n\r\n",
        "POST /v1/claims HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/claims HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "POST /v1/claims HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "POST /v1/claims HTTP/1.1\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nX-Unknown: 1\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nHost: a\r\n b\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nHost : a\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nHost: a\u0000b\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nHost: caf\u00e9\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nHost: a\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nHost: a\rb\r\nContent-Length: 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nContent-Length: 2 2\r\n\r\n{}",
        "POST /v1/claims HTTP/1.1\r\nContent-Length: 65\r\n\r\n",
    })
    void everythingElseIsNettys(String request) {
        write(request);
        assertFalse(seen.isEmpty(), "Netty's decoder passed something on");
        assertTrue(seen.stream().noneMatch(s -> s.startsWith("fast")), seen.toString());
    }

    @Test
    void headersOverTheLimitAreNettys() {
        String big = claim("k", "User-Agent: " + "u".repeat(MAX_HEADER));
        write(big);
        assertEquals(List.of("netty POST /v1/claims failed"), seen, "Netty's refusal (431)");
    }

    @Test
    void afterNettyRefusedARequestNothingIsFast() {
        write("POST /v1/claims HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}");
        write(claim("late"));
        assertTrue(seen.stream().noneMatch(s -> s.startsWith("fast")), seen.toString());
        assertTrue(seen.get(0).contains("failed"), seen.toString());
    }
}
