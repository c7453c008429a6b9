package dev.surge.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Netty's HTTP/1.1 request decoder, able to say whether part of a request has arrived: bytes it
 * holds (an unfinished line) or has already parsed (a request line, header lines, part of a body)
 * of a request not yet complete. {@link RequestDeadline} asks after every read, so that bytes
 * which came in the same read as the end of the request before them start the deadline of theirs.
 * Paired with a plain {@link io.netty.handler.codec.http.HttpResponseEncoder} in place of
 * {@code HttpServerCodec}, whose decoder keeps its buffer to itself; what that codec adds does not
 * apply here (no route answers HEAD or CONNECT; see {@link #handleTransferEncodingChunkedWithContentLength}).
 *
 * <p>Threading: one instance per channel, confined to its event loop.
 */
final class RequestDecoder extends HttpRequestDecoder {
    /** What the decoder skips before a request line (control characters, whitespace). */
    private static final ByteProcessor SKIPPED = b -> (b & 0xFF) <= ' ' || (b & 0xFF) >= 0x7F && (b & 0xFF) <= 0x9F;

    /** Bytes of a request not yet complete have been parsed. */
    private boolean parsedPart;

    RequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** Whether part of a request, not the whole of it, has arrived. */
    boolean partial() {
        return parsedPart || actualReadableBytes() > 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int from = in.readerIndex();
        int emitted = out.size();
        super.decode(ctx, in, out); // ends at most one request, and then returns
        if (out.size() > emitted) {
            parsedPart = !(out.get(out.size() - 1) instanceof LastHttpContent);
        } else if (!parsedPart && in.readerIndex() > from) {
            // a request line or header lines consumed, or only what is skipped between requests
            parsedPart = in.forEachByte(from, in.readerIndex() - from, SKIPPED) >= 0;
        }
    }

    /**
     * Netty refuses a request with both Transfer-Encoding and Content-Length as malformed; where
     * it is configured to accept one instead, the connection closes after the answer, as
     * {@code HttpServerCodec} would: nothing after such a request can be trusted to be framed
     * as the sender meant.
     */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        super.handleTransferEncodingChunkedWithContentLength(message);
        HttpUtil.setKeepAlive(message, false);
    }
}
