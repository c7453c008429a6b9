package dev.surge.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Netty's HTTP/1.1 request decoder, with a fast path in front for the two hot requests: between
 * requests, a whole claim or redemption that {@link FastRequestReader} recognises is passed on as
 * its {@link FastHead}, without Netty parsing it; anything else, Netty's decoder reads as ever, and
 * once it has begun a request it finishes it before the fast path looks again (requests are passed
 * on in the order they came). After the decoder has refused a request, only Netty's decoder reads
 * (it then drops everything). Also able to say whether part of a request has arrived: bytes it
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
    private final FastRequestReader fast;
    /** Netty's decoder reads the current request (the fast path declined it). */
    private boolean slow;
    /** Netty's decoder refused a request, or the input ended: the fast path is done. */
    private boolean fastOff;

    RequestDecoder(HttpDecoderConfig config, int maxHeader, int maxBody) {
        super(config);
        this.fast = new FastRequestReader(maxHeader, maxBody);
    }

    /** Whether part of a request, not the whole of it, has arrived. */
    boolean partial() {
        return parsedPart || actualReadableBytes() > 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!slow && !fastOff && !parsedPart) {
            int length = fast.read(in);
            if (length > 0) {
                in.skipBytes(length);
                out.add(fast.head()); // handled before the next decode: ByteToMessageDecoder fires each
                fast.reset();
                return;
            }
            if (length == FastRequestReader.WAIT) {
                return; // the bytes stay in the cumulation
            }
            fast.reset();
            slow = true;
        }
        int from = in.readerIndex();
        int emitted = out.size();
        super.decode(ctx, in, out); // ends at most one request, and then returns
        if (out.size() > emitted) {
            Object last = out.get(out.size() - 1);
            parsedPart = !(last instanceof LastHttpContent);
            slow = parsedPart;
            fastOff |= last instanceof DecoderResultProvider p && p.decoderResult().isFailure();
        } else if (!parsedPart && in.readerIndex() > from) {
            // a request line or header lines consumed, or only what is skipped between requests
            parsedPart = in.forEachByte(from, in.readerIndex() - from, SKIPPED) >= 0;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        fastOff = true; // what is left is Netty's to call premature
        super.decodeLast(ctx, in, out);
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
