package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.PendingRefund;
import dev.surge.engine.state.PendingRefundPage;
import dev.surge.engine.state.SupplierConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refund dispatcher (docs/refunds.md): takes every refund the engine owes (a payment that
 * could not be honoured) and drives it to REFUNDED or REFUND_FAILED at its payment provider,
 * journaling every step through the ring. It runs on the dispatcher's thread ({@code surge-dispatch}), beside the {@link DeliveryAgent}; HTTP runs
 * on the gateway's event loops through the delivery machinery ({@link SupplierProxy} below the
 * provider's URL, {@link Signature}, {@link Backoff}, {@link CircuitBreaker},
 * {@link DispatchQueue}, {@link ReadBack}, {@link DeliveryRecordProxy}).
 *
 * <p><b>Refunded at most once.</b> A provider dedups by {@code Idempotency-Key} (the refund id,
 * {@code <orderId>-<n>}), so sending the same refund again is always safe, and there is only ever
 * one provider for it: the one that took the payment. After a timeout or a dropped connection the
 * provider may have refunded, so the next request is a status query
 * ({@code GET {url}/refunds/{refundId}}), repeated with backoff until it answers; the refund is
 * sent again only when the provider says it never saw it (404), and given up (FAILED) only when
 * the provider refused it, failed it, or kept failing with 5xx or refused connections: never while
 * it may hold it. The engine refuses any step on a refund already final; then the dispatcher
 * drops its copy and reads the owed refunds back.
 *
 * <p><b>Order, bounds, restart.</b> As {@link DeliveryAgent}: everything it learns from the ring
 * arrives through one FIFO in ring order; it holds at most {@code queue} refunds, and what does
 * not fit is owed in the engine and read back ({@code QUERY_PENDING_REFUNDS}, page by page) when
 * there is room; the same read-back resumes every owed refund at start, asking first about one
 * whose last request may have landed.
 *
 * <p>Threading: {@link #owed}, {@link #answered} and the other intake methods run on the ring's
 * journal thread (called by {@link DeliveryAdapter}); everything else on the agent's own thread.
 */
public final class RefundAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RefundAgent.class);
    /** Below a provider's configured URL. */
    private static final String REFUNDS_PATH = "/refunds";

    private final DeliverySettings settings;
    private final EventLoopGroup ioGroup;
    private final Class<? extends Channel> channelType;
    private final EpochClock clock;
    private final RefundMetrics metrics;
    /** The dispatcher's thread ({@code surge-dispatch}), shared by the supplier and refund agents; the gateway owns it. */
    private final EventExecutor executor;
    /** Hand-off from the ring's delivery stage, in ring order; also this thread's timers. */
    private final DispatchQueue intake;
    private volatile boolean stopped;
    private final BooleanSupplier isStopped = () -> stopped;

    // confined to the agent thread
    private final HeldJobs<RefundJob> jobs;
    /** Every supplier configured; a lane (and its connection pool) only for those refunds go to. */
    private final Map<String, SupplierConfig> providers = new HashMap<>();
    /** One lane per provider refunds go to; while its circuit is open a refund waits for the probe (nowhere else to go). */
    private final LanePump<RefundJob> lanes;
    private final Backoff backoff;
    private DeliveryRecordProxy records;

    /** {@code dispatcher}: the thread it runs on, shared with the {@link DeliveryAgent} (its owner shuts it down). */
    public RefundAgent(DeliverySettings settings, EventExecutor dispatcher, EventLoopGroup ioGroup,
                       Class<? extends Channel> channelType, EpochClock clock, RefundMetrics metrics) {
        this.executor = dispatcher;
        this.settings = settings;
        this.ioGroup = ioGroup;
        this.channelType = channelType;
        this.clock = clock;
        this.metrics = metrics;
        this.backoff = Backoff.of(settings);
        this.intake = new DispatchQueue(executor, settings.queue(), this::drain);
        this.jobs = new HeldJobs<>(settings.queue(), intake, isStopped,
            (cursor, pageSize) -> records.publish(new RefundCall.Page(cursor, pageSize)), this::advance);
        this.lanes = new LanePump<>(settings, intake, isStopped, this::onAnswer, lane -> { }, lane -> { });
    }

    /** The suppliers (payment providers among them) of the recovered state, before the ring starts. */
    public void load(List<SupplierConfig> suppliers) {
        intake.run(() -> suppliers.forEach(this::configure));
    }

    /** The ring is running: read back every refund the journal owes and send it. */
    public void start(EngineRing ring) {
        start(DispatchOutlet.of(ring, clock));
    }

    /** The engine behind {@code outlet} takes commands now: read back every refund it owes and send it. */
    public void start(DispatchOutlet outlet) {
        intake.run(() -> {
            records = new DeliveryRecordProxy(outlet, executor);
            jobs.want();
            drain(); // what the ring handed over before this ran waited in the FIFO
        });
    }

    // ---- intake: the ring's journal thread --------------------------------------------------

    void owed(RefundJob job) {
        if (!intake.offerJob(() -> onOwed(job))) {
            metrics.handoffDeferred(); // owed in the engine: a read-back finds it when there is room
        }
    }

    /**
     * A refund may be owed that the adapter cannot name (a revoked grant an order paid for): read
     * the engine's owed refunds back.
     */
    void maybeOwed() {
        intake.enqueue(jobs::want);
    }

    void providerConfigured(SupplierConfig config) {
        intake.enqueue(() -> configure(config));
    }

    void answered(RefundCall call, ResultCode result, boolean journaled, String message, Object answer) {
        intake.enqueue(() -> call.answered(this, result, journaled, message, answer));
    }

    private void drain() {
        if (records == null) {
            return; // not started: the FIFO keeps everything, in order, for start()
        }
        jobs.drain();
        metrics.jobs(jobs.size());
    }

    // ---- jobs: the agent thread --------------------------------------------------------------

    private void onOwed(RefundJob job) {
        if (!jobs.take(job)) {
            metrics.handoffDeferred(); // owed in the engine; read back once there is room
        }
    }

    /** Sends the job's next request, or puts it where it waits for one. */
    private void advance(RefundJob job) {
        if (job.dropped || stopped) {
            return;
        }
        SupplierLane<RefundJob> lane = lane(job.provider);
        if (lane == null) {
            lanes.park(job.provider, job); // waits for PUT /admin/suppliers/{provider}
            return;
        }
        lanes.enqueue(lane, job);
    }

    /** A provider's answer to a send or a status query: journal it, then what {@link RefundJob} says comes next. */
    private void onAnswer(SupplierLane<RefundJob> lane, RefundJob job, SupplierReply reply, boolean query,
                          boolean probe) {
        int maxTries = settings.attemptsPerSupplier();
        RefundJob.Step step = query ? job.afterQuery(reply, maxTries) : job.afterSend(reply, maxTries);
        DeliveryOutcome outcome = step.outcome();
        metrics.request(lane.name, outcome);
        if (step.answered()) {
            lane.breaker.onSuccess(probe);
        } else {
            lane.breaker.onFailure(probe, System.nanoTime());
        }
        String detail = query ? reply.queryDetail(outcome != DeliveryOutcome.UNANSWERED)
            : outcome == DeliveryOutcome.REJECTED ? reply.rejection() : reply.detail();
        switch (step.next()) {
            case DONE -> finish(job, step.status(), outcome, detail);
            case RETRY -> {
                record(job, outcome, detail);
                later(job, backoff.delayMs(job.tries));
            }
            case ASK -> {
                record(job, outcome, detail);
                later(job, backoff.delayMs(Math.max(1, job.queries)));
            }
            case SEND -> {
                record(job, outcome, detail);
                advance(job); // it never arrived: send it again
            }
            default -> {
                record(job, outcome, detail);
                finish(job, RefundStatus.FAILED, DeliveryOutcome.EXHAUSTED, detail + " after " + job.tries + " tries");
            }
        }
    }

    private void later(RefundJob job, long delayMs) {
        job.phase = RefundJob.Phase.BACKOFF;
        intake.schedule(() -> advance(job), TimeUnit.MILLISECONDS.toNanos(delayMs));
    }

    private void finish(RefundJob job, RefundStatus status, DeliveryOutcome outcome, String detail) {
        job.phase = RefundJob.Phase.JOURNALING;
        records.publish(new RefundCall.Record(job, status, outcome, detail, true));
    }

    private void record(RefundJob job, DeliveryOutcome outcome, String detail) {
        records.publish(new RefundCall.Record(job, RefundStatus.REQUIRED, outcome, detail, false));
    }

    /** A record's answer, in ring order. */
    void onRecorded(RefundCall.Record r, ResultCode result, boolean journaled, String message) {
        RefundJob job = r.job;
        if (!journaled) {
            LOG.error("the engine's journal failed: refunds stop until a restart, which resumes them");
            stopped = true;
            return;
        }
        if (result != ResultCode.OK) {
            // the engine's state is the truth (e.g. the refund is final already): drop ours, read back what is owed
            metrics.refusedByEngine();
            LOG.warn("the engine refused {} {} for refund {}: {} {}; reading owed refunds back", r.status, r.outcome,
                job.refundId, result, message);
            jobs.refused(job);
            return;
        }
        if (!r.awaited || job.dropped) {
            return;
        }
        metrics.finished(r.status);
        if (r.status == RefundStatus.FAILED) {
            LOG.warn("refund {} of transaction {} ({} {}) FAILED at {}: {}; settle it by hand at the provider "
                + "(docs/refunds.md)", job.refundId, job.transactionId, job.amount, job.currency, job.provider, r.detail);
        }
        jobs.finished(job);
    }

    // ---- providers ---------------------------------------------------------------------------

    private void configure(SupplierConfig config) {
        providers.put(config.id(), config);
        if (lanes.lane(config.id()) != null) {
            lanes.pump(lanes.configure(config, proxy(config)));
        }
        List<RefundJob> waiting = lanes.unpark(config.id());
        if (waiting != null) {
            LOG.info("payment provider {} configured: {}", config.id(), config); // toString leaves the secret out
            waiting.forEach(this::advance);
        }
    }

    /** The provider's lane, made on first use; null while it is not configured. */
    private SupplierLane<RefundJob> lane(String provider) {
        SupplierLane<RefundJob> lane = lanes.lane(provider);
        SupplierConfig config = providers.get(provider);
        if (lane == null && config != null) {
            lane = lanes.configure(config, proxy(config));
        }
        return lane;
    }

    private SupplierProxy proxy(SupplierConfig config) {
        return new SupplierProxy(config, REFUNDS_PATH, ioGroup, channelType, settings.allowLinkLocal());
    }

    // ---- reading owed refunds back from the engine ---------------------------------------------

    void onPage(PendingRefundPage page) {
        if (page == null) {
            jobs.noPage();
            return;
        }
        jobs.takePage(page.refunds(), page.nextCursor(), PendingRefund::refundId, RefundJob::resume);
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Stops sending. Requests still out are abandoned: their refunds stay owed in the journal and
     * resume after a restart (asking first where a request may have landed).
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

    public RefundMetrics metrics() {
        return metrics;
    }
}
