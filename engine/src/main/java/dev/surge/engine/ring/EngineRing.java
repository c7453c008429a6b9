package dev.surge.engine.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The engine's Disruptor: publishers claim pre-allocated slots; each slot passes
 * decide (the single writer) → journal (group commit, then the hand-off to replies and delivery).
 * A client is never answered before its decision is in the journal.
 *
 * <p>Threading: {@link #tryPublish} is safe from any number of threads. Both stages run on one
 * thread, each batch decided and then journaled: a host's, when one is given and the journal does
 * not wait for a disk (an event loop: {@link HostedStages}, no wake-ups of its own), else
 * {@code surge-engine}, one wake-up per batch. Not a thread per stage, even with a journal that
 * syncs: deciding a batch takes microseconds against the sync's hundreds, so deciding the next
 * batch during the sync gained nothing, while waking a deciding thread for each claim cost about
 * a tenth of a claim's server CPU under load (docs/benchmarks.md). The state machine is confined
 * to the deciding thread from {@link #start} on.
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

    /** The stages' own thread; null when they are hosted. */
    private final Disruptor<CommandSlot> disruptor;
    /** The stages as tasks of a host; null when they have a thread of their own. */
    private final HostedStages hosted;
    private final RingBuffer<CommandSlot> ring;
    private final JournalPort journal;
    private final RingHealth health = new RingHealth();
    private final RingMetrics metrics = new RingMetrics();

    /** The stages on a thread of their own. */
    public EngineRing(StateMachine machine, JournalPort journal, ReplyPort replies, DeliveryPort deliveries,
                      int size, Wait wait) {
        this(machine, journal, replies, deliveries, size, wait, null);
    }

    /**
     * With a {@code host} (an event loop) and a journal that does not wait for a disk, the stages
     * run as the host's tasks ({@link HostedStages}, {@code wait} unused); otherwise on a thread of
     * their own.
     */
    public EngineRing(StateMachine machine, JournalPort journal, ReplyPort replies, DeliveryPort deliveries,
                      int size, Wait wait, Executor host) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two, was " + size);
        }
        this.journal = journal;
        if (host != null && !journal.waitsForDisk()) {
            this.disruptor = null;
            this.hosted = new HostedStages(host);
            this.ring = RingBuffer.createMultiProducer(CommandSlot::new, size, hosted);
            hosted.bind(ring, new DecideThenJournal(new DecideStage(machine, health, ring),
                new JournalHandler(journal, health, metrics, size, replies, deliveries)), new FatalHandler(health));
            return;
        }
        this.hosted = null;
        this.disruptor = new Disruptor<>(CommandSlot::new, size, EngineRing::engineThread, ProducerType.MULTI,
            wait.create());
        disruptor.setDefaultExceptionHandler(new FatalHandler(health));
        this.ring = disruptor.getRingBuffer();
        disruptor.handleEventsWith(new DecideThenJournal(new DecideStage(machine, health, ring),
            new JournalHandler(journal, health, metrics, size, replies, deliveries)));
    }

    public EngineRing start() {
        if (disruptor != null) {
            disruptor.start();
        }
        return this;
    }

    /** Whether the stages run as a host's tasks rather than on a thread of their own. */
    public boolean hosted() {
        return hosted != null;
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
            if (hosted != null) {
                hosted.close(30, TimeUnit.SECONDS);
            } else {
                disruptor.shutdown(30, TimeUnit.SECONDS);
            }
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            journal.close();
        }
    }

    /** The stages: each slot is decided, then appended; the batch flushed at its end. */
    private static final class DecideThenJournal implements EventHandler<CommandSlot> {
        private final DecideStage decide;
        private final JournalHandler journal;

        DecideThenJournal(DecideStage decide, JournalHandler journal) {
            this.decide = decide;
            this.journal = journal;
        }

        @Override
        public void onBatchStart(long batchSize, long queueDepth) {
            decide.onBatchStart(batchSize);
        }

        @Override
        public void setSequenceCallback(Sequence sequenceCallback) {
            journal.setSequenceCallback(sequenceCallback);
        }

        @Override
        public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
            decide.decideAhead(slot, sequence);
            journal.onEvent(slot, sequence, endOfBatch);
        }
    }

    private static Thread engineThread(Runnable stages) {
        Thread t = new Thread(stages, "surge-engine");
        t.setDaemon(true);
        return t;
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
