package dev.surge.journal;

import dev.surge.engine.event.EventView;
import dev.surge.engine.state.ReplayBatch;
import dev.surge.engine.state.ReplayGroup;
import dev.surge.engine.state.ReplayPreparer;
import dev.surge.engine.state.StateMachine;
import java.util.function.IntConsumer;

/**
 * Applies the events a {@link JournalReader} reads to a state machine a {@link ReplayGroup} at a
 * time, so that the cache misses of a group overlap. As a visitor it does both halves on the
 * reading thread: the reader's loop only queues events into a {@link ReplayBatch}, and
 * {@link #flush} prepares and applies the rest, and must follow every {@link JournalReader#read}.
 * {@link PipelinedReplay} prepares batches on a reader thread of its own and hands them to
 * {@link #apply(ReplayBatch)}.
 *
 * <p>Threading: confined to the replaying thread.
 */
final class GroupedReplay implements JournalReader.Visitor {
    private final StateMachine machine;
    private final ReplayGroup group;
    private final IntConsumer applied;
    private final ReplayBatch batch = new ReplayBatch();
    private final ReplayPreparer preparer;

    /** {@code applied} hears how many events each group applied. */
    GroupedReplay(StateMachine machine, IntConsumer applied) {
        this.machine = machine;
        this.group = machine.replayGroup();
        this.applied = applied;
        this.preparer = machine.replayPreparer();
    }

    @Override
    public boolean onEvent(long index, EventView event) {
        if (batch.add(event.buffer(), event.offset(), event.length(), index)) {
            flush();
        }
        return true;
    }

    /** Prepares and applies the events queued; throws as {@link #apply(ReplayBatch)} does. */
    void flush() {
        preparer.prepare(batch);
        apply(batch);
        batch.clear();
    }

    /**
     * Applies a prepared batch (left as it is) in order; throws when the machine refuses an event,
     * which is a bug (the reader checked it).
     */
    void apply(ReplayBatch prepared) {
        int refused = group.apply(prepared);
        if (refused != ReplayGroup.ALL_APPLIED) {
            throw new IllegalStateException("event " + prepared.sequence(refused) + " at index "
                + BadRecord.describeIndex(prepared.tag(refused)) + " passed every check but the state machine (at event "
                + machine.lastSequence() + ") refused it");
        }
        if (prepared.size() > 0) {
            applied.accept(prepared.size());
        }
    }

    /** After the last {@link #flush}: see {@link ReplayGroup#finish}. */
    void finish() {
        group.finish();
    }
}
