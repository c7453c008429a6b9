package dev.surge.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a new connection that sends nothing within the first-byte timeout, so that silent
 * connections cannot sit on connection slots for the whole idle timeout. First in the pipeline;
 * the first bytes cancel the timer and remove this handler, so later reads never pass through it.
 *
 * <p>Threading: one instance per channel, confined to its event loop.
 */
final class FirstByteTimeout extends ChannelInboundHandlerAdapter {
    private final long timeoutMillis;
    private final GatewayMetrics metrics;
    private ScheduledFuture<?> timer;

    FirstByteTimeout(long timeoutMillis, GatewayMetrics metrics) {
        this.timeoutMillis = timeoutMillis;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (timer != null && ctx.channel().isActive()) {
            timer = null;
            metrics.firstByteTimedOut();
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        cancel();
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
