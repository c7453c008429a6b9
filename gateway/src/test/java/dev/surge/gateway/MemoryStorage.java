package dev.surge.gateway;

import dev.surge.engine.port.JournalPort;
import dev.surge.engine.state.StateConfig;
import dev.surge.engine.state.StateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A journal in memory that outlives the gateways using it: a second gateway on the same storage
 * recovers by replaying every event, like a restart. Can stall (to fill the ring) or fail (to
 * halt the engine) on demand.
 */
public final class MemoryStorage implements EngineStorage {
    private final List<byte[]> events = new ArrayList<>();
    /** Like a data directory's key: every recovery from this storage builds the same tables. */
    private final StateConfig config;
    public volatile CountDownLatch stall;
    public volatile boolean fail;
    /**
     * Whether the journal says it waits for a disk: by default it does, so the ring keeps two
     * threads and a test may stall the journal without stalling an event loop; false lets the
     * engine run on one thread or an event loop, as it does with process durability.
     */
    public volatile boolean waitsForDisk = true;

    public MemoryStorage() {
        this(StateConfig.randomKey());
    }

    /** Under a given key: a state decided here holds the same grant ids as one decided elsewhere under it. */
    public MemoryStorage(StateConfig config) {
        this.config = config;
    }

    @Override
    public synchronized StateMachine recover() {
        StateMachine m = new StateMachine(config);
        for (byte[] e : events) {
            if (!m.apply(new UnsafeBuffer(e), 0, e.length)) {
                throw new IllegalStateException("event did not apply");
            }
        }
        return m;
    }

    /** Adds an event as if an earlier version had journaled it (between two gateways on this storage). */
    public synchronized void append(byte[] event) {
        events.add(event.clone());
    }

    public synchronized int size() {
        return events.size();
    }

    /** Whether any event journaled so far matches. */
    public synchronized boolean any(java.util.function.Predicate<dev.surge.engine.event.EventView> test) {
        dev.surge.engine.event.EventView v = new dev.surge.engine.event.EventView();
        for (byte[] e : events) {
            if (v.wrap(new UnsafeBuffer(e), 0, e.length) && test.test(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public JournalPort journal() {
        return new JournalPort() {
            @Override
            public boolean waitsForDisk() {
                return waitsForDisk;
            }

            @Override
            public void append(long sequence, DirectBuffer event, int offset, int length) {
                if (fail) {
                    throw new IllegalStateException("disk on fire");
                }
                byte[] copy = new byte[length];
                event.getBytes(offset, copy);
                synchronized (MemoryStorage.this) {
                    events.add(copy);
                }
            }

            @Override
            public void endOfBatch() {
                CountDownLatch s = stall;
                if (s != null) {
                    try {
                        s.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
