package dev.surge.gateway.http;

import dev.surge.gateway.error.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.Int2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection: framing, keep-alive and pipelining, with responses written strictly in
 * request order (each request takes the next sequence number; a response that is ready early waits
 * for those before it). A request's head is checked as soon as it arrives, so that a refusal costs
 * no body: {@link Admission} (route, rate, readiness), then {@link Authenticator} (credentials),
 * then {@link ContentRules} (media type, declared size, Idempotency-Key). An admitted request's
 * body is collected up to the size limit, or streamed to an {@link UploadSink}, then handed to the
 * API. Stops reading while too many requests are in flight or an upload waits for the engine.
 *
 * <p>Threading: one instance per channel, confined to its event loop.
 */
public final class HttpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    /** How long a closing connection keeps draining what the client still sends. */
    private static final long LINGER_MS = 1000;

    private enum State {
        /** Between requests. */
        IDLE,
        /** Collecting the body of {@link #current}. */
        AGGREGATING,
        /** Feeding the body of {@link #current} to {@link #upload}. */
        STREAMING,
        /** Already answered (refused early): dropping the body. */
        DISCARDING,
        /** Answering with an endless stream (server-sent events): no further request is served. */
        EVENT_STREAM,
        /** Going away: nothing more is read or answered. */
        CLOSING
    }

    private final ServerContext server;
    final RequestDeadline deadline;
    /** Ahead of it in the pipeline; told of each response handed over. */
    final IdleTimeout idle;
    private ChannelHandlerContext ctx;
    /** The response encoder's context: a {@link JsonReply}, already encoded, is written past it. */
    private ChannelHandlerContext encoder;
    private byte[] peer = new byte[4];

    private int nextSequence;
    private int nextToWrite;
    /** Exchanges answered before those ahead of them, by sequence. */
    private final Int2ObjectHashMap<Exchange> early = new Int2ObjectHashMap<>();
    /** Requests seen and not yet answered. */
    private int outstanding;

    private State state = State.IDLE;
    private Exchange current;
    private ByteBuf body;
    private long discarded;
    private UploadSink upload;
    private boolean pausedByPipeline;
    private boolean pausedByUpload;
    private boolean closeWritten;

    /** {@code decoder} is the connection's, ahead of it in the pipeline, behind {@link #deadline}. */
    HttpConnection(ServerContext server, RequestDecoder decoder) {
        this.server = server;
        this.deadline = new RequestDeadline(this, decoder, server.requestTimeoutMs);
        this.idle = new IdleTimeout(server.idleTimeoutMs);
    }

    // ---- channel events ----------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.encoder = ctx.pipeline().context(HttpResponseEncoder.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            peer = a.getAddress().getAddress();
        }
        server.metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FastHead head) {
                onFast(head);
            } else if (msg instanceof HttpRequest request) {
                onHead(request);
            }
            if (msg instanceof HttpContent content) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (outstanding == 0 && (state == State.IDLE || state == State.CLOSING)) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.metrics.connectionClosed();
        State was = state;
        state = State.CLOSING;
        releaseBody();
        if (upload != null) {
            UploadSink u = upload;
            upload = null;
            u.onAbort();
        }
        if (current != null && !current.completed && (was == State.AGGREGATING || was == State.IDLE)) {
            abandon(current); // never dispatched: nobody else will answer it
        }
        current = null;
        for (Exchange x : early.values()) {
            ReferenceCountUtil.release(x.ready);
            x.ready = null;
            finish(x);
        }
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error, closing", cause);
        ctx.close();
    }

    /**
     * Whether raw bytes arriving now may start the request deadline: not while closing, and not
     * while an upload streams (it is bounded by the idle timeout instead).
     */
    boolean acceptingBytes() {
        return state != State.CLOSING && state != State.STREAMING && state != State.EVENT_STREAM;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    public ServerContext server() {
        return server;
    }

    // ---- requests ------------------------------------------------------------------------------

    private void onHead(HttpRequest request) {
        if (state == State.CLOSING) {
            return;
        }
        if (state != State.IDLE) {
            // a new head while a body is open cannot happen with a well-behaved decoder
            closeNow();
            return;
        }
        RequestHead head = new NettyHead(request);
        Exchange x = open(head, head.keepAlive());
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            FullHttpResponse r;
            if (cause instanceof TooLongHttpHeaderException) {
                r = Responses.error(alloc(), ErrorCode.HEADERS_TOO_LARGE, "request headers exceed "
                    + server.maxHeader + " bytes");
            } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
                r = Responses.error(alloc(), ErrorCode.MALFORMED_REQUEST, "request line too long");
            } else {
                r = Responses.error(alloc(), ErrorCode.MALFORMED_REQUEST, "malformed HTTP request");
            }
            x.respondAndClose(r);
            state = State.CLOSING;
            return;
        }
        current = x;
        FullHttpResponse refusal = admit(x);
        if (refusal != null) {
            boolean expectsContinue = head.expectsContinue();
            long declared = head.contentLength();
            if (expectsContinue || declared > server.maxBody || refusal.status().code() == 413) {
                x.respondAndClose(refusal); // the body will not come, or is not worth reading
                state = State.CLOSING;
            } else {
                x.respond(refusal);
                state = State.DISCARDING;
                discarded = 0;
            }
            return;
        }
        if (head.expectsContinue() && x.sequence == nextToWrite) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (x.route().body == Route.Body.TEXT_STREAM) {
            deadline.disarm(); // a long upload is bounded by the idle timeout instead
            upload = server.api.openUpload(x);
            state = upload == null ? State.DISCARDING : State.STREAMING;
        } else {
            state = State.AGGREGATING;
        }
    }

    /**
     * A whole claim or redemption read by the fast path: the same checks as {@link #onHead} makes,
     * then the same handling as a body collected by {@link #onContent}. Its body has come, so a
     * refusal leaves nothing to drop; the fast path never takes what would be refused for its size
     * or with Expect: 100-continue.
     */
    private void onFast(FastHead head) {
        if (state == State.CLOSING) {
            return;
        }
        if (state != State.IDLE) {
            closeNow(); // cannot happen: the decoder finishes a request before the fast path looks
            return;
        }
        server.metrics.fastRequest();
        Exchange x = open(head, head.keepAlive());
        deadline.disarm();
        FullHttpResponse refusal = admit(x);
        if (refusal != null) {
            x.respond(refusal);
            return;
        }
        handle(x, head.bytes(), head.bodyAt(), head.bodyLength());
    }

    private Exchange open(RequestHead head, boolean keepAlive) {
        Exchange x = new Exchange(this, nextSequence++, head, System.nanoTime(), keepAlive);
        outstanding++;
        server.inFlight.increment();
        if (outstanding >= server.maxPipelined && !pausedByPipeline) {
            pausedByPipeline = true;
            updateAutoRead();
        }
        return x;
    }

    /**
     * The checks made on headers alone, in order: admission (route, rate, readiness), then
     * credentials, then what the headers declare about the body. Returns the refusal, or null.
     */
    private FullHttpResponse admit(Exchange x) {
        FullHttpResponse refusal = server.admission.admit(x, peer, alloc(), System.nanoTime());
        if (refusal == null) {
            refusal = server.authenticator.authenticate(x, x.route(), alloc());
        }
        if (refusal == null) {
            refusal = server.content.check(x.head, x.route(), alloc());
        }
        return refusal;
    }

    private void onContent(HttpContent content) {
        ByteBuf data = content.content();
        boolean last = content instanceof LastHttpContent;
        switch (state) {
            case AGGREGATING -> {
                if (data.isReadable()) {
                    if (body == null) {
                        long declared = current.head.contentLength();
                        int initial = declared > 0 ? (int) Math.min(declared, server.maxBody) : 256;
                        body = ctx.alloc().heapBuffer(initial, server.maxBody);
                    }
                    if (body.readableBytes() + data.readableBytes() > server.maxBody) {
                        releaseBody();
                        Exchange x = current;
                        x.respondAndClose(server.content.tooLarge(alloc()));
                        state = State.CLOSING;
                        return;
                    }
                    body.writeBytes(data);
                }
                if (last) {
                    deadline.disarm();
                    Exchange x = current;
                    current = null;
                    state = State.IDLE;
                    dispatch(x);
                }
            }
            case STREAMING -> {
                if (data.isReadable()) {
                    upload.onContent(data);
                }
                if (last) {
                    UploadSink u = upload;
                    upload = null;
                    current = null;
                    state = State.IDLE;
                    u.onEnd();
                }
            }
            case DISCARDING -> {
                discarded += data.readableBytes();
                if (discarded > server.maxBody) {
                    state = State.CLOSING;
                    closeAfterPending();
                    return;
                }
                if (last) {
                    deadline.disarm();
                    current = null;
                    state = State.IDLE;
                }
            }
            default -> {
            }
        }
    }

    private void dispatch(Exchange x) {
        ByteBuf b = body;
        body = null;
        try {
            if (b == null) {
                handle(x, EMPTY, 0, 0);
            } else {
                handle(x, b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
            }
        } finally {
            if (b != null) {
                b.release();
            }
        }
    }

    private void handle(Exchange x, byte[] bytes, int offset, int length) {
        try {
            server.api.handle(x, bytes, offset, length);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", x.method(), x.uri(), e);
            if (!x.completed) {
                x.respond(Responses.error(alloc(), ErrorCode.INTERNAL, "internal error"));
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /** The request deadline passed before the request was complete. */
    void onRequestTimeout() {
        if (state == State.CLOSING) {
            return;
        }
        server.metrics.requestTimedOut();
        Exchange x = current != null && !current.completed ? current : null;
        if (x == null && state == State.IDLE) {
            x = open(TIMED_OUT_HEAD, false); // headers never arrived
        }
        releaseBody();
        state = State.CLOSING;
        if (x != null) {
            x.respondAndClose(Responses.error(alloc(), ErrorCode.REQUEST_TIMEOUT,
                "request not received within " + server.requestTimeoutMs + " ms of its first byte"));
        } else {
            closeAfterPending();
        }
    }

    private static final RequestHead TIMED_OUT_HEAD = new NettyHead(
        new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));

    // ---- responses -------------------------------------------------------------------------------

    /** Answers one exchange; writes it now or when the ones before it are written. On the event loop. */
    void complete(Exchange x, FullHttpResponse response) {
        if (x.completed) {
            response.release(); // already answered (a timeout beat the engine)
            return;
        }
        x.completed = true;
        if (closeWritten || !ctx.channel().isActive()) {
            response.release();
            finish(x);
            return;
        }
        if (x.sequence != nextToWrite) {
            x.ready = response;
            early.put(x.sequence, x);
            return;
        }
        write(x, response);
        Exchange next;
        while (!closeWritten && (next = early.remove(nextToWrite)) != null) {
            FullHttpResponse r = next.ready;
            next.ready = null;
            write(next, r);
        }
        ctx.flush();
        if (closeWhenDrained && !closeWritten && outstanding == 0) {
            closeNow();
        }
    }

    /** See {@link Exchange#openStream}. On the event loop. */
    Channel openStream(Exchange x, HttpResponse head) {
        if (x.completed || closeWritten || x.sequence != nextToWrite || !ctx.channel().isActive()) {
            return null;
        }
        x.completed = true;
        nextToWrite++;
        state = State.EVENT_STREAM;
        deadline.disarm();
        if (x.http10) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE); // the stream ends with the connection
        } else {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        ctx.writeAndFlush(head, ctx.voidPromise());
        idle.onWrite();
        server.metrics.request(x.route(), head.status().code(), System.nanoTime() - x.startNanos);
        finish(x); // answered: a shutdown does not wait for a stream to end, it closes it
        return ctx.channel();
    }

    /** Gives up on an exchange that will never be answered (its connection is gone). */
    void abandon(Exchange x) {
        if (!x.completed) {
            x.completed = true;
            finish(x);
        }
    }

    private void write(Exchange x, FullHttpResponse r) {
        nextToWrite++;
        // while draining for shutdown, the connection closes after the last answer it owes
        boolean lastOwed = outstanding == 1 && nextToWrite == nextSequence && state == State.IDLE;
        boolean keep = x.keepAlive && !x.closeAfter && !(server.draining() && lastOwed);
        if (r instanceof JsonReply j) {
            if (encoder != null && !x.http10 && x.method != HttpMethod.HEAD) {
                writeEncoded(x, j, keep);
                return;
            }
            r = j.toFull();
        }
        if (x.method() == HttpMethod.HEAD) {
            r = r.replace(io.netty.buffer.Unpooled.EMPTY_BUFFER);
        }
        Responses.contentLength(r, r.content().readableBytes());
        int status = r.status().code();
        idle.onWrite();
        if (keep) {
            if (x.http10) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(r, ctx.voidPromise());
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closeWritten = true;
            ctx.write(r).addListener(f -> lingerAndClose());
        }
        server.metrics.request(x.route(), status, System.nanoTime() - x.startNanos);
        finish(x);
    }

    /** {@link #write} for a {@link JsonReply}: one buffer, past the encoder (it holds no state between responses). */
    private void writeEncoded(Exchange x, JsonReply j, boolean keep) {
        idle.onWrite();
        ByteBuf out = j.encode(ctx.alloc(), keep);
        if (keep) {
            encoder.write(out, encoder.voidPromise());
        } else {
            closeWritten = true;
            encoder.write(out).addListener(f -> lingerAndClose());
        }
        server.metrics.request(x.route(), 200, System.nanoTime() - x.startNanos);
        finish(x);
    }

    private void finish(Exchange x) {
        outstanding--;
        server.inFlight.decrement();
        if (pausedByPipeline && outstanding <= server.maxPipelined / 2) {
            pausedByPipeline = false;
            updateAutoRead();
        }
    }

    /** Closes once every request already read has been answered. */
    private void closeAfterPending() {
        if (outstanding == 0) {
            closeNow();
        } else {
            closeWhenDrained = true;
        }
    }

    private boolean closeWhenDrained;

    private void closeNow() {
        closeWritten = true;
        ctx.flush();
        lingerAndClose();
    }

    /**
     * Closes gently: sends FIN (the client reads our last response, then end of stream) and keeps
     * reading and dropping what the client is still sending for a moment, before closing. Closing
     * at once with unread bytes in the socket makes the kernel send a reset, which can destroy the
     * response before the client reads it (a 413 while the client still uploads, say).
     */
    private void lingerAndClose() {
        state = State.CLOSING;
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        if (ch instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
            ch.config().setAutoRead(true);
            duplex.shutdownOutput().addListener(f -> ctx.executor().schedule(() -> {
                ch.close();
            }, LINGER_MS, TimeUnit.MILLISECONDS));
        } else {
            ch.close();
        }
    }

    /** Pauses or resumes reading for a streaming upload waiting on the engine. */
    public void pauseUpload(boolean pause) {
        if (pausedByUpload != pause) {
            pausedByUpload = pause;
            updateAutoRead();
        }
    }

    private void updateAutoRead() {
        if (state == State.CLOSING) {
            return;
        }
        boolean read = !pausedByPipeline && !pausedByUpload;
        ctx.channel().config().setAutoRead(read);
        if (read) {
            ctx.read();
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
