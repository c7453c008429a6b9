package dev.surge.delivery;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundStatus;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The refund dispatcher's counters (docs/refunds.md): requests to payment providers by outcome,
 * refunds settled by status, refunds held, hand-offs that had to wait in the journal and steps
 * the engine refused. Rendered in the Prometheus text format for /metrics.
 *
 * <p>Threading: written by the refund dispatcher's thread (and the ring's journal thread for
 * hand-offs); read from any thread.
 */
public final class RefundMetrics {
    private final ConcurrentHashMap<String, AtomicLongArray> requests = new ConcurrentHashMap<>();
    private final LongAdder refunded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder handoffsDeferred = new LongAdder();
    private final LongAdder refusedByEngine = new LongAdder();
    private volatile int jobs;

    void request(String provider, DeliveryOutcome outcome) {
        requests.computeIfAbsent(provider, k -> new AtomicLongArray(32)).incrementAndGet(outcome.code());
    }

    void finished(RefundStatus status) {
        (status == RefundStatus.REFUNDED ? refunded : failed).increment();
    }

    void handoffDeferred() {
        handoffsDeferred.increment();
    }

    void refusedByEngine() {
        refusedByEngine.increment();
    }

    void jobs(int n) {
        jobs = n;
    }

    /** Refunds settled REFUNDED by this process since it started. */
    public long refunded() {
        return refunded.sum();
    }

    /** Refunds settled REFUND_FAILED by this process since it started. */
    public long failed() {
        return failed.sum();
    }

    /** Requests to {@code provider} that ended in {@code outcome}. */
    public long requests(String provider, DeliveryOutcome outcome) {
        AtomicLongArray byOutcome = requests.get(provider);
        return byOutcome == null ? 0 : byOutcome.get(outcome.code());
    }

    public void render(StringBuilder b) {
        family(b, "surge_refund_requests_total", "counter",
            "Requests to payment providers' refund APIs (sends and status queries) by outcome.");
        for (Map.Entry<String, AtomicLongArray> e : new TreeMap<>(requests).entrySet()) {
            for (DeliveryOutcome o : DeliveryOutcome.values()) {
                long n = e.getValue().get(o.code());
                if (n > 0) {
                    b.append("surge_refund_requests_total{provider=\"").append(e.getKey()).append("\",outcome=\"")
                        .append(o.name()).append("\"} ").append(n).append('\n');
                }
            }
        }
        family(b, "surge_refunds_finished_total", "counter", "Refunds settled by this process, by final status.");
        b.append("surge_refunds_finished_total{status=\"REFUNDED\"} ").append(refunded.sum()).append('\n');
        b.append("surge_refunds_finished_total{status=\"REFUND_FAILED\"} ").append(failed.sum()).append('\n');
        family(b, "surge_refund_jobs", "gauge", "Refunds the refund dispatcher holds (queued, in flight, backing off).");
        b.append("surge_refund_jobs ").append(jobs).append('\n');
        family(b, "surge_refund_handoffs_deferred_total", "counter",
            "Refunds owed the dispatcher had no room for; they wait in the journal and are picked up later.");
        b.append("surge_refund_handoffs_deferred_total ").append(handoffsDeferred.sum()).append('\n');
        family(b, "surge_refund_records_refused_total", "counter",
            "Refund steps the engine refused (the dispatcher then re-reads what is owed from the engine).");
        b.append("surge_refund_records_refused_total ").append(refusedByEngine.sum()).append('\n');
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
