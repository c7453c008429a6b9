package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleTimeoutTest {
    /** Counts the idle events that reach the end of the pipeline. */
    private static final class Events extends ChannelInboundHandlerAdapter {
        int idle;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == IdleStateEvent.ALL_IDLE_STATE_EVENT) {
                idle++;
            }
        }
    }

    @Test
    void firesOnlyAfterATimeoutWithoutReadsOrWrites() {
        IdleTimeout timeout = new IdleTimeout(1000);
        Events events = new Events();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(timeout, events);
        ch.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(0, events.idle, "not yet");
        ch.writeInbound("request");
        ch.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(0, events.idle, "a read restarts the period");
        timeout.onWrite();
        ch.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(0, events.idle, "a response restarts the period");
        ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(1, events.idle, "a full period of neither");
        ch.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(2, events.idle, "and again each period after");
        ch.close();
        ch.advanceTimeBy(5000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(2, events.idle, "none once closed");
    }
}
