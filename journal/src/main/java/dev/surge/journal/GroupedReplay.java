package dev.surge.journal;

import dev.surge.engine.event.EventView;
import dev.surge.engine.state.ReplayGroup;
import dev.surge.engine.state.StateMachine;
import java.util.function.IntConsumer;

/**
 * Applies the events a {@link JournalReader} reads to a state machine a {@link ReplayGroup} at a
 * time, so that the cache misses of a group overlap. The reader's loop only queues them:
 * {@link #flush} applies the rest, and must follow every {@link JournalReader#read}.
 *
 * <p>Threading: confined to the replaying thread.
 */
final class GroupedReplay implements JournalReader.Visitor {
    private final StateMachine machine;
    private final ReplayGroup group;
    private final IntConsumer applied;

    /** {@code applied} hears how many events each group applied. */
    GroupedReplay(StateMachine machine, IntConsumer applied) {
        this.machine = machine;
        this.group = machine.replayGroup();
        this.applied = applied;
    }

    @Override
    public boolean onEvent(long index, EventView event) {
        if (group.add(event.buffer(), event.offset(), event.length(), index)) {
            flush();
        }
        return true;
    }

    /** Applies the events queued; throws when the machine refuses one, which is a bug (the reader checked it). */
    void flush() {
        int queued = group.size();
        int refused = group.apply();
        if (refused != ReplayGroup.ALL_APPLIED) {
            throw new IllegalStateException("event " + group.sequence(refused) + " at index "
                + BadRecord.describeIndex(group.tag(refused)) + " passed every check but the state machine (at event "
                + machine.lastSequence() + ") refused it");
        }
        applied.accept(queued);
    }

    /** After the last {@link #flush}: see {@link ReplayGroup#finish}. */
    void finish() {
        group.finish();
    }
}
