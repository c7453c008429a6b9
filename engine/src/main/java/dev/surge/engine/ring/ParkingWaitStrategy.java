package dev.surge.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How ring stages wait when nothing spins without work (docs/architecture.md): both waits sleep
 * on one condition, and whoever makes progress signals it, only when some stage sleeps there.
 *
 * <ul>
 *   <li><b>For a publisher</b> (nothing published past the slot): the condition, signalled by
 *       the ring on every publish, as Disruptor's {@code LiteBlockingWaitStrategy} does. An idle
 *       server's stages sleep there and cost no CPU at all; a publish wakes them at once.</li>
 *   <li><b>For the stage before</b> (the slot is published, the upstream stage is still on it):
 *       a few spins and yields, since the upstream stage is working on that very slot, then the
 *       same condition. Disruptor's stages do not signal when they advance, so a stage that
 *       others wait for calls {@link #signalAllWhenBlocking} after it releases its batch; a bounded
 *       sleep covers any stage that does not. (The engine's ring has one stage, decide and journal
 *       on one thread, so only the first wait is used there.)</li>
 * </ul>
 */
public final class ParkingWaitStrategy implements WaitStrategy {
    private static final int SPINS = 64;
    private static final int YIELDS = 8;
    /** The longest sleep waiting for the stage before, should it release without a signal. */
    private static final long UPSTREAM_SLEEP_NANOS = 100_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final AtomicBoolean sleeping = new AtomicBoolean();

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
        throws AlertException, InterruptedException {
        if (cursor.get() < sequence) {
            awaitPublication(sequence, cursor, barrier);
        }
        long available;
        int tries = 0;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (tries < SPINS) {
                Thread.onSpinWait();
            } else if (tries < SPINS + YIELDS) {
                Thread.yield();
            } else {
                awaitUpstream(sequence, dependentSequence, barrier);
            }
            tries++;
        }
        return available;
    }

    private void awaitUpstream(long sequence, Sequence dependentSequence, SequenceBarrier barrier)
        throws AlertException, InterruptedException {
        lock.lock();
        try {
            // set before the check, so a release after the check sees it and signals
            sleeping.set(true);
            if (dependentSequence.get() < sequence) {
                barrier.checkAlert();
                published.awaitNanos(UPSTREAM_SLEEP_NANOS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitPublication(long sequence, Sequence cursor, SequenceBarrier barrier)
        throws AlertException, InterruptedException {
        lock.lock();
        try {
            // set before the check, so a publish after the check sees it and signals
            sleeping.set(true);
            while (cursor.get() < sequence) {
                barrier.checkAlert();
                published.await();
                sleeping.set(true);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void signalAllWhenBlocking() {
        if (sleeping.getAndSet(false)) {
            lock.lock();
            try {
                published.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "ParkingWaitStrategy";
    }
}
