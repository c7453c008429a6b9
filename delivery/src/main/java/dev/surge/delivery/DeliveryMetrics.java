package dev.surge.delivery;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.engine.DeliveryOutcome;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dispatcher's counters: requests by supplier and outcome, deliveries finished, what waits
 * where, circuit states and hand-offs that had to wait in the journal. Rendered in the Prometheus
 * text format for /metrics, and per supplier as JSON for the dashboard ({@link #writeSuppliers}).
 *
 * <p>Threading: written by the dispatcher thread (and the ring's journal thread for hand-offs);
 * read from any thread. Every field is a volatile, an atomic or an adder, so a reader sees each
 * value whole, though not all of them from the same instant.
 */
public final class DeliveryMetrics {
    private final ConcurrentHashMap<String, AtomicLongArray> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder handoffsDropped = new LongAdder();
    private final LongAdder resyncPages = new LongAdder();
    private final LongAdder refusedByEngine = new LongAdder();
    private volatile int jobs;
    private volatile int recordsWaiting;

    /** One supplier's gauges (set by the dispatcher after every change) and counters since start. */
    private static final class Lane {
        volatile int inFlight;
        volatile int waiting;
        volatile String breaker = CircuitBreaker.State.CLOSED.name();
        final LongAdder delivered = new LongAdder();
        final LongAdder failedOver = new LongAdder();
        final LongAdder failed = new LongAdder();
    }

    void request(String supplier, DeliveryOutcome outcome) {
        requests.computeIfAbsent(supplier, k -> new AtomicLongArray(32)).incrementAndGet(outcome.code());
    }

    /** A recharge settled at {@code supplier}: delivered there, or FAILED with it the last on its route. */
    void finished(String supplier, boolean wasDelivered) {
        (wasDelivered ? delivered : failed).increment();
        Lane lane = lane(supplier);
        (wasDelivered ? lane.delivered : lane.failed).increment();
    }

    /** A recharge left {@code supplier} for the next one on its route. */
    void failedOver(String supplier) {
        lane(supplier).failedOver.increment();
    }

    void handoffDropped() {
        handoffsDropped.increment();
    }

    void resyncPage() {
        resyncPages.increment();
    }

    void refusedByEngine() {
        refusedByEngine.increment();
    }

    void jobs(int n, int records) {
        jobs = n;
        recordsWaiting = records;
    }

    void lane(SupplierLane<?> lane) {
        Lane g = lane(lane.name);
        g.inFlight = lane.inFlight;
        g.waiting = lane.waiting.size();
        g.breaker = lane.breaker.state().name();
    }

    private Lane lane(String supplier) {
        return lanes.computeIfAbsent(supplier, k -> new Lane());
    }

    /** Answers from suppliers (and requests that got none) since this process started, every outcome. */
    public long requests() {
        long n = 0;
        for (AtomicLongArray counts : requests.values()) {
            for (int i = 0; i < counts.length(); i++) {
                n += counts.get(i);
            }
        }
        return n;
    }

    /** Recharges settled DELIVERED by this process since it started. */
    public long delivered() {
        return delivered.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** Recharges the dispatcher holds now. */
    public int jobs() {
        return jobs;
    }

    /**
     * The suppliers the dispatcher knows, by id, as one JSON array (the dashboard's
     * {@code sections.suppliers}): {@code id}, {@code breaker} (CLOSED, OPEN, HALF_OPEN),
     * {@code inFlight} (requests out), {@code waiting} (for a concurrency slot or the circuit), and
     * since this process started: {@code delivered} there, {@code failedOver} (passed on to the
     * next supplier), {@code failed} (FAILED with this supplier the last on the route, what a
     * re-drive by supplier picks), {@code unknown} (sent and never answered, so asked before
     * anything else). Reads the counters only; any thread.
     */
    public void writeSuppliers(JsonGenerator g) throws IOException {
        g.writeStartArray();
        for (Map.Entry<String, Lane> e : new TreeMap<>(lanes).entrySet()) {
            Lane lane = e.getValue();
            AtomicLongArray byOutcome = requests.get(e.getKey());
            g.writeStartObject();
            g.writeStringField("id", e.getKey());
            g.writeStringField("breaker", lane.breaker);
            g.writeNumberField("inFlight", lane.inFlight);
            g.writeNumberField("waiting", lane.waiting);
            g.writeNumberField("delivered", lane.delivered.sum());
            g.writeNumberField("failedOver", lane.failedOver.sum());
            g.writeNumberField("failed", lane.failed.sum());
            g.writeNumberField("unknown", byOutcome == null ? 0 : byOutcome.get(DeliveryOutcome.UNKNOWN.code()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    public void render(StringBuilder b) {
        family(b, "surge_delivery_requests_total", "counter", "Requests to suppliers (sends and status queries) by outcome.");
        for (Map.Entry<String, AtomicLongArray> e : new TreeMap<>(requests).entrySet()) {
            for (DeliveryOutcome o : DeliveryOutcome.values()) {
                long n = e.getValue().get(o.code());
                if (n > 0) {
                    b.append("surge_delivery_requests_total{supplier=\"").append(e.getKey()).append("\",outcome=\"")
                        .append(o.name()).append("\"} ").append(n).append('\n');
                }
            }
        }
        family(b, "surge_deliveries_finished_total", "counter", "Recharges settled by this process, by final status.");
        b.append("surge_deliveries_finished_total{status=\"DELIVERED\"} ").append(delivered.sum()).append('\n');
        b.append("surge_deliveries_finished_total{status=\"FAILED\"} ").append(failed.sum()).append('\n');
        gauge(b, "surge_delivery_jobs", "Recharges the dispatcher holds (queued, in flight, backing off).", jobs);
        gauge(b, "surge_delivery_records_waiting", "Delivery records waiting for room in the engine ring.",
            recordsWaiting);
        family(b, "surge_delivery_in_flight", "gauge", "Requests out per supplier.");
        Map<String, Lane> sorted = new TreeMap<>(lanes);
        sorted.forEach((k, v) -> b.append("surge_delivery_in_flight{supplier=\"").append(k).append("\"} ")
            .append(v.inFlight).append('\n'));
        family(b, "surge_delivery_waiting", "gauge", "Recharges waiting for a supplier's concurrency slot or circuit.");
        sorted.forEach((k, v) -> b.append("surge_delivery_waiting{supplier=\"").append(k).append("\"} ")
            .append(v.waiting).append('\n'));
        family(b, "surge_delivery_circuit_open", "gauge", "1 while a supplier's circuit breaker is open or half-open.");
        sorted.forEach((k, v) -> b.append("surge_delivery_circuit_open{supplier=\"").append(k).append("\",state=\"")
            .append(v.breaker).append("\"} ").append(v.breaker.equals("CLOSED") ? 0 : 1).append('\n'));
        family(b, "surge_delivery_handoffs_deferred_total", "counter",
            "Granted recharges the dispatcher had no room for; they wait in the journal and are picked up later.");
        b.append("surge_delivery_handoffs_deferred_total ").append(handoffsDropped.sum()).append('\n');
        family(b, "surge_delivery_resync_pages_total", "counter", "Pages of pending recharges read back from the engine.");
        b.append("surge_delivery_resync_pages_total ").append(resyncPages.sum()).append('\n');
        family(b, "surge_delivery_records_refused_total", "counter",
            "Delivery steps the engine refused (the dispatcher then re-reads the item from the engine).");
        b.append("surge_delivery_records_refused_total ").append(refusedByEngine.sum()).append('\n');
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        family(b, name, "gauge", help);
        b.append(name).append(' ').append(value).append('\n');
    }
}
