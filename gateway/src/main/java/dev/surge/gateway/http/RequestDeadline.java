package dev.surge.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-request deadline (408 REQUEST_TIMEOUT), counted from a request's first byte. Sits in
 * front of the HTTP decoder, so it sees bytes before any request is recognised: the first bytes
 * after an idle moment arm it; the connection disarms it once the request's body is complete. A
 * read can end one request and begin the next (pipelining, or a client trickling the next one in
 * after a stray byte): when the decoder still holds part of a request after such a read, the
 * deadline is armed again from that read's arrival, where the next request's first byte came.
 * A slowloris that sends a byte a second never lets an idle timer fire, but does run into this.
 * One timer task at most per connection: a disarmed deadline just lets it lapse, a re-armed one
 * reschedules it.
 *
 * <p>Threading: confined to the channel's event loop.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private final HttpConnection connection;
    private final RequestDecoder decoder;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private long deadline;
    private boolean armed;
    private ScheduledFuture<?> timer;

    RequestDeadline(HttpConnection connection, RequestDecoder decoder, long timeoutMillis) {
        this.connection = connection;
        this.decoder = decoder;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long arrived = System.nanoTime();
        if (!armed && connection.acceptingBytes()) {
            arm(arrived);
        }
        ctx.fireChannelRead(msg);
        // a request ended in this read (disarming the deadline) and the next one began in it
        if (!armed && connection.acceptingBytes() && decoder.partial()) {
            arm(arrived);
        }
    }

    private void arm(long firstByteNanos) {
        armed = true;
        deadline = firstByteNanos + timeoutNanos;
        if (timer == null) {
            schedule(Math.max(0, deadline - System.nanoTime()));
        }
    }

    void disarm() {
        armed = false;
    }

    private void schedule(long delayNanos) {
        timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (!armed || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        armed = false;
        connection.onRequestTimeout();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        armed = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }
}
