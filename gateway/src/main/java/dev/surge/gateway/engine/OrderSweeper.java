package dev.surge.gateway.engine;

import dev.surge.engine.state.StateMachine;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires paid orders not paid by their {@code payBy} (docs/payments.md): a few times a second
 * it reads the engine's earliest deadline (a volatile) and, once the clock has passed it,
 * publishes one {@code EXPIRE_ORDERS} command. The engine decides what is due from that
 * command's time, so expiry is journaled and replayed like any decision, and survives a restart
 * (the deadlines are rebuilt from the recovered orders). An idle server with no order waiting
 * costs one timer wake-up per period and publishes nothing.
 *
 * <p>Threading: runs on one event loop; at most one sweep in flight.
 */
public final class OrderSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderSweeper.class);
    private final EngineProxy engine;
    private final LongSupplier deadline;
    private final LongSupplier clock;
    private final ScheduledFuture<?> task;
    private CompletableFuture<DirectCall.Answer> inFlight;

    public OrderSweeper(EngineProxy engine, StateMachine machine, LongSupplier clock, EventExecutor loop,
                        long periodMs) {
        this.engine = engine;
        this.deadline = machine::orderDeadline; // a volatile: safe from this thread
        this.clock = clock;
        this.task = loop.scheduleAtFixedRate(this::tick, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if ((inFlight != null && !inFlight.isDone()) || clock.getAsLong() < deadline.getAsLong() || engine.halted()) {
            return;
        }
        inFlight = DirectCall.trySend(engine, (p, slot) -> p.writer.expireOrders(slot, p.now()));
        if (inFlight != null) {
            inFlight.whenComplete((answer, failure) -> {
                if (failure != null) {
                    LOG.warn("order sweep failed", failure);
                } else if (answer.journaled()) {
                    LOG.debug("orders expired: {}", answer);
                }
            });
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
