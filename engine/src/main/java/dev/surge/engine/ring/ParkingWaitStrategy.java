package dev.surge.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How ring stages wait when nothing spins without work (docs/architecture.md): two waits, each
 * shaped by what it waits for.
 *
 * <ul>
 *   <li><b>For a publisher</b> (nothing published past the slot): a condition, signalled by a
 *       publisher only when some stage sleeps on it, as Disruptor's
 *       {@code LiteBlockingWaitStrategy} does. An idle server's stages sleep there and cost no
 *       CPU at all; a publish wakes them at once.</li>
 *   <li><b>For the stage before</b> (the slot is published, the upstream stage is still on it):
 *       Disruptor's stages do not signal when they advance, so this wait polls: a few spins,
 *       a few yields, then parks that double from 1 µs up to 100 µs. The upstream stage is
 *       working on that very slot, so the wait lasts one batch of decisions or one journal
 *       sync, and a stage that sleeps through a sync wakes at most ten thousand times a
 *       second, not the hundreds of thousands a plain spin-and-park costs.</li>
 * </ul>
 */
public final class ParkingWaitStrategy implements WaitStrategy {
    private static final int SPINS = 64;
    private static final int YIELDS = 8;
    private static final long FIRST_PARK_NANOS = 1_000;
    private static final long LONGEST_PARK_NANOS = 100_000;

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
        long park = FIRST_PARK_NANOS;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (tries < SPINS) {
                Thread.onSpinWait();
            } else if (tries < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park << 1, LONGEST_PARK_NANOS);
            }
            tries++;
        }
        return available;
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
