package dev.surge.gateway.engine;

import com.lmax.disruptor.EventTranslatorTwoArg;
import dev.surge.engine.command.ClaimEdge;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.TableGrowth;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.agrona.concurrent.EpochClock;

/**
 * The gateway's own engine ring as an {@link Engine}: publishes commands from any thread, never
 * blocking: a full ring is a {@code false} the caller answers with 503 OVERLOADED. Each publishing
 * thread has its own
 * {@link Publisher} (command writer with its edge, and the clock); the translator is a
 * static constant that captures nothing. A publisher's writer resolves each claim at the edge
 * ({@link ClaimEdge}: the directory's indexes, the keyed identities), so that the hashing is
 * spread over the event loops instead of done on the engine's one writer thread.
 *
 * <p>Threading: thread-safe.
 */
public final class EngineProxy implements Engine {
    private static final EventTranslatorTwoArg<CommandSlot, RingCall, Publisher> TRANSLATOR =
        (slot, sequence, call, publisher) -> {
            call.writeCommand(publisher, slot);
            slot.context = call;
            slot.publishedNanos = System.nanoTime();
        };

    private final EngineRing ring;
    private final EpochClock clock;
    private final Supplier<ClaimEdge> edges;
    private final TableGrowth growth;
    private final LongAdder published = new LongAdder();
    private final FastThreadLocal<Publisher> publishers = new FastThreadLocal<>() {
        @Override
        protected Publisher initialValue() {
            return new Publisher(clock, edges.get());
        }
    };

    /**
     * {@code edges} makes one {@link ClaimEdge} per publishing thread ({@code StateMachine::edge});
     * {@code growth} is the state's record of its tables growing on the writer ({@code StateMachine.growth()}).
     */
    public EngineProxy(EngineRing ring, EpochClock clock, Supplier<ClaimEdge> edges, TableGrowth growth) {
        this.ring = ring;
        this.clock = clock;
        this.edges = edges;
        this.growth = growth;
    }

    /** Publishes if the ring has a free slot now; false when it is full. */
    @Override
    public boolean publish(RingCall call) {
        if (ring.tryPublish(TRANSLATOR, call, publishers.get())) {
            published.increment();
            return true;
        }
        return false;
    }

    public EngineRing ring() {
        return ring;
    }

    /** Each time the writer stopped to grow a table of the state (metrics: size the server with --expected-users). */
    public TableGrowth growth() {
        return growth;
    }

    /** Slots published so far (the journal lag is this minus the slots the journal stage has passed). */
    @Override
    public long published() {
        return published.sum();
    }

    @Override
    public boolean halted() {
        return ring.health().halted();
    }

    @Override
    public String unavailableReason() {
        return halted() ? "the engine has halted (" + ring.health().haltReason()
            + ") and accepts nothing more; restart to recover from the journal" : null;
    }

    /** A slot's command buffer grows as needed: no limit of the ring's own. */
    @Override
    public int maxCommandBytes() {
        return Integer.MAX_VALUE;
    }
}
