package dev.surge.gateway.http;

import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.error.ErrorCode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * One request, from its headers to its response, and its place in its connection's response
 * order. Everything here runs on the connection's event loop except {@link #completeFromAnyThread},
 * which the ring's journal thread calls (and {@link #respondFrom}'s background thread): it hands the
 * finished response over to that loop.
 */
public final class Exchange implements Runnable {
    final HttpConnection connection;
    final int sequence;
    final long startNanos;
    /** Read on the event loop until the request is handed to its route (a fast head is then reused). */
    final RequestHead head;
    final HttpMethod method;
    final boolean http10;
    final boolean keepAlive;
    Router.Match match;
    /** The client's address (after trusted X-Forwarded-For), raw 4 or 16 bytes. */
    byte[] clientIp;
    /** The authenticated user (JWT sub), or null. */
    String user;
    /** When the user's token was issued (JWT iat, epoch ms), or RiskSubject.NO_ISSUED_AT. */
    long tokenIssuedAt = dev.surge.engine.risk.RiskSubject.NO_ISSUED_AT;
    /** The authenticated redeemer (merchant), or null. */
    String redeemer;
    /** The SHA-256 of the redeemer key presented (the engine checks its scope), or null. */
    byte[] redeemerKeyHash;
    /** The dashboard session that authenticated this request, or null. */
    DashboardSessions.Session session;

    private FullHttpResponse handedOver;
    /** A response waiting for those ahead of it in the connection's order. */
    FullHttpResponse ready;
    boolean completed;
    boolean closeAfter;

    Exchange(HttpConnection connection, int sequence, RequestHead head, long startNanos, boolean keepAlive) {
        this.connection = connection;
        this.sequence = sequence;
        this.head = head;
        this.method = head.method();
        this.http10 = head.http10();
        this.startNanos = startNanos;
        this.keepAlive = keepAlive;
    }

    public Route route() {
        return match == null ? null : match.route();
    }

    public String param1() {
        return match.param1();
    }

    public String param2() {
        return match.param2();
    }

    /**
     * The named header's first value, or null: read it before the request's handler returns (a
     * fast head's values are views over bytes the connection reuses), or copy it.
     */
    public CharSequence header(CharSequence name) {
        return head.get(name);
    }

    /** {@link #header} as a String, or null. */
    public String headerString(CharSequence name) {
        return head.getString(name);
    }

    public HttpMethod method() {
        return method;
    }

    /** Read on the event loop before the request's handler returns, like {@link #header}. */
    public String uri() {
        return head.uri();
    }

    public byte[] clientIp() {
        return clientIp;
    }

    public String user() {
        return user;
    }

    public String redeemer() {
        return redeemer;
    }

    public DashboardSessions.Session session() {
        return session;
    }

    public ByteBufAllocator alloc() {
        return connection.alloc();
    }

    public EventLoop eventLoop() {
        return connection.eventLoop();
    }

    public HttpConnection connection() {
        return connection;
    }

    /** Answers now; on the event loop. */
    public void respond(FullHttpResponse response) {
        connection.complete(this, response);
    }

    /** Answers and closes the connection after this response. On the event loop. */
    public void respondAndClose(FullHttpResponse response) {
        closeAfter = true;
        connection.complete(this, response);
    }

    /**
     * Answers with an endless response (server-sent events): writes {@code head} now and returns
     * the channel that the caller writes the stream's chunks to, from any thread. Null when this
     * exchange is not next in its connection's order (a pipelined stream), having answered nothing.
     * On the event loop.
     */
    public Channel openStream(HttpResponse head) {
        return connection.openStream(this, head);
    }

    /** Gives up without an answer: the connection is gone. On the event loop. */
    public void abandon() {
        connection.abandon(this);
    }

    /**
     * Answers with what {@code render} makes on {@code background}, handed back to this event loop:
     * for answers too slow to render where claims wait behind them (docs/architecture.md,
     * "Threads"). 503 UNAVAILABLE when the executor is stopping, 500 INTERNAL when rendering fails.
     * On the event loop.
     */
    public void respondFrom(Executor background, Supplier<FullHttpResponse> render) {
        try {
            background.execute(() -> {
                FullHttpResponse r;
                try {
                    r = render.get();
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(Exchange.class).error("rendering {} failed", route(), e);
                    r = Responses.error(alloc(), ErrorCode.INTERNAL, "internal error rendering the answer");
                }
                completeFromAnyThread(r);
            });
        } catch (RejectedExecutionException e) {
            respond(Responses.error(alloc(), ErrorCode.UNAVAILABLE, "shutting down"));
        }
    }

    /** Answers from another thread (the ring's journal thread): the response moves to the event loop. */
    public void completeFromAnyThread(FullHttpResponse response) {
        handedOver = response;
        try {
            connection.eventLoop().execute(this);
        } catch (RejectedExecutionException e) {
            response.release(); // shutting down: the connection is gone
        }
    }

    @Override
    public void run() {
        FullHttpResponse r = handedOver;
        handedOver = null;
        connection.complete(this, r);
    }
}
