package dev.surge.gateway.dashboard;

import dev.surge.gateway.auth.DashboardSessions;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open event streams of dashboard pages, each with the session that opened it, and the
 * fan-out of one rendered frame to all of them. The same bytes go to every viewer (each write
 * wraps them: nothing is copied or rendered per viewer); a viewer whose connection cannot take
 * more now (a slow network) skips the frame rather than queueing it, so memory stays bounded
 * whatever the viewers do. A stream ends with its session (expiry or log-out). At most
 * {@code max} viewers at once.
 *
 * <p>Threading: thread-safe; writes are handed to each channel's event loop by Netty.
 */
final class Viewers {
    private final int max;
    private final Map<Channel, DashboardSessions.Session> streams = new ConcurrentHashMap<>();

    Viewers(int max) {
        this.max = max;
    }

    /** Adds a viewer until its channel closes; false when there are already {@code max}. */
    synchronized boolean add(Channel ch, DashboardSessions.Session session) {
        if (streams.size() >= max) {
            return false;
        }
        streams.put(ch, session);
        ch.closeFuture().addListener(f -> streams.remove(ch));
        return true;
    }

    /** Sends one event to one viewer. */
    static void send(Channel ch, byte[] event) {
        if (ch.isActive()) {
            ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event)), ch.voidPromise());
        }
    }

    /** Sends one event to every viewer that can take it now; closes the streams of expired sessions. */
    void broadcast(byte[] event, long now) {
        for (Map.Entry<Channel, DashboardSessions.Session> e : streams.entrySet()) {
            Channel ch = e.getKey();
            if (e.getValue().expiresAt() <= now) {
                ch.close();
            } else if (ch.isWritable()) {
                send(ch, event);
            } // else: its connection is backed up, it skips this frame
        }
    }

    /** Ends every stream of a session (it logged out). */
    void close(DashboardSessions.Session session) {
        streams.forEach((ch, s) -> {
            if (s.equals(session)) {
                ch.close();
            }
        });
    }

    int size() {
        return streams.size();
    }
}
