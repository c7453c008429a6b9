package dev.surge.delivery;

import dev.surge.engine.state.SupplierConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Encodes deliveries to one supplier as HTTP/1.1 requests over pooled keep-alive connections on
 * the gateway's own event loops (no thread of its own): {@code POST {url}} with the JSON body,
 * {@code Idempotency-Key} and {@code X-Surge-Signature}, and {@code GET {url}/{deliveryId}} to ask
 * where a delivery stands (docs/delivery.md). A payment provider's refunds go the same way below
 * its URL: {@code POST {url}/refunds}, {@code GET {url}/refunds/{refundId}} (docs/refunds.md).
 * Every request ends in exactly one {@link SupplierReply}: an
 * answer; REFUSED when nothing can have reached the supplier (no connection, nothing written);
 * BLOCKED when its host resolved to a link-local or metadata address (nothing sent either);
 * LOST when it was sent and no answer came within the supplier's timeout, or the connection
 * dropped: then the supplier may have acted on it.
 *
 * <p>Threading: {@link #send} and {@link #query} from any thread; the callback runs on an event
 * loop and must hand its work elsewhere.
 */
final class SupplierProxy implements AutoCloseable {
    private static final AttributeKey<Call> CALL = AttributeKey.valueOf("surge.supplier.call");
    private static final int MAX_RESPONSE = 64 * 1024;
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final SupplierConfig config;
    private final String host;
    private final String hostHeader;
    private final String path;
    private final SimpleChannelPool pool;
    private final ChannelGroup channels = new DefaultChannelGroup("surge-supplier", GlobalEventExecutor.INSTANCE);

    /**
     * {@code allowLinkLocal} false: the host is resolved through {@link GuardedResolver}, which
     * refuses a link-local or cloud metadata answer ({@link SupplierReply#blocked}).
     */
    SupplierProxy(SupplierConfig config, EventLoopGroup group, Class<? extends Channel> channelType,
                  boolean allowLinkLocal) {
        this(config, "", group, channelType, allowLinkLocal);
    }

    /**
     * Requests go to {@code under} below the configured URL: "/refunds" for a payment provider's
     * refund API, "" for a supplier's own URL.
     */
    SupplierProxy(SupplierConfig config, String under, EventLoopGroup group, Class<? extends Channel> channelType,
                  boolean allowLinkLocal) {
        this.config = config;
        URI uri = URI.create(config.url());
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        this.hostHeader = uri.getPort() > 0 ? host + ":" + port : host;
        String p = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String base = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
        this.path = under.isEmpty() ? base : (base.equals("/") ? "" : base) + under;
        SslContext ssl = tls ? clientTls() : null;
        Bootstrap b = new Bootstrap().group(group).channel(channelType).remoteAddress(host, port)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.timeoutMs())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true);
        if (!allowLinkLocal) {
            b.resolver(GuardedResolver.GROUP);
        }
        this.pool = new SimpleChannelPool(b, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel ch) {
                channels.add(ch);
                if (ssl != null) {
                    SslHandler h = ssl.newHandler(ch.alloc(), host, port);
                    SSLEngine engine = h.engine();
                    SSLParameters params = engine.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(params);
                    ch.pipeline().addLast(h);
                }
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE), new Answers());
            }
        }, ChannelHealthChecker.ACTIVE, true, true);
    }

    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS is not available for supplier connections", e);
        }
    }

    SupplierConfig config() {
        return config;
    }

    /** POSTs a delivery. */
    void send(String deliveryId, byte[] body, String signature, Consumer<SupplierReply> done) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
            Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set(IDEMPOTENCY_KEY, deliveryId)
            .set(Signature.HEADER, signature);
        request(r, done);
    }

    /** Asks where a delivery stands: 200 with {"status": ...}, or 404 for never seen. */
    void query(String deliveryId, String signature, Consumer<SupplierReply> done) {
        String target = (path.equals("/") ? "" : path) + "/" + deliveryId;
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
            Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(Signature.HEADER, signature);
        request(r, done);
    }

    private void request(FullHttpRequest r, Consumer<SupplierReply> done) {
        r.headers().set(HttpHeaderNames.HOST, hostHeader).set(HttpHeaderNames.USER_AGENT, "surge-delivery");
        pool.acquire().addListener(f -> {
            if (!f.isSuccess()) {
                r.release();
                done.accept(f.cause() instanceof GuardedResolver.Forbidden
                    ? SupplierReply.blocked(f.cause().getMessage()) : SupplierReply.refused(describe(f.cause())));
                return;
            }
            Channel ch = (Channel) f.getNow();
            Call call = new Call(ch, done);
            ch.attr(CALL).set(call);
            call.timer = ch.eventLoop().schedule(() -> call.finish(SupplierReply.lost("no answer within "
                + config.timeoutMs() + " ms"), false), config.timeoutMs(), TimeUnit.MILLISECONDS);
            ch.writeAndFlush(r).addListener(w -> {
                if (!w.isSuccess()) {
                    // nothing complete reached the supplier, so it cannot have acted on it
                    call.finish(SupplierReply.refused("could not send: " + describe(w.cause())), false);
                }
            });
        });
    }

    private static String describe(Throwable t) {
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        String m = t == null ? null : t.getMessage();
        return t == null ? "failed" : t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** One request on one pooled connection; ends exactly once. Runs on the connection's event loop. */
    private final class Call {
        final Channel ch;
        final Consumer<SupplierReply> done;
        final AtomicBoolean finished = new AtomicBoolean();
        ScheduledFuture<?> timer;

        Call(Channel ch, Consumer<SupplierReply> done) {
            this.ch = ch;
            this.done = done;
        }

        void finish(SupplierReply reply, boolean reusable) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            ch.attr(CALL).set(null);
            if (!reusable) {
                ch.close(); // a connection with an answer still owed can never carry another request
            }
            pool.release(ch);
            done.accept(reply);
        }
    }

    /** Hands each answer to the request waiting for it. */
    private static final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            Call call = ctx.channel().attr(CALL).get();
            if (call == null) {
                ctx.close(); // an answer nobody asked for: the connection is out of step
                return;
            }
            call.finish(SupplierReply.response(r.status().code(), ByteBufUtil.getBytes(r.content())),
                HttpUtil.isKeepAlive(r));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Call call = ctx.channel().attr(CALL).get();
            if (call != null) {
                call.finish(SupplierReply.lost("connection closed before the answer"), false);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // channelInactive settles the request, if one is out
        }
    }

    @Override
    public void close() {
        pool.close();
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
