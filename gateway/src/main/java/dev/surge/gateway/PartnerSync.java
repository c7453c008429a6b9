package dev.surge.gateway;

import dev.surge.engine.ResultCode;
import dev.surge.engine.state.Partners;
import dev.surge.gateway.auth.PaymentProviders;
import dev.surge.gateway.auth.RedeemerDirectory;
import dev.surge.gateway.engine.DirectCall;
import dev.surge.gateway.engine.Engine;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of a cluster, the gateway's copies of what it checks credentials against (redeemer keys,
 * payment providers' secrets: {@link Partners}) come from the cluster's state, where a gateway with a
 * ring reads them from its own state machine at start (docs/cluster.md). {@link #load} asks once and
 * waits for the answer, however long the cluster takes to elect a leader; {@link #start} then asks
 * again every period, so that keys and providers added through another gateway verify here within
 * about one period (this gateway's own admin writes update its copies at once, as without a cluster).
 * Keys and suppliers are never deleted, so each answer is added over the copies.
 *
 * <p>Threading: {@link #load} and {@link #close} on the controlling thread; refreshes on one event
 * loop; answers applied on the cluster client's thread (the copies are thread-safe).
 */
final class PartnerSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerSync.class);
    private static final long WAIT_LOG_MS = 5_000;

    private final Engine engine;
    private final RedeemerDirectory redeemers;
    private final PaymentProviders providers;
    private final String members;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile boolean closed;
    private ScheduledFuture<?> task;

    PartnerSync(Engine engine, RedeemerDirectory redeemers, PaymentProviders providers, String members) {
        this.engine = engine;
        this.redeemers = redeemers;
        this.providers = providers;
        this.members = members;
    }

    /**
     * Loads the partners once, waiting for the cluster's answer (logging while it waits); returns
     * them, or null when closed meanwhile. Throws IllegalStateException when the cluster refuses.
     */
    Partners load() throws InterruptedException {
        CompletableFuture<DirectCall.Answer> answer = DirectCall.send(engine, (p, slot) -> p.writer.queryPartners(slot,
            p.now()));
        long started = System.nanoTime();
        while (!closed) {
            try {
                DirectCall.Answer a = answer.get(WAIT_LOG_MS, TimeUnit.MILLISECONDS);
                if (closed) {
                    return null; // stopped while waiting: the client answered UNAVAILABLE as it closed
                }
                if (a.result() != ResultCode.FOUND || !(a.answer() instanceof Partners partners)) {
                    throw new IllegalStateException("the cluster answered " + a.result() + " to the partners query"
                        + (a.answer() == null ? "" : ": " + a.answer()));
                }
                apply(partners);
                return partners;
            } catch (TimeoutException e) {
                LOG.info("waiting for the cluster ({}) for {} s: no leader has answered yet", members,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            } catch (ExecutionException e) {
                throw new IllegalStateException("the partners query failed", e.getCause());
            }
        }
        return null;
    }

    /** Asks again every {@code periodMs} on {@code loop}, one query at a time. */
    void start(EventExecutor loop, long periodMs) {
        task = loop.scheduleAtFixedRate(this::refresh, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        if (closed || engine.halted() || !inFlight.compareAndSet(false, true)) {
            return; // the last one is still on its way (a failover, say): never two at once
        }
        CompletableFuture<DirectCall.Answer> answer = DirectCall.trySend(engine,
            (p, slot) -> p.writer.queryPartners(slot, p.now()));
        if (answer == null) {
            inFlight.set(false); // too many commands in flight now: next period
            return;
        }
        answer.whenComplete((a, failure) -> {
            inFlight.set(false);
            if (failure == null && a.result() == ResultCode.FOUND && a.answer() instanceof Partners partners) {
                apply(partners);
            } else if (!closed) {
                LOG.warn("refreshing the partners from the cluster failed: {}", failure != null ? failure
                    : a.result() + (a.answer() == null ? "" : " " + a.answer()));
            }
        });
    }

    private void apply(Partners partners) {
        redeemers.load(partners.redeemers());
        providers.load(partners.suppliers()); // payment providers are configured as suppliers
    }

    @Override
    public void close() {
        closed = true;
        if (task != null) {
            task.cancel(false);
        }
    }
}
