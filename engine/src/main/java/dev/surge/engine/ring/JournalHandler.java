package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.JournalPort;

/**
 * Second stage: appends each decided event and makes the batch durable once, at its end
 * (group commit). The Disruptor publishes this stage's progress only after the whole batch,
 * so later stages never see a slot whose batch is not yet flushed. Runs on its own thread.
 */
final class JournalHandler implements EventHandler<CommandSlot> {
    private final JournalPort journal;
    private final RingHealth health;
    private final RingMetrics metrics;
    /** The slots of the current batch; a batch never exceeds the ring. */
    private final CommandSlot[] batch;
    private int batchSize;

    JournalHandler(JournalPort journal, RingHealth health, RingMetrics metrics, int ringSize) {
        this.journal = journal;
        this.health = health;
        this.metrics = metrics;
        this.batch = new CommandSlot[ringSize];
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        batch[batchSize++] = slot;
        if (slot.eventLength > 0 && !health.halted()) {
            try {
                journal.append(slot.eventSequence, slot.event, 0, slot.eventLength);
            } catch (RuntimeException e) {
                health.halt("journal append failed at event " + slot.eventSequence, e);
            }
        }
        if (endOfBatch || batchSize == batch.length) {
            endBatch();
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
        long events = 0;
        for (int i = 0; i < batchSize; i++) {
            CommandSlot slot = batch[i];
            batch[i] = null;
            if (slot.eventLength > 0) {
                events++;
                if (durable) {
                    metrics.journaledSequence(slot.eventSequence);
                }
            }
            slot.journaled = durable || slot.eventLength == 0;
        }
        metrics.onBatch(batchSize, events);
        batchSize = 0;
    }
}
