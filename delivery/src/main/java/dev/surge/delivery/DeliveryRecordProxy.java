package dev.surge.delivery;

import com.lmax.disruptor.EventTranslatorTwoArg;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.ring.EngineRing;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.EpochClock;

/**
 * Puts a dispatcher's commands (a delivery's or a refund's {@link DispatchCall}) into the engine
 * ring in the order they were made, never dropping one: when the ring is full the rest wait here
 * and are retried shortly (an outcome lost would make a request repeat after a restart; the
 * supplier's dedup makes that safe, but the journal should say what happened). Confined to its
 * dispatcher's thread, which is also where the ring's translator runs, so one
 * {@link CommandWriter} serves; each dispatcher has its own.
 */
final class DeliveryRecordProxy {
    private static final EventTranslatorTwoArg<CommandSlot, DispatchCall, DeliveryRecordProxy> TRANSLATOR =
        (slot, sequence, call, proxy) -> {
            call.write(proxy.writer, slot, proxy.clock.time());
            slot.context = call;
            slot.publishedNanos = System.nanoTime();
        };
    private static final long RETRY_MIN_MS = 1;
    private static final long RETRY_MAX_MS = 50;

    private final EngineRing ring;
    private final EpochClock clock;
    private final EventExecutor executor;
    private final CommandWriter writer = new CommandWriter();
    private final ArrayDeque<DispatchCall> waiting = new ArrayDeque<>();
    private boolean retryScheduled;
    private long retryMs = RETRY_MIN_MS;
    private long ringFull;

    DeliveryRecordProxy(EngineRing ring, EpochClock clock, EventExecutor executor) {
        this.ring = ring;
        this.clock = clock;
        this.executor = executor;
    }

    void publish(DispatchCall call) {
        waiting.add(call);
        if (!retryScheduled) {
            flush();
        }
    }

    private void flush() {
        DispatchCall call;
        while ((call = waiting.peek()) != null) {
            if (!ring.tryPublish(TRANSLATOR, call, this)) {
                ringFull++;
                retryScheduled = true;
                executor.schedule(this::retry, retryMs, TimeUnit.MILLISECONDS);
                retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
                return;
            }
            waiting.poll();
        }
        retryMs = RETRY_MIN_MS;
    }

    private void retry() {
        retryScheduled = false;
        flush();
    }

    /** Commands waiting for room in the ring. */
    int waiting() {
        return waiting.size();
    }

    /** Times the ring was found full. */
    long ringFull() {
        return ringFull;
    }
}
