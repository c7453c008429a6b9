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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's Disruptor: publishers claim pre-allocated slots; each slot passes
 * decide (the single writer) → journal (group commit, then the hand-off to replies and delivery).
 * A client is never answered before its decision is in the journal.
 *
 * <p>Threading: {@link #tryPublish} is safe from any number of threads. With a journal that waits
 * for a disk ({@link JournalPort#waitsForDisk}) the two stages run on two threads, so the next
 * batch is decided while this one syncs. Otherwise both run on one thread: a host's, when one is
 * given (an event loop: {@link HostedStages}, no wake-ups of its own), or {@code surge-engine},
 * one wake-up per batch. The state machine is confined to the deciding thread from {@link #start} on.
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

    /** The stages' own threads; null when they are hosted. */
    private final Disruptor<CommandSlot> disruptor;
    /** The stages as tasks of a host; null when they have threads of their own. */
    private final HostedStages hosted;
    private final RingBuffer<CommandSlot> ring;
    private final JournalPort journal;
    private final RingHealth health = new RingHealth();
    private final RingMetrics metrics = new RingMetrics();

    /** The stages on threads of their own. */
    public EngineRing(StateMachine machine, JournalPort journal, ReplyPort replies, DeliveryPort deliveries,
                      int size, Wait wait) {
        this(machine, journal, replies, deliveries, size, wait, null);
    }

    /**
     * With a {@code host} (an event loop) and a journal that does not wait for a disk, the stages
     * run as the host's tasks ({@link HostedStages}, {@code wait} unused); otherwise on threads of
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
            DecideHandler decide = new DecideHandler(machine, health, hosted, ring);
            hosted.bind(ring, new DecideThenJournal(decide,
                new JournalHandler(journal, health, metrics, size, replies, deliveries)), new FatalHandler(health));
            return;
        }
        this.hosted = null;
        WaitStrategy waitStrategy = wait.create();
        boolean oneThread = !journal.waitsForDisk();
        this.disruptor = new Disruptor<>(CommandSlot::new, size,
            new StageThreads(oneThread ? new String[] {"surge-engine"} : new String[] {"surge-decide", "surge-journal"}),
            ProducerType.MULTI, waitStrategy);
        disruptor.setDefaultExceptionHandler(new FatalHandler(health));
        DecideHandler decide = new DecideHandler(machine, health, waitStrategy, disruptor.getRingBuffer());
        JournalHandler journaling = new JournalHandler(journal, health, metrics, size, replies, deliveries);
        if (oneThread) {
            disruptor.handleEventsWith(new DecideThenJournal(decide, journaling));
        } else {
            disruptor.handleEventsWith(decide).then(journaling);
        }
        this.ring = disruptor.getRingBuffer();
    }

    public EngineRing start() {
        if (disruptor != null) {
            disruptor.start();
        }
        return this;
    }

    /** Whether the stages run as a host's tasks rather than on threads of their own. */
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

    /** Decide, then journal, on one thread: each slot is decided, then appended; the batch flushed at its end. */
    private static final class DecideThenJournal implements EventHandler<CommandSlot> {
        private final DecideHandler decide;
        private final JournalHandler journal;

        DecideThenJournal(DecideHandler decide, JournalHandler journal) {
            this.decide = decide;
            this.journal = journal;
        }

        @Override
        public void onBatchStart(long batchSize, long queueDepth) {
            decide.onBatchStart(batchSize, queueDepth);
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

    private static final class StageThreads implements ThreadFactory {
        private final String[] names;
        private final AtomicInteger next = new AtomicInteger();

        StageThreads(String[] names) {
            this.names = names;
        }

        @Override
        public Thread newThread(Runnable r) {
            int i = next.getAndIncrement();
            Thread t = new Thread(r, i < names.length ? names[i] : "surge-stage-" + i);
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
