package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.PendingDelivery;
import dev.surge.engine.state.PendingPage;
import dev.surge.engine.state.SupplierConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher (docs/delivery.md): takes every granted recharge item from the ring's delivery stage and
 * drives it to a final outcome at its SKU's suppliers, in order, journaling every step through
 * the ring. It runs on one thread ({@code surge-dispatch}, shared with the {@link RefundAgent}); HTTP runs on the gateway's event loops.
 *
 * <p><b>Exactly once in effect.</b> A supplier dedups by {@code Idempotency-Key} (the delivery id),
 * so sending the same delivery to the same supplier again is always safe; the one thing that can
 * recharge an account twice is the same delivery reaching two suppliers. So: a timeout or a
 * dropped connection after sending leaves the item <em>in doubt</em> at its supplier, and the
 * next request is a status query ({@code GET {url}/{deliveryId}}), repeated with backoff until the
 * supplier answers; the item leaves a supplier only when that supplier has said no (4xx, FAILED,
 * 404 never seen) or kept failing with 5xx or refused connections, or its host resolved to a
 * link-local or metadata address ({@link GuardedResolver}: nothing sent), which mean it did not act. A
 * move to the next supplier (FAILOVER) is journaled <em>before</em> the first request to it, so a
 * restart resumes at that supplier and never goes back. The engine refuses any step that breaks
 * these rules, and {@code journal verify} checks them again from the events.
 *
 * <p><b>Order.</b> Everything the agent learns from the ring (grants, configuration, re-drives,
 * the answers to its own records and queries) arrives through one FIFO fed by the delivery stage
 * in ring order. So a page of pending items read back from the engine never races a grant or a
 * final record around it: a grant before the page is already a job; an item settled after it is
 * not on it.
 *
 * <p><b>Bounded.</b> The FIFO holds at most {@code queue} granted items and the agent at most
 * {@code queue} jobs. What does not fit is dropped <em>here</em> but not lost: it is PENDING in the
 * engine, and once the agent has room again it reads the engine's pending items back, page by
 * page ({@link HeldJobs}), and takes every one it does not hold. The same read-back resumes
 * everything after a restart (in doubt first asks) and picks up an operator's re-drive.
 *
 * <p>Threading: {@link #granted}, {@link #answered} and the other intake methods run on the
 * ring's journal thread (called by {@link DeliveryAdapter}); everything else on the agent's own
 * thread.
 */
public final class DeliveryAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAgent.class);

    private final DeliverySettings settings;
    private final EventLoopGroup ioGroup;
    private final Class<? extends Channel> channelType;
    private final EpochClock clock;
    private final DeliveryMetrics metrics;
    /** The dispatcher's thread ({@code surge-dispatch}), shared by the supplier and refund agents; the gateway owns it. */
    private final EventExecutor executor;
    /** Hand-off from the ring's delivery stage, in ring order; also this thread's timers. */
    private final DispatchQueue intake;
    private volatile boolean stopped;
    private final BooleanSupplier isStopped = () -> stopped;

    // confined to the agent thread
    private final HeldJobs<DeliveryJob> jobs;
    private final Map<String, List<String>> routes = new HashMap<>();
    /**
     * One lane per supplier; a job waits parked under its supplier or {@code "route " + route}.
     * While a circuit is open, what can fail over does ({@link #leaveOpenCircuit}).
     */
    private final LanePump<DeliveryJob> lanes;
    private final Backoff backoff;
    private DeliveryRecordProxy records;

    /** {@code dispatcher}: the thread it runs on, shared with the {@link RefundAgent} (its owner shuts it down). */
    public DeliveryAgent(DeliverySettings settings, EventExecutor dispatcher, EventLoopGroup ioGroup,
                         Class<? extends Channel> channelType, EpochClock clock, DeliveryMetrics metrics) {
        this.executor = dispatcher;
        this.settings = settings;
        this.ioGroup = ioGroup;
        this.channelType = channelType;
        this.clock = clock;
        this.metrics = metrics;
        this.backoff = Backoff.of(settings);
        this.intake = new DispatchQueue(executor, settings.queue(), this::drain);
        this.jobs = new HeldJobs<>(settings.queue(), intake, isStopped,
            (cursor, pageSize) -> records.publish(new DeliveryCall.Page(cursor, pageSize)), this::advance);
        this.lanes = new LanePump<>(settings, intake, isStopped, this::onAnswer, this::leaveOpenCircuit, metrics::lane);
    }

    /**
     * The suppliers and routes of the recovered state, before the ring starts (the caller still
     * owns the state machine then). Later changes arrive as events.
     */
    public void load(List<SupplierConfig> suppliers, Map<String, List<String>> recovered) {
        run(() -> {
            routes.putAll(recovered);
            suppliers.forEach(this::configure);
        });
    }

    /** The ring is running: read back every pending item the journal holds and deliver it. */
    public void start(EngineRing ring) {
        start(DispatchOutlet.of(ring, clock));
    }

    /**
     * The engine behind {@code outlet} takes commands now: read back every pending item it holds
     * and deliver it (a gateway's ring, or a cluster member that has become the leader).
     */
    public void start(DispatchOutlet outlet) {
        run(() -> {
            records = new DeliveryRecordProxy(outlet, executor);
            jobs.want();
            drain(); // what the ring handed over before this ran waited in the FIFO
        });
    }

    // ---- intake: the ring's journal thread --------------------------------------------------

    void granted(DeliveryJob job) {
        if (!intake.offerJob(() -> onGranted(job))) {
            metrics.handoffDropped(); // PENDING in the engine: a read-back finds it when there is room
        }
    }

    void routeConfigured(String route, List<String> suppliers) {
        enqueue(() -> {
            routes.put(route, suppliers);
            unpark("route " + route);
        });
    }

    void supplierConfigured(SupplierConfig config) {
        enqueue(() -> configure(config));
    }

    void redriven() {
        enqueue(() -> {
            jobs.want();
            jobs.poll();
        });
    }

    /** A grant was revoked: its items not sent yet are not sent any more (docs/lifecycle.md). */
    void revoked(long grantHi, int grantLo) {
        enqueue(() -> onRevoked(grantHi, grantLo));
    }

    void answered(DeliveryCall call, ResultCode result, boolean journaled, String message, Object answer) {
        enqueue(() -> call.answered(this, result, journaled, message, answer));
    }

    private void enqueue(Runnable r) {
        intake.enqueue(r);
    }

    private void run(Runnable r) {
        intake.run(r); // stopping: what was not done is PENDING in the journal and resumes after a restart
    }

    private void drain() {
        if (records == null) {
            return; // not started: the FIFO keeps everything, in order, for start()
        }
        jobs.drain();
        gauges();
    }

    // ---- jobs: the agent thread --------------------------------------------------------------

    private void onGranted(DeliveryJob job) {
        if (!jobs.take(job)) {
            metrics.handoffDropped(); // PENDING in the engine; read back once there is room
        }
    }

    /**
     * A revoked grant's jobs: one waiting for its first request or between requests, at a supplier
     * that cannot hold it, is cancelled now; one with a request out, or in doubt, goes on to its
     * end as always (the supplier may act on it: exactly once outranks the revocation) and is
     * cancelled at its next send if the supplier turns out not to hold it.
     */
    private void onRevoked(long grantHi, int grantLo) {
        for (int i = 0; i < dev.surge.engine.event.EventView.MAX_ITEMS; i++) {
            DeliveryJob job = jobs.get(PendingDelivery.deliveryId(grantHi, grantLo, i));
            if (job == null) {
                continue;
            }
            job.revoked = true;
            List<String> suppliers = routes.get(job.route());
            if (!job.inDoubt && suppliers != null && job.supplierIndex < suppliers.size()
                && (job.phase == DeliveryJob.Phase.QUEUED || job.phase == DeliveryJob.Phase.BACKOFF
                || job.phase == DeliveryJob.Phase.PARKED)) {
                cancel(job, suppliers);
            }
        }
    }

    /** Records a revoked grant's item as CANCELLED (FAILED for good) instead of sending it. */
    private void cancel(DeliveryJob job, List<String> suppliers) {
        jobs.drop(job); // out of its lane's queue, its timer and its parking place
        LOG.info("delivery {} not sent: its grant was revoked", job.deliveryId);
        records.publish(new DeliveryCall.Record(job, suppliers.get(job.supplierIndex), DeliveryStatus.FAILED,
            DeliveryOutcome.CANCELLED, "grant revoked", false));
    }

    /** Sends the job's next request, or puts it where it waits for one. */
    private void advance(DeliveryJob job) {
        if (job.dropped || stopped) {
            return;
        }
        List<String> suppliers = routes.get(job.route());
        if (suppliers == null) {
            lanes.park("route " + job.route(), job);
            return;
        }
        if (job.supplierIndex >= suppliers.size()) {
            LOG.error("delivery {} is at supplier #{} but {} lists only {}; left PENDING", job.deliveryId,
                job.supplierIndex, job.route(), suppliers);
            jobs.drop(job);
            return;
        }
        if (job.revoked && !job.inDoubt) {
            cancel(job, suppliers);
            return;
        }
        SupplierLane<DeliveryJob> lane = lanes.lane(suppliers.get(job.supplierIndex));
        if (lane == null) {
            lanes.park(suppliers.get(job.supplierIndex), job); // not configured yet: waits for PUT /admin/suppliers
            return;
        }
        lanes.enqueue(lane, job);
    }

    /**
     * While a supplier's circuit is open, jobs that can move on (not in doubt there, another
     * supplier after it) fail over at once rather than wait; the rest wait for the probe.
     */
    private void leaveOpenCircuit(SupplierLane<DeliveryJob> lane) {
        List<DeliveryJob> movable = new ArrayList<>();
        for (DeliveryJob job : lane.waiting) {
            List<String> suppliers = routes.get(job.route());
            if (!job.dropped && !job.inDoubt && suppliers != null && job.supplierIndex + 1 < suppliers.size()) {
                movable.add(job);
            }
        }
        lane.waiting.removeAll(movable);
        for (DeliveryJob job : movable) {
            moveOn(job, lane.name + ": circuit open");
        }
    }

    /** A supplier's answer that still counts (the job was not dropped): the attempt is journaled as one more. */
    private void onAnswer(SupplierLane<DeliveryJob> lane, DeliveryJob job, SupplierReply reply, boolean query,
                          boolean probe) {
        job.attempts++;
        if (query) {
            onQueried(lane, job, reply, probe);
        } else {
            onSent(lane, job, reply, probe);
        }
    }

    private void onSent(SupplierLane<DeliveryJob> lane, DeliveryJob job, SupplierReply reply, boolean probe) {
        DeliveryOutcome outcome = DeliveryJob.ofSend(reply);
        metrics.request(lane.name, outcome);
        long now = System.nanoTime();
        switch (outcome) {
            case ACCEPTED, DUPLICATE -> {
                lane.breaker.onSuccess(probe);
                finish(job, lane.name, DeliveryStatus.DELIVERED, outcome, reply.detail());
            }
            case REJECTED -> {
                lane.breaker.onSuccess(probe); // it answered: the supplier is up, it refuses this one
                record(job, lane.name, outcome, reply.rejection());
                moveOn(job, lane.name + " " + reply.rejection());
            }
            case SERVER_ERROR, REFUSED -> {
                lane.breaker.onFailure(probe, now);
                record(job, lane.name, outcome, reply.detail());
                job.triesHere++;
                if (reply.kind() == SupplierReply.Kind.BLOCKED) {
                    // its host resolves to a metadata address: no retry can help, and nothing was sent
                    moveOn(job, lane.name + ": " + reply.detail());
                } else if (job.triesHere < settings.attemptsPerSupplier()) {
                    later(job, backoff.delayMs(job.triesHere));
                } else {
                    moveOn(job, lane.name + ": " + reply.detail() + " after " + job.triesHere + " tries");
                }
            }
            default -> {
                // sent, no answer: the supplier may have recharged; ask before anything else
                lane.breaker.onFailure(probe, now);
                record(job, lane.name, DeliveryOutcome.UNKNOWN, reply.detail());
                job.triesHere++;
                job.inDoubt = true;
                job.queriesHere = 0;
                later(job, backoff.delayMs(1));
            }
        }
    }

    private void onQueried(SupplierLane<DeliveryJob> lane, DeliveryJob job, SupplierReply reply, boolean probe) {
        DeliveryOutcome outcome = DeliveryJob.ofQuery(reply);
        metrics.request(lane.name, outcome);
        String detail = reply.queryDetail(outcome != DeliveryOutcome.UNANSWERED);
        switch (outcome) {
            case CONFIRMED -> {
                lane.breaker.onSuccess(probe);
                job.inDoubt = false;
                finish(job, lane.name, DeliveryStatus.DELIVERED, outcome, detail);
            }
            case QUERY_FAILED -> {
                lane.breaker.onSuccess(probe);
                job.inDoubt = false;
                record(job, lane.name, outcome, detail);
                moveOn(job, lane.name + " failed it");
            }
            case NOT_SEEN -> {
                lane.breaker.onSuccess(probe);
                job.inDoubt = false;
                record(job, lane.name, outcome, detail);
                if (job.triesHere < settings.attemptsPerSupplier()) {
                    advance(job); // never arrived: send it again
                } else {
                    moveOn(job, lane.name + ": no answer after " + job.triesHere + " tries, and it never saw it");
                }
            }
            case IN_PROGRESS -> {
                lane.breaker.onSuccess(probe);
                record(job, lane.name, outcome, detail);
                later(job, backoff.delayMs(++job.queriesHere));
            }
            default -> {
                // still in doubt: keep asking (never leave a supplier that may have it)
                lane.breaker.onFailure(probe, System.nanoTime());
                record(job, lane.name, outcome, detail);
                later(job, backoff.delayMs(++job.queriesHere));
            }
        }
    }

    private void later(DeliveryJob job, long delayMs) {
        job.phase = DeliveryJob.Phase.BACKOFF;
        schedule(() -> advance(job), TimeUnit.MILLISECONDS.toNanos(delayMs));
    }

    private void schedule(Runnable r, long delayNanos) {
        intake.schedule(r, delayNanos);
    }

    /** The current supplier has said no (and cannot hold it): the next one, journaled first; or FAILED. */
    private void moveOn(DeliveryJob job, String why) {
        List<String> suppliers = routes.get(job.route());
        if (suppliers == null || job.supplierIndex >= suppliers.size()) {
            LOG.error("delivery {}: its SKU's suppliers changed under it ({}); left PENDING", job.deliveryId, suppliers);
            jobs.drop(job);
            return;
        }
        String here = suppliers.get(job.supplierIndex);
        if (job.supplierIndex + 1 < suppliers.size()) {
            metrics.failedOver(here);
            job.supplierIndex++;
            job.triesHere = 0;
            job.queriesHere = 0;
            job.phase = DeliveryJob.Phase.JOURNALING;
            records.publish(new DeliveryCall.Record(job, suppliers.get(job.supplierIndex), DeliveryStatus.PENDING,
                DeliveryOutcome.FAILOVER, why, true));
        } else {
            finish(job, here, DeliveryStatus.FAILED, DeliveryOutcome.EXHAUSTED, why);
        }
    }

    private void finish(DeliveryJob job, String supplier, DeliveryStatus status, DeliveryOutcome outcome,
                        String detail) {
        job.phase = DeliveryJob.Phase.JOURNALING;
        records.publish(new DeliveryCall.Record(job, supplier, status, outcome, detail, true));
    }

    private void record(DeliveryJob job, String supplier, DeliveryOutcome outcome, String detail) {
        records.publish(new DeliveryCall.Record(job, supplier, DeliveryStatus.PENDING, outcome, detail, false));
    }

    /** A record's answer, in ring order. */
    void onRecorded(DeliveryCall.Record r, ResultCode result, boolean journaled, String message) {
        DeliveryJob job = r.job;
        if (!journaled) {
            LOG.error("the engine's journal failed: deliveries stop until a restart, which resumes them");
            stopped = true;
            return;
        }
        if (result != ResultCode.OK) {
            // the engine's state is the truth: drop ours and read the item back from it
            metrics.refusedByEngine();
            LOG.warn("the engine refused {} at {} for {}: {} {}; reading it back", r.outcome, r.supplier,
                job.deliveryId, result, message);
            jobs.refused(job);
            return;
        }
        if (!r.awaited || job.dropped) {
            return;
        }
        if (r.status == DeliveryStatus.PENDING) {
            advance(job); // the failover is journaled: now the next supplier may be asked
            return;
        }
        metrics.finished(r.supplier, r.status == DeliveryStatus.DELIVERED);
        if (r.status == DeliveryStatus.FAILED) {
            LOG.warn("delivery {} FAILED at every supplier ({}); an operator can re-drive it", job.deliveryId,
                r.detail);
        }
        jobs.finished(job);
    }

    private void unpark(String key) {
        List<DeliveryJob> waiting = lanes.unpark(key);
        if (waiting != null) {
            waiting.forEach(this::advance);
        }
    }

    // ---- suppliers ----------------------------------------------------------------------------

    private void configure(SupplierConfig config) {
        SupplierLane<DeliveryJob> lane = lanes.configure(config,
            new SupplierProxy(config, ioGroup, channelType, settings.allowLinkLocal()));
        LOG.info("supplier {} configured: {}", config.id(), config); // the config's toString leaves the secret out
        unpark(config.id());
        lanes.pump(lane);
    }

    // ---- reading pending items back from the engine -------------------------------------------

    void onPage(PendingPage page) {
        metrics.resyncPage();
        if (page == null) {
            jobs.noPage();
            return;
        }
        jobs.takePage(page.items(), page.nextCursor(), PendingDelivery::deliveryId, DeliveryJob::resume);
    }

    private void gauges() {
        metrics.jobs(jobs.size(), records == null ? 0 : records.waiting());
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Stops sending. Requests still out are abandoned: their items stay PENDING in the journal
     * and resume after a restart (asking first where a request may have landed).
     */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        intake.stop(() -> {
            lanes.closeAll();
            jobs.clear();
        });
    }

    public DeliveryMetrics metrics() {
        return metrics;
    }
}
