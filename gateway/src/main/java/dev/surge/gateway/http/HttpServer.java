package dev.surge.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty server: native epoll when available, NIO otherwise; one acceptor thread and
 * {@code ioThreads} event loops. A new connection is first counted against the connection caps
 * ({@link ConnectionLimiter}) and reset at once when over one. Each connection's pipeline is:
 * first-byte timer (removed by the first bytes) → request deadline (raw bytes) → HTTP/1.1 request
 * decoder (header size limit; a fast path for whole claims and redemptions, {@link RequestDecoder})
 * → response encoder → idle timer ({@link IdleTimeout}) → {@link HttpConnection}.
 *
 * <p>Threading: start and stop from one controlling thread.
 */
public final class HttpServer implements AutoCloseable {
    private static final int MAX_INITIAL_LINE = 8192;

    private final ServerContext server;
    private final boolean epoll;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup("surge-http", GlobalEventExecutor.INSTANCE);
    private Channel listener;

    public HttpServer(ServerContext server, int ioThreads) {
        this.server = server;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("surge-io", true), io);
    }

    /** Binds and starts accepting; returns the bound address (the real port when 0 was asked). */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        HttpDecoderConfig codec = new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE)
            .setMaxHeaderSize(server.maxHeader)
            .setMaxChunkSize(16 * 1024);
        ServerBootstrap b = new ServerBootstrap()
            // no acceptor thread of its own: the listening socket lives on one of the event
            // loops, which accepts between its reads (one thread fewer to wake on two cores)
            .group(workers, workers)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (!admit(ch)) {
                        return;
                    }
                    channels.add(ch);
                    RequestDecoder decoder = new RequestDecoder(codec, server.maxHeader, server.maxBody);
                    HttpConnection connection = new HttpConnection(server, decoder);
                    if (server.firstByteTimeoutMs > 0) {
                        ch.pipeline().addLast("first-byte", new FirstByteTimeout(server.firstByteTimeoutMs, server.metrics));
                    }
                    ch.pipeline()
                        .addLast("deadline", connection.deadline)
                        .addLast("decoder", decoder)
                        .addLast("encoder", new HttpResponseEncoder())
                        .addLast("idle", connection.idle)
                        .addLast("connection", connection);
                }
            });
        listener = b.bind(host, port).sync().channel();
        channels.add(listener);
        workers.next().scheduleAtFixedRate(() -> server.limiter.sweep(System.nanoTime()), 10, 10, TimeUnit.SECONDS);
        return (InetSocketAddress) listener.localAddress();
    }

    /**
     * Counts a new connection against the caps, uncounting it when it closes; or, over a cap,
     * resets it at once. A refusal gets no HTTP answer: no request has been read yet, so a 503
     * would have to be written unasked and then lingered over (or a reset could destroy it before
     * the client reads it), which costs a slot for longer than the refusal saves, just when
     * connections flood in. SO_LINGER 0 sends a reset and leaves no TIME_WAIT state behind.
     */
    private boolean admit(SocketChannel ch) {
        byte[] peer = ch.remoteAddress() != null && ch.remoteAddress().getAddress() != null
            ? ch.remoteAddress().getAddress().getAddress() : new byte[4];
        ConnectionLimiter.Verdict verdict = server.connections.acquire(peer);
        if (verdict != ConnectionLimiter.Verdict.ACCEPTED) {
            server.metrics.connectionRefused(verdict);
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> server.connections.release(peer));
        return true;
    }

    public boolean epoll() {
        return epoll;
    }

    /** The event loops, shared with outbound clients (the supplier connections). */
    public EventLoopGroup workers() {
        return workers;
    }

    /** The socket channel type of outbound connections on {@link #workers()}. */
    public Class<? extends Channel> clientChannelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Stops accepting connections; open ones carry on. */
    public void stopAccepting() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    /** Closes every connection. */
    public void closeConnections() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    public int openConnections() {
        return channels.size() - (listener != null && listener.isOpen() ? 1 : 0);
    }

    @Override
    public void close() {
        stopAccepting();
        closeConnections();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
