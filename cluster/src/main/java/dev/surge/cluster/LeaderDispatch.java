package dev.surge.cluster;

import dev.surge.delivery.DeliveryAdapter;
import dev.surge.delivery.DeliveryAgent;
import dev.surge.delivery.DeliveryMetrics;
import dev.surge.delivery.DeliverySettings;
import dev.surge.delivery.DispatchOutlet;
import dev.surge.delivery.RefundAgent;
import dev.surge.delivery.RefundMetrics;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.state.StateMachine;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries to suppliers and refunds to payment providers, on the member that leads
 * (docs/cluster.md, "Deliveries on the leader"): the delivery module's {@link DeliveryAgent} and
 * {@link RefundAgent}, exactly as a single gateway runs them, fed the events this member decides
 * through a {@link DeliveryAdapter} (in the service a decided command is committed: what the ring's
 * journal stage hands over after its flush). Their records go back into the cluster through the
 * member's own {@link ClusterEngineClient} ({@link ClusterOutlet}). Followers run none of it and
 * never call a supplier.
 *
 * <p>Each leadership is a {@link Term}: on becoming leader the agents learn the suppliers and
 * routes of the state, then read back every recharge left PENDING and every refund owed (through
 * the log, so in order with everything else) and resume them, as a single gateway does at
 * restart; a supplier's Idempotency-Key and status query make an overlap with the last leader's
 * requests harmless. On losing leadership the term's agents stop (requests out are abandoned: the
 * next leader resumes them).
 *
 * <p>The member's own client is opened when it starts leading and closed once it no longer leads
 * and the records it had out are answered (or {@code answersWait} has passed): an idle client
 * costs about 2% of a core (docs/cluster.md), and most members lead now and then.
 *
 * <p>Threading: {@link #lead}, {@link #follow}, {@link #contextOf} and {@link #onDecided} on the
 * clustered service's thread, never blocking it; starting and stopping a term runs on
 * {@code surge-leader}, the agents on {@code surge-dispatch}, HTTP on {@code surge-supplier-io}.
 */
final class LeaderDispatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDispatch.class);
    /** One event loop: supplier requests are asynchronous, and a member's cores belong to the log. */
    private static final int IO_THREADS = 1;
    /** How often a retiring client is checked for answers still out. */
    private static final long RETIRE_POLL_MS = 100;

    private final DeliverySettings settings;
    private final ClusterEngineClient.Settings clientSettings;
    private final EventLoopGroup io;
    private final DefaultEventExecutor dispatcher;
    private final ScheduledThreadPoolExecutor control;
    private final long answersWaitNs;
    private final DeliveryMetrics deliveryMetrics = new DeliveryMetrics();
    private final RefundMetrics refundMetrics = new RefundMetrics();
    /** Opened when a term starts, on the member's own media driver; closed after it ({@link #retire}). */
    private volatile ClusterEngineClient client;
    private volatile long leaderships;
    /** The current leadership's agents; service thread only. */
    private Term term;
    /** The term whose agents run; {@code surge-leader} only. */
    private Term running;

    /**
     * {@code clientSettings}: how the member's own client reaches the cluster (its ingress
     * endpoints, this member's host for answers, the member's media driver directory);
     * {@code answersWait}: how long, after it stops leading, the client waits for the answers to
     * the records it had out before it closes anyway.
     */
    LeaderDispatch(DeliverySettings settings, ClusterEngineClient.Settings clientSettings, Duration answersWait) {
        this.settings = settings.validated();
        this.clientSettings = clientSettings;
        this.answersWaitNs = answersWait.toNanos();
        this.io = new MultiThreadIoEventLoopGroup(IO_THREADS, new DefaultThreadFactory("surge-supplier-io", true),
            NioIoHandler.newFactory());
        this.dispatcher = new DefaultEventExecutor(new DefaultThreadFactory("surge-dispatch", true));
        this.control = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("surge-leader", true));
        control.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a pending retire: close() closes
    }

    /** This member leads from now on: a new term's agents, on the state as it is now (service thread). */
    void lead(StateMachine machine) {
        if (term != null) {
            return;
        }
        Term t = new Term();
        t.deliveries.load(machine.suppliers(), machine.supplierRoutes()); // only enqueues
        t.refunds.load(machine.suppliers());
        term = t;
        leaderships++;
        onControl(() -> {
            try {
                t.start(client());
                running = t;
            } catch (RuntimeException e) {
                LOG.error("deliveries and refunds could not start on this member; they resume on the next leader", e);
            }
        });
    }

    /**
     * This member no longer leads: the term's agents stop, then the client retires (service
     * thread; both on {@code surge-leader}).
     */
    void follow() {
        Term t = term;
        term = null;
        if (t != null) {
            onControl(() -> {
                t.stop();
                running = null;
                ClusterEngineClient c = client;
                if (c != null) {
                    retire(c, System.nanoTime(), c.inFlight());
                }
            });
        }
    }

    /**
     * On {@code surge-leader}: closes the client of a member that no longer leads (since
     * {@code sinceNs}, with {@code outThen} records out) once the records it had out are answered, or
     * after {@code answersWait}; a member that leads again keeps it.
     *
     * <p>Closing it with records unanswered loses none: such a record is in the log (decided on
     * every member, answered or not) or it is not, and then its recharge is still PENDING, or its
     * refund owed, in the state, which the next leader reads back when its term starts and resumes,
     * asking first where a request may have landed (docs/cluster.md, "Deliveries and refunds on
     * the leader"; docs/delivery.md, "Bounded, and nothing lost").
     */
    private void retire(ClusterEngineClient c, long sinceNs, int outThen) {
        if (running != null || client != c) {
            return; // leading again, or closed already
        }
        int out = c.inFlight();
        long waitedNs = System.nanoTime() - sinceNs;
        if (out > 0 && waitedNs < answersWaitNs) {
            try {
                control.schedule(() -> retire(c, sinceNs, outThen), RETIRE_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing: close() closes the client
            }
            return;
        }
        client = null;
        c.close(); // answers UNAVAILABLE what is still out
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(waitedNs);
        if (out == 0) {
            LOG.info("closed this member's own cluster client: no longer the leader, every record it sent answered "
                + "({} were out when it stopped leading, the last answered within {} ms)", outThen, waitedMs);
        } else {
            LOG.info("closed this member's own cluster client: no longer the leader, {} of its records unanswered "
                + "after {} ms; what they settle the next leader reads back from the state", out, waitedMs);
        }
    }

    private void onControl(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: the agents stop with the member
        }
    }

    /** The dispatcher's command behind a message of client {@code clientId}, taken out; null for anyone else's. */
    DispatchOutlet.Command contextOf(long clientId, long correlationId) {
        Term t = term;
        ClusterEngineClient c = client;
        if (t == null || c == null || c.clientId() != clientId) {
            return null;
        }
        return t.calls.remove(correlationId);
    }

    /** A command this member decided (committed): to the agents when it leads. */
    void onDecided(CommandSlot slot) {
        Term t = term;
        if (t != null) {
            t.adapter.onJournaled(slot);
        }
    }

    private ClusterEngineClient client() {
        ClusterEngineClient c = client;
        if (c == null) {
            c = ClusterEngineClient.onRunningDriver(clientSettings);
            client = c;
        }
        return c;
    }

    /** Supplier answers this member's dispatcher has had since it started (every leadership). */
    DeliveryMetrics deliveryMetrics() {
        return deliveryMetrics;
    }

    RefundMetrics refundMetrics() {
        return refundMetrics;
    }

    /** Times this member became leader since it started. */
    long leaderships() {
        return leaderships;
    }

    /** Stops the agents (if this member leads), then the client and the threads. */
    @Override
    public void close() {
        Term t = term;
        term = null;
        if (t != null) {
            onControl(t::stop);
        }
        control.shutdown();
        try {
            if (!control.awaitTermination(15, TimeUnit.SECONDS)) {
                LOG.warn("the dispatchers did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(client);
        client = null;
        LOG.info("dispatchers closed: {} leaderships, {} supplier requests, {} recharges delivered, {} refunds "
            + "settled since this member started", leaderships, deliveryMetrics.requests(), deliveryMetrics.delivered(),
            refundMetrics.refunded() + refundMetrics.failed());
        dispatcher.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One leadership's agents and the commands they have in flight. */
    private final class Term {
        final DeliveryAgent deliveries = new DeliveryAgent(settings, dispatcher, io, NioSocketChannel.class,
            SystemEpochClock.INSTANCE, deliveryMetrics);
        final RefundAgent refunds = new RefundAgent(settings, dispatcher, io, NioSocketChannel.class,
            SystemEpochClock.INSTANCE, refundMetrics);
        final DeliveryAdapter adapter = new DeliveryAdapter(deliveries, refunds);
        final ConcurrentHashMap<Long, DispatchOutlet.Command> calls = new ConcurrentHashMap<>();

        /** On {@code surge-leader}: the agents read back what is owed and go. */
        void start(ClusterEngineClient c) {
            ClusterOutlet outlet = new ClusterOutlet(c, calls);
            deliveries.start(outlet);
            refunds.start(outlet);
            LOG.info("deliveries and refunds started on this member, the leader");
        }

        /** On {@code surge-leader}: requests out are abandoned; the next leader resumes them. */
        void stop() {
            deliveries.close();
            refunds.close();
            calls.clear();
            LOG.info("deliveries and refunds stopped on this member (no longer the leader)");
        }
    }
}
