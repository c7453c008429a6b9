package dev.surge.cluster;

import dev.surge.delivery.DispatchOutlet;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A leader's dispatchers' commands into the cluster (docs/cluster.md, "Deliveries on the
 * leader"): each goes through the member's own {@link ClusterEngineClient}, filed under its
 * correlation id in {@code calls} before it can reach the cluster. When this member's service
 * decides it, it takes the command back out of {@code calls} as the slot's context and hands the
 * slot to the dispatchers, in log order with the events around it, as the ring's delivery stage
 * does on a single gateway. The client's own answer only counts the command as no longer in flight.
 *
 * <p>At most {@link #MAX_IN_FLIGHT} commands are in flight; beyond that the dispatcher's proxy
 * keeps them, in order, and tries again shortly (never blocking a thread).
 *
 * <p>Threading: {@link #tryPublish} on the dispatcher's thread; {@code calls} is shared with the
 * service's thread.
 */
final class ClusterOutlet implements DispatchOutlet {
    static final int MAX_IN_FLIGHT = 4_096;

    private final ClusterEngineClient client;
    private final Map<Long, Command> calls;
    private final CommandWriter writer = new CommandWriter();
    private final CommandSlot slot = new CommandSlot();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ClusterEngineClient.AnswerHandler answered;

    ClusterOutlet(ClusterEngineClient client, Map<Long, Command> calls) {
        this.client = client;
        this.calls = calls;
        this.answered = (result, reply, replyLength, answerLength) -> inFlight.decrementAndGet();
    }

    @Override
    public boolean tryPublish(Command command) {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            return false;
        }
        command.write(writer, slot, 0); // the cluster stamps its own time
        inFlight.incrementAndGet();
        client.send(slot, answered, id -> calls.put(id, command));
        return true;
    }
}
