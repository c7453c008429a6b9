package dev.surge.delivery;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Puts a dispatcher's commands (a delivery's or a refund's step, a page query) into the engine
 * through its {@link DispatchOutlet} in the order they were made, never dropping one: when the
 * outlet has no room the rest wait here and are retried shortly (an outcome lost would make a
 * request repeat after a restart; the supplier's dedup makes that safe, but the journal should
 * say what happened). Confined to its dispatcher's thread; each dispatcher has its own.
 */
final class DeliveryRecordProxy {
    private static final long RETRY_MIN_MS = 1;
    private static final long RETRY_MAX_MS = 50;

    private final DispatchOutlet outlet;
    private final EventExecutor executor;
    private final ArrayDeque<DispatchOutlet.Command> waiting = new ArrayDeque<>();
    private boolean retryScheduled;
    private long retryMs = RETRY_MIN_MS;
    private long outletFull;

    DeliveryRecordProxy(DispatchOutlet outlet, EventExecutor executor) {
        this.outlet = outlet;
        this.executor = executor;
    }

    void publish(DispatchOutlet.Command call) {
        waiting.add(call);
        if (!retryScheduled) {
            flush();
        }
    }

    private void flush() {
        DispatchOutlet.Command call;
        while ((call = waiting.peek()) != null) {
            if (!outlet.tryPublish(call)) {
                outletFull++;
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

    /** Commands waiting for room in the outlet. */
    int waiting() {
        return waiting.size();
    }

    /** Times the outlet had no room. */
    long outletFull() {
        return outletFull;
    }
}
