package dev.surge.delivery;

import dev.surge.engine.state.SupplierConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How a dispatcher's jobs go through its {@link SupplierLane}s (docs/delivery.md, docs/refunds.md):
 * the lanes by supplier, the jobs parked until their supplier is configured, and the pump that
 * starts waiting jobs while a lane has free slots and its circuit lets them through, sending a
 * status query for a job in doubt and the request otherwise. What an answer means, and what a job
 * does while a circuit is open, stays with the agent that owns it. Confined to the dispatcher
 * thread.
 */
final class LanePump<J extends LaneJob> {
    /** An answer that still counts (the job was not dropped): the lane's slot is free already. */
    interface Answer<J> {
        /** {@code query}: it answers a status query; {@code probe}: the request was the lane's probe. */
        void answered(SupplierLane<J> lane, J job, SupplierReply reply, boolean query, boolean probe);
    }

    private final DeliverySettings settings;
    private final DispatchQueue intake;
    private final BooleanSupplier stopped;
    private final Answer<J> answer;
    private final Consumer<SupplierLane<J>> circuitOpen;
    private final Consumer<SupplierLane<J>> pumped;
    private final Map<String, SupplierLane<J>> lanes = new HashMap<>();
    private final Map<String, List<J>> parked = new HashMap<>();

    /**
     * {@code circuitOpen}: what the agent does with a lane's waiting jobs when its circuit turns
     * one away (before they wait for the probe); {@code pumped}: after every pass over a lane.
     */
    LanePump(DeliverySettings settings, DispatchQueue intake, BooleanSupplier stopped, Answer<J> answer,
             Consumer<SupplierLane<J>> circuitOpen, Consumer<SupplierLane<J>> pumped) {
        this.settings = settings;
        this.intake = intake;
        this.stopped = stopped;
        this.answer = answer;
        this.circuitOpen = circuitOpen;
        this.pumped = pumped;
    }

    /** The supplier's lane; null while it has none. */
    SupplierLane<J> lane(String supplier) {
        return lanes.get(supplier);
    }

    /**
     * Sends {@code config}'s requests through {@code next} from now on, making its lane on first
     * use. The proxy it replaces is closed once the requests still out on it are done.
     */
    SupplierLane<J> configure(SupplierConfig config, SupplierProxy next) {
        SupplierLane<J> lane = lanes.get(config.id());
        if (lane == null) {
            lane = new SupplierLane<>(config.id(), new CircuitBreaker(settings.breakerFailures(),
                TimeUnit.MILLISECONDS.toNanos(settings.breakerOpenMs())));
            lanes.put(config.id(), lane);
        }
        SupplierProxy old = lane.configure(config, next);
        if (old != null) {
            // requests already out on the old connections finish first
            intake.schedule(old::close, TimeUnit.MILLISECONDS.toNanos(SupplierLane.closeDelayMs(old)));
        }
        return lane;
    }

    /** Puts the job in its lane's queue and starts what may start. */
    void enqueue(SupplierLane<J> lane, J job) {
        job.phase = LaneJob.Phase.QUEUED;
        lane.waiting.add(job);
        pump(lane);
    }

    /** The job waits for {@code key} (its supplier, a route) to be configured. */
    void park(String key, J job) {
        job.phase = LaneJob.Phase.PARKED;
        parked.computeIfAbsent(key, k -> new ArrayList<>()).add(job);
    }

    /** The jobs that waited for {@code key}, no longer parked; null when none did. */
    List<J> unpark(String key) {
        return parked.remove(key);
    }

    /** Starts waiting jobs while the lane has free slots and its circuit lets them through. */
    void pump(SupplierLane<J> lane) {
        long now = System.nanoTime();
        while (!stopped.getAsBoolean() && !lane.waiting.isEmpty() && lane.inFlight < lane.config.maxConcurrency()) {
            J job = lane.waiting.peek();
            if (job.dropped) {
                lane.waiting.poll();
                continue;
            }
            CircuitBreaker.Pass pass = lane.breaker.tryPass(now);
            if (pass == CircuitBreaker.Pass.NO) {
                circuitOpen.accept(lane);
                wakeAtProbe(lane, now);
                break;
            }
            lane.waiting.poll();
            start(lane, job, pass == CircuitBreaker.Pass.PROBE);
        }
        pumped.accept(lane);
    }

    private void wakeAtProbe(SupplierLane<J> lane, long now) {
        if (lane.wakeScheduled || lane.breaker.state() != CircuitBreaker.State.OPEN) {
            return; // half-open: the probe's answer pumps the lane
        }
        lane.wakeScheduled = true;
        intake.schedule(() -> {
            lane.wakeScheduled = false;
            pump(lane);
        }, Math.max(1, lane.breaker.nanosUntilProbe(now)));
    }

    private void start(SupplierLane<J> lane, J job, boolean probe) {
        lane.inFlight++;
        job.phase = LaneJob.Phase.IN_FLIGHT;
        job.probe = probe;
        String id = job.requestId();
        if (job.inDoubt) {
            lane.proxy.query(id, lane.signature.sign(id), reply -> intake.run(() -> onReply(lane, job, reply, true)));
        } else {
            if (job.body == null) {
                job.body = job.newBody();
            }
            lane.proxy.send(id, job.body, lane.signature.sign(job.body),
                reply -> intake.run(() -> onReply(lane, job, reply, false)));
        }
    }

    /**
     * Every answer frees its lane's slot and ends the job's probe. When the job was dropped or the
     * agent stopped, the answer no longer counts and the probe is given back; otherwise the agent
     * judges it. Either way the lane moves on.
     */
    private void onReply(SupplierLane<J> lane, J job, SupplierReply reply, boolean query) {
        lane.inFlight--;
        boolean probe = job.probe;
        job.probe = false;
        if (job.dropped || stopped.getAsBoolean()) {
            if (probe) {
                lane.breaker.onProbeAbandoned();
            }
        } else {
            answer.answered(lane, job, reply, query, probe);
        }
        pump(lane);
    }

    /** Closes every lane's connections (the dispatcher is stopping). */
    void closeAll() {
        lanes.values().forEach(l -> l.proxy.close());
    }
}
