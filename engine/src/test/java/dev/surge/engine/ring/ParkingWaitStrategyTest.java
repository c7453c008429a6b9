package dev.surge.engine.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ParkingWaitStrategyTest {
    private static final int STAGES = 3;

    static final class Slot {
        long value;
        long seenBy;
    }

    /** Three chained stages, four publishers, a tiny ring: every event reaches the last stage, in order. */
    @Test
    void everyEventPassesEveryStageInOrder() throws Exception {
        int publishers = 4;
        int each = 20_000;
        CountDownLatch done = new CountDownLatch(publishers * each);
        long[] last = {-1};
        boolean[] ordered = {true};
        List<Thread> stages = new ArrayList<>();
        Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 64, r -> named(r, stages), ProducerType.MULTI,
            new ParkingWaitStrategy());
        disruptor.handleEventsWith(mark(1)).then(mark(2)).then((slot, sequence, end) -> {
            ordered[0] &= sequence == last[0] + 1 && slot.seenBy == 2;
            last[0] = sequence;
            done.countDown();
        });
        RingBuffer<Slot> ring = disruptor.start();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    if (i % 1000 == 0) {
                        LockSupport.parkNanos(200_000); // let the ring drain now and then: stages go to sleep
                    }
                    ring.publishEvent((slot, sequence, v) -> slot.value = v, (long) i);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "events lost: " + done.getCount() + " never reached the end");
        assertTrue(ordered[0], "a stage saw a slot before the stage ahead of it");
        disruptor.shutdown(5, TimeUnit.SECONDS);
    }

    /** With nothing published, every stage sleeps on the condition: no spinning, no timed wake-ups. */
    @Test
    void idleStagesSleepUntilAPublish() throws Exception {
        List<Thread> stages = new ArrayList<>();
        CountDownLatch seen = new CountDownLatch(2);
        Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 64, r -> named(r, stages), ProducerType.MULTI,
            new ParkingWaitStrategy());
        disruptor.handleEventsWith(mark(1)).then(mark(2)).then((slot, sequence, end) -> seen.countDown());
        RingBuffer<Slot> ring = disruptor.start();
        ring.publishEvent((slot, sequence) -> slot.value = 1);
        Thread.sleep(100);
        for (int sample = 0; sample < 50; sample++) {
            for (Thread t : stages) {
                assertEquals(Thread.State.WAITING, t.getState(), t.getName() + " is not asleep while idle");
            }
            Thread.sleep(4);
        }
        ring.publishEvent((slot, sequence) -> slot.value = 2);
        assertTrue(seen.await(5, TimeUnit.SECONDS), "a publish did not wake the sleeping stages");
        disruptor.shutdown(5, TimeUnit.SECONDS);
        assertEquals(STAGES, stages.size());
    }

    /** Halting a ring whose stages sleep returns: the alert reaches them. */
    @Test
    void haltWakesSleepingStages() throws Exception {
        List<Thread> stages = new ArrayList<>();
        Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 64, r -> named(r, stages), ProducerType.MULTI,
            new ParkingWaitStrategy());
        disruptor.handleEventsWith(mark(1)).then(mark(2)).then((slot, sequence, end) -> { });
        disruptor.start();
        Thread.sleep(50);
        disruptor.halt();
        for (Thread t : stages) {
            t.join(5_000);
            assertTrue(!t.isAlive(), t.getName() + " still waits after halt");
        }
    }

    private static EventHandler<Slot> mark(int stage) {
        return (slot, sequence, end) -> slot.seenBy = stage;
    }

    private static Thread named(Runnable r, List<Thread> stages) {
        Thread t = new Thread(r, "stage-" + stages.size());
        t.setDaemon(true);
        stages.add(t);
        return t;
    }
}
