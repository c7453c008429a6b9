package dev.surge.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} when a connection has neither read nor
 * written for the timeout, as Netty's {@code IdleStateHandler(0, 0, timeout)} does, except that a
 * response counts when {@link HttpConnection} hands it over ({@link #onWrite}) rather than when
 * the socket has taken it: so a response needs no promise and listener of its own (the idle
 * handler's, and the encoder's combined promise that it forces). One timer per idle period, not
 * per request. Zero or less: never.
 *
 * <p>Threading: one instance per channel, confined to its event loop.
 */
final class IdleTimeout extends ChannelInboundHandlerAdapter {
    private final long timeoutNanos;
    private final Runnable check = this::onCheck;
    private ChannelHandlerContext ctx;
    private long lastActivity;
    private ScheduledFuture<?> pending;

    IdleTimeout(long timeoutMs) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = ctx.executor().ticker().nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    /** A response (or the head of a stream) was handed to the channel. */
    void onWrite() {
        lastActivity = ctx.executor().ticker().nanoTime();
    }

    private void start() {
        if (pending == null && timeoutNanos > 0) {
            lastActivity = ctx.executor().ticker().nanoTime();
            pending = ctx.executor().schedule(check, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void onCheck() {
        if (pending == null || !ctx.channel().isOpen()) {
            return;
        }
        long idle = ctx.executor().ticker().nanoTime() - lastActivity;
        if (idle >= timeoutNanos) {
            pending = ctx.executor().schedule(check, timeoutNanos, TimeUnit.NANOSECONDS);
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        } else {
            pending = ctx.executor().schedule(check, timeoutNanos - idle, TimeUnit.NANOSECONDS);
        }
    }
}
