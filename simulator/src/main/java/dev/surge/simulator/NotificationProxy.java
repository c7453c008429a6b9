package dev.surge.simulator;

import dev.surge.delivery.Signature;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * POSTs one payment notification (docs/payments.md: {@code X-Surge-Provider},
 * {@code X-Surge-Signature}, the JSON body) on a fresh connection that closes after the answer,
 * with Netty's HTTP client on the simulator's own event loop: a notification is a rare request,
 * so a pool would buy nothing, and the loop never blocks (java.net.http would add its own
 * selector thread per client, which outlives {@code close} on Java 17). Every post ends in
 * exactly one {@link Answer}, on {@code loop}.
 */
final class NotificationProxy {
    static final String PROVIDER_HEADER = "X-Surge-Provider";
    private static final int MAX_RESPONSE = 64 * 1024;

    /** An HTTP answer ({@code status} > 0), or none ({@code status} 0 and why in {@code error}). */
    record Answer(int status, String body, String error) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private NotificationProxy() {
    }

    /** Sends from {@code loop} and answers there; {@code timeoutMs} bounds the connect and the answer. */
    static void post(EventLoop loop, URI url, String provider, String signature, byte[] body, long timeoutMs,
                     Consumer<Answer> done) {
        Call call = new Call(done);
        int port = url.getPort() > 0 ? url.getPort() : 80;
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE), call);
                }
            });
        b.connect(url.getHost(), port).addListener(f -> {
            if (!f.isSuccess()) {
                call.finish(new Answer(0, "", f.cause() instanceof ConnectException ? "connection refused"
                    : String.valueOf(f.cause())), null);
                return;
            }
            Channel ch = ((ChannelFuture) f).channel();
            call.timer = loop.schedule(() -> call.finish(new Answer(0, "", "no answer within " + timeoutMs + " ms"), ch),
                timeoutMs, TimeUnit.MILLISECONDS);
            ch.writeAndFlush(request(url, port, provider, signature, body)).addListener(w -> {
                if (!w.isSuccess()) {
                    call.finish(new Answer(0, "", "could not send: " + w.cause()), ch);
                }
            });
        });
    }

    private static FullHttpRequest request(URI url, int port, String provider, String signature, byte[] body) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
            Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.HOST, url.getPort() > 0 ? url.getHost() + ":" + port : url.getHost())
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
            .set(HttpHeaderNames.USER_AGENT, "surge-payment-sim")
            .set(PROVIDER_HEADER, provider)
            .set(Signature.HEADER, signature);
        return r;
    }

    /** One post; ends once. Confined to its loop. */
    private static final class Call extends SimpleChannelInboundHandler<FullHttpResponse> {
        final Consumer<Answer> done;
        boolean finished;
        ScheduledFuture<?> timer;

        Call(Consumer<Answer> done) {
            this.done = done;
        }

        void finish(Answer a, Channel ch) {
            if (finished) {
                return;
            }
            finished = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (ch != null) {
                ch.close();
            }
            done.accept(a);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            finish(new Answer(r.status().code(), r.content().toString(StandardCharsets.UTF_8), null), ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            finish(new Answer(0, "", "connection closed before the answer"), ctx.channel());
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // channelInactive ends the post
        }
    }
}
