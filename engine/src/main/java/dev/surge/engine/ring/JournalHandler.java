package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.port.JournalPort;
import dev.surge.engine.port.ReplyPort;

/**
 * The last stage (after decide, on the same thread: see {@link EngineRing}):
 * appends each decided event, makes the batch durable once, at its end
 * (group commit), then hands the batch's slots to the reply port and the delivery port, in ring
 * order. Doing those hand-offs here rather than on stages of their own saves two threads and two
 * wake-ups per batch on a two-core machine: both only copy out of the slot and hand work to other
 * threads (the connections' event loops, the delivery dispatcher). A batch's slots are released
 * to publishers only after its hand-offs (by this handler as the batch ends, or by the Disruptor
 * after its last slot), so nothing reads a slot that is being reused.
 */
final class JournalHandler implements EventHandler<CommandSlot> {
    /**
     * Slots a batch holds at most when the journal does not wait for a disk: a full ring's batch
     * (8,192 slots of about 1 KiB) is out of cache by the time its replies are handed over, and
     * its first reply waits for all of it; a document more per 256 events costs little. With a
     * disk to wait for, a batch is as large as the ring: each ends with a sync.
     */
    static final int IN_CACHE_BATCH = 256;

    private final JournalPort journal;
    private final RingHealth health;
    private final RingMetrics metrics;
    private final ReplyPort replies;
    private final DeliveryPort deliveries;
    /** The slots of the current batch; a batch never exceeds the ring. */
    private final CommandSlot[] batch;
    /** Slots a batch holds at most: the ring, or {@link #IN_CACHE_BATCH} for a journal that does not wait for a disk. */
    private final int maxBatch;
    private int batchSize;
    /** Released to publishers as each batch ends, when the stage runs on a Disruptor thread. */
    private Sequence released;
    /** Events in the current batch, and the sequence of its last: counted as they are appended. */
    private long batchEvents;
    private long lastEventSequence;

    JournalHandler(JournalPort journal, RingHealth health, RingMetrics metrics, int ringSize, ReplyPort replies,
                   DeliveryPort deliveries) {
        this.journal = journal;
        this.health = health;
        this.metrics = metrics;
        this.replies = replies;
        this.deliveries = deliveries;
        this.batch = new CommandSlot[ringSize];
        this.maxBatch = journal.waitsForDisk() ? ringSize : Math.min(ringSize, IN_CACHE_BATCH);
    }

    @Override
    public void setSequenceCallback(Sequence sequenceCallback) {
        this.released = sequenceCallback;
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        batch[batchSize++] = slot;
        if (slot.eventLength > 0) {
            batchEvents++;
            lastEventSequence = slot.eventSequence;
            if (!health.halted()) {
                try {
                    journal.append(slot.eventSequence, slot.event, 0, slot.eventLength);
                } catch (RuntimeException e) {
                    health.halt("journal append failed at event " + slot.eventSequence, e);
                }
            }
        }
        if (endOfBatch || batchSize == maxBatch) {
            endBatch();
            if (released != null) {
                released.set(sequence); // its slots are done: publishers need not wait for the rest
            }
        }
    }

    private void endBatch() {
        if (!health.halted()) {
            try {
                journal.endOfBatch();
            } catch (RuntimeException e) {
                health.halt("journal flush failed", e);
            }
        }
        boolean durable = !health.halted();
        if (durable && batchEvents > 0) {
            metrics.journaledSequence(lastEventSequence);
        }
        metrics.onBatch(batchSize, batchEvents);
        batchEvents = 0;
        try {
            // one pass over the slots: at a full ring's batch they are no longer in cache
            for (int i = 0; i < batchSize; i++) {
                CommandSlot slot = batch[i];
                batch[i] = null;
                slot.journaled = durable || slot.eventLength == 0;
                replies.onReply(slot);
                deliveries.onJournaled(slot);
                // the slot lives as long as the ring: holding the caller's objects until the slot
                // comes round again would keep a ring's worth of requests alive for the collector
                // to copy at every young pause
                slot.context = null;
                slot.answer = null;
            }
        } finally {
            // a port that throws halts the ring (FatalHandler); never hand the same slots over twice
            batchSize = 0;
        }
    }
}
