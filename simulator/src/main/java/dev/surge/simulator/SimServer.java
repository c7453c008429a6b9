package dev.surge.simulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A simulator's HTTP listener: listens, goes down (stops listening and drops every connection, so
 * connections are refused), comes up again on the same port, closes. Each connection gets
 * aggregated HTTP requests and a fresh handler from {@code handlers}.
 *
 * <p>Threading: thread-safe; its own two event loop threads, named by {@code threadName}.
 */
final class SimServer implements AutoCloseable {
    private static final int MAX_BODY = 64 * 1024;

    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final Supplier<ChannelHandler> handlers;
    private volatile String host;
    private volatile int port;
    private Channel listener;

    SimServer(String threadName, Supplier<ChannelHandler> handlers) {
        this.group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory(threadName, true),
            NioIoHandler.newFactory());
        this.channels = new DefaultChannelGroup(threadName, GlobalEventExecutor.INSTANCE);
        this.handlers = handlers;
    }

    /** The event loops, for work that should run on the simulator's own threads. */
    EventLoopGroup group() {
        return group;
    }

    /** Binds and listens; port 0 picks a free one. Returns the bound address. */
    synchronized InetSocketAddress start(String bindHost, int bindPort) {
        this.host = bindHost;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), handlers.get());
                }
            });
        listener = b.bind(bindHost, bindPort).syncUninterruptibly().channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        return (InetSocketAddress) listener.localAddress();
    }

    /** {@code http://host:port/path}. */
    String url(String path) {
        return "http://" + host + ":" + port + "/" + path;
    }

    int port() {
        return port;
    }

    /** Stops listening and drops every connection. */
    synchronized void down() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Listens again, on the same port. */
    synchronized void up() {
        if (listener == null) {
            start(host, port);
        }
    }

    @Override
    public void close() {
        down();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
