package dev.surge.engine.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.port.JournalPort;
import dev.surge.engine.port.ReplyPort;
import dev.surge.engine.state.StateMachine;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's Disruptor: publishers claim pre-allocated slots; each slot passes
 * decide (the single writer) → journal (group commit, then the hand-off to replies and delivery).
 * A client is never answered before its decision is in the journal.
 *
 * <p>Threading: {@link #tryPublish} is safe from any number of threads. Each of the two stages
 * runs on its own thread; the state machine is confined to the decide thread from {@link #start} on.
 */
public final class EngineRing implements AutoCloseable {
    /**
     * Wait strategies that do not burn a core (the machine may have only two). {@link #PARKING}
     * is the default: idle stages sleep until a publish ({@link ParkingWaitStrategy}).
     */
    public enum Wait {
        PARKING, BLOCKING, SLEEPING, YIELDING;

        WaitStrategy create() {
            return switch (this) {
                case PARKING -> new ParkingWaitStrategy();
                case BLOCKING -> new BlockingWaitStrategy();
                case SLEEPING -> new SleepingWaitStrategy();
                case YIELDING -> new YieldingWaitStrategy();
            };
        }
    }

    private final Disruptor<CommandSlot> disruptor;
    private final RingBuffer<CommandSlot> ring;
    private final JournalPort journal;
    private final RingHealth health = new RingHealth();
    private final RingMetrics metrics = new RingMetrics();

    public EngineRing(StateMachine machine, JournalPort journal, ReplyPort replies, DeliveryPort deliveries,
                      int size, Wait wait) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, was " + size);
        }
        this.journal = journal;
        WaitStrategy waitStrategy = wait.create();
        this.disruptor = new Disruptor<>(CommandSlot::new, size, new StageThreads(), ProducerType.MULTI,
            waitStrategy);
        disruptor.setDefaultExceptionHandler(new FatalHandler(health));
        disruptor.handleEventsWith(new DecideHandler(machine, health, waitStrategy))
            .then(new JournalHandler(journal, health, metrics, size, replies, deliveries));
        this.ring = disruptor.getRingBuffer();
    }

    public EngineRing start() {
        disruptor.start();
        return this;
    }

    /** Publishes if a slot is free now; false when the ring is full (answer "overloaded"). */
    public <A> boolean tryPublish(EventTranslatorOneArg<CommandSlot, A> translator, A arg) {
        return ring.tryPublishEvent(translator, arg);
    }

    public <A, B> boolean tryPublish(EventTranslatorTwoArg<CommandSlot, A, B> translator, A a, B b) {
        return ring.tryPublishEvent(translator, a, b);
    }

    /** Slots in use: published but not yet through every stage. */
    public long depth() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    public int capacity() {
        return ring.getBufferSize();
    }

    public RingHealth health() {
        return health;
    }

    public RingMetrics metrics() {
        return metrics;
    }

    /** Lets every published slot finish, stops the stages, then closes the journal. */
    @Override
    public void close() {
        try {
            disruptor.shutdown(30, TimeUnit.SECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        } finally {
            journal.close();
        }
    }

    private static final class StageThreads implements ThreadFactory {
        private static final String[] NAMES = {"surge-decide", "surge-journal"};
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            int i = next.getAndIncrement();
            Thread t = new Thread(r, i < NAMES.length ? NAMES[i] : "surge-stage-" + i);
            t.setDaemon(true);
            return t;
        }
    }

    /** A stage that throws has a bug: halt rather than answer from an unknown state. */
    private static final class FatalHandler implements ExceptionHandler<CommandSlot> {
        private final RingHealth health;

        FatalHandler(RingHealth health) {
            this.health = health;
        }

        @Override
        public void handleEventException(Throwable ex, long sequence, CommandSlot slot) {
            health.halt("stage failed on slot " + sequence + " (" + slot.type + ")", ex);
            slot.result = dev.surge.engine.ResultCode.UNAVAILABLE;
            slot.eventLength = 0;
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            health.halt("stage failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            health.halt("stage failed to stop", ex);
        }
    }
}
