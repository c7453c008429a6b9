package dev.surge.gateway.http;

import dev.surge.gateway.config.Transport;
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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty server on the transport asked for ({@link Transport}: native epoll when available and
 * nothing else was asked, io_uring, or NIO) with {@code ioThreads} event loops. A new connection is first counted against the connection caps
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
    private final Transport transport;
    private final Sockets sockets;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup("surge-http", GlobalEventExecutor.INSTANCE);
    private Channel listener;

    public HttpServer(ServerContext server, int ioThreads, Transport asked) {
        this.server = server;
        this.transport = resolve(asked);
        this.sockets = Sockets.of(transport);
        this.workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("surge-io", true),
            sockets.io());
    }

    /**
     * AUTO is io_uring where the kernel allows it, else epoll where its native library loads, else
     * NIO; a native transport asked for must load. io_uring first: one system call per loop
     * iteration submits every read and write, where epoll costs one per socket operation plus the
     * waits, about a fifth of the event loop's CPU per claim (docs/benchmarks.md).
     */
    static Transport resolve(Transport asked) {
        return switch (asked) {
            case AUTO -> IoUring.isAvailable() ? Transport.IO_URING : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("--transport epoll: " + Epoll.unavailabilityCause());
                }
                yield Transport.EPOLL;
            }
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException("--transport io_uring: " + IoUring.unavailabilityCause());
                }
                yield Transport.IO_URING;
            }
            case NIO -> Transport.NIO;
        };
    }

    /** Binds and starts accepting; returns the bound address (the real port when 0 was asked). */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        Class<? extends ServerChannel> type = sockets.server();
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

    /** The transport in use (never AUTO). */
    public Transport transport() {
        return transport;
    }

    /** The event loops, shared with outbound clients (the supplier connections). */
    public EventLoopGroup workers() {
        return workers;
    }

    /** The socket channel type of outbound connections on {@link #workers()}. */
    public Class<? extends Channel> clientChannelType() {
        return sockets.client();
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

    /** What a transport (never AUTO) brings: the loops' I/O handler and its listening and connecting channels. */
    private record Sockets(IoHandlerFactory io, Class<? extends ServerChannel> server, Class<? extends Channel> client) {
        static Sockets of(Transport transport) {
            return switch (transport) {
                case EPOLL -> new Sockets(EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
                case IO_URING -> new Sockets(IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                    IoUringSocketChannel.class);
                case NIO -> new Sockets(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
                case AUTO -> throw new IllegalArgumentException("AUTO is resolved first");
            };
        }
    }
}
