package dev.surge.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-request deadline (408 REQUEST_TIMEOUT), counted from a request's first byte. Sits in
 * front of the HTTP decoder, so it sees bytes before any request is recognised: the first bytes
 * after an idle moment arm it; the connection disarms it once the request's body is complete. A
 * slowloris that sends a byte a second never lets an idle timer fire, but does run into this.
 * One timer task at most per connection: a disarmed deadline just lets it lapse, a re-armed one
 * reschedules it.
 *
 * <p>Threading: confined to the channel's event loop.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private final HttpConnection connection;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private long deadline;
    private boolean armed;
    private ScheduledFuture<?> timer;

    RequestDeadline(HttpConnection connection, long timeoutMillis) {
        this.connection = connection;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!armed && connection.acceptingBytes()) {
            armed = true;
            deadline = System.nanoTime() + timeoutNanos;
            if (timer == null) {
                schedule(timeoutNanos);
            }
        }
        ctx.fireChannelRead(msg);
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
