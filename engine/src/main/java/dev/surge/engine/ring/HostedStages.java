package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import dev.surge.engine.command.CommandSlot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ring's stages (decide, then journal) run as tasks of a host, one Netty event loop, rather
 * than on a thread of their own (docs/architecture.md, "Threads").
 *
 * <p>Why: on two cores, with one event loop, the writer's own thread cost a wake-up per batch
 * in both directions (a futex to wake it, an eventfd to wake the loop for the answers), about a
 * sixth of a claim's server CPU in a profile under load, and each hop put a sleeping thread on
 * the first claim after an idle spell. Hosted, a publish schedules one drain on the host
 * ({@link #signalAllWhenBlocking}, Disruptor's hook on every publish). A request read by the host
 * itself costs no wake-up at all, and the host runs the drain after the I/O of its current
 * iteration, so the requests read in one iteration are decided and journaled as one batch. A
 * publish from any other thread (another loop, the delivery dispatcher) wakes the host as any
 * task does.
 *
 * <p>Only for a journal that does not wait for a disk: a sync on the event loop would hold up its
 * I/O (with {@code sync} durability the stages keep a thread of their own). Everything
 * that ran on the writer thread runs on the host thread: the state machine is confined to it.
 */
final class HostedStages implements WaitStrategy, Runnable {
    /** Slots per drain, so that a backlog still lets the host's I/O through between drains. */
    static final int MAX_BATCH = 1024;

    private final Executor host;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The last slot through both stages: the ring's gating sequence. */
    private final Sequence done = new Sequence(-1);
    private RingBuffer<CommandSlot> ring;
    private SequenceBarrier published;
    private EventHandler<CommandSlot> stages;
    private ExceptionHandler<CommandSlot> failures;
    private volatile boolean closed;
    /** The host's thread, once a drain ran: a close from that very thread drains there and then. */
    private volatile Thread hostThread;

    HostedStages(Executor host) {
        this.host = host;
    }

    /** Binds the ring this strategy was created for (it is the ring's wait strategy) and the stages. */
    void bind(RingBuffer<CommandSlot> ring, EventHandler<CommandSlot> stages, ExceptionHandler<CommandSlot> failures) {
        this.ring = ring;
        this.published = ring.newBarrier();
        this.stages = stages;
        this.failures = failures;
        ring.addGatingSequences(done);
    }

    /** The ring's barrier asks how far it may read: as far as the cursor, never waiting. */
    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier) {
        return dependentSequence.get();
    }

    /**
     * Called by the ring after every publish, from the publishing thread. A compare-and-set,
     * not a read first: its full fence orders the slot's publication before the read of the flag,
     * against {@link #run}'s clearing of it before it reads what is published.
     */
    @Override
    public void signalAllWhenBlocking() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                host.execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // the host is shutting down: close() drains what is left
            }
        }
    }

    /** One drain, on the host: every slot published so far (at most {@link #MAX_BATCH}) as one batch. */
    @Override
    public void run() {
        hostThread = Thread.currentThread();
        scheduled.set(false); // first: a publish from here on schedules the next drain
        if (!closed && drainOnce()) {
            signalAllWhenBlocking(); // more is published than one drain takes
        }
    }

    /** Decides and journals one batch; whether more was published than it took. */
    private boolean drainOnce() {
        long next = done.get() + 1;
        long available;
        try {
            available = published.waitFor(next);
        } catch (Exception e) {
            throw new IllegalStateException("the ring's barrier never waits nor alerts", e);
        }
        if (available < next) {
            return false;
        }
        long end = Math.min(available, next + MAX_BATCH - 1);
        stages.onBatchStart(end - next + 1, available - next + 1);
        for (long s = next; s <= end; s++) {
            CommandSlot slot = ring.get(s);
            try {
                stages.onEvent(slot, s, s == end);
            } catch (Throwable t) {
                failures.handleEventException(t, s, slot);
            }
        }
        done.set(end);
        return end < available;
    }

    /**
     * Lets every slot published so far through both stages, on the host (or on this thread once
     * the host has stopped: then nothing else runs them), then stops: later publishes are not
     * decided. False when the slots did not finish within the timeout.
     */
    boolean close(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        CountDownLatch finished = new CountDownLatch(1);
        Runnable drainAll = () -> {
            try {
                while (done.get() < ring.getCursor() && System.nanoTime() < deadline) {
                    if (!drainOnce() && done.get() < ring.getCursor()) {
                        Thread.onSpinWait(); // a publisher between claiming its slot and publishing it
                    }
                }
            } finally {
                closed = true;
                finished.countDown();
            }
        };
        if (Thread.currentThread() == hostThread) {
            drainAll.run();
        } else {
            try {
                host.execute(drainAll);
            } catch (RejectedExecutionException e) {
                drainAll.run();
            }
        }
        return finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
            && done.get() >= ring.getCursor();
    }
}
