package dev.surge.engine.ring;

import com.lmax.disruptor.RingBuffer;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.state.StateMachine;

/**
 * The decision of each slot, by the single writer: owns the {@link StateMachine}. Runs on the
 * ring's one thread, before the slot is journaled ({@link EngineRing}); it reads a batch's
 * table lines ahead so that their misses overlap.
 */
final class DecideStage {
    /** Bytes of a cache line. */
    private static final int LINE = 64;
    private final StateMachine machine;
    private final RingHealth health;
    private final RingBuffer<CommandSlot> ring;
    /** Size of the batch that starts with the next event, or 0 inside a batch. */
    private long startingBatch;
    /** Last sequence of the current batch: published, so its slots may be read ahead. */
    private long batchEnd;
    /** Last sequence prefetched. */
    private long prefetchedTo = -1;
    /** Last sequence whose slot was read ahead ({@link #readSlot}). */
    private long slotsReadTo = -1;
    /** What the reads ahead of slots found, kept so that they are not optimised away. */
    private long slotsRead;

    DecideStage(StateMachine machine, RingHealth health, RingBuffer<CommandSlot> ring) {
        this.machine = machine;
        this.health = health;
        this.ring = ring;
    }

    /** A batch of {@code batchSize} slots starts with the next one decided. */
    void onBatchStart(long batchSize) {
        startingBatch = batchSize;
    }

    /**
     * Decides the slot; first, when it starts a group, reads ahead the table lines of the group's
     * {@link StateMachine#PREFETCH_GROUP} slots of this batch (all published), so that their
     * misses overlap.
     */
    void decideAhead(CommandSlot slot, long sequence) {
        if (startingBatch > 0) {
            batchEnd = sequence + startingBatch - 1;
            startingBatch = 0;
        }
        if (sequence > prefetchedTo) {
            long to = Math.max(sequence, Math.min(sequence + StateMachine.PREFETCH_GROUP - 1, batchEnd));
            // the slots first, this group's (if not read yet) and the next group's: a slot's command
            // was written by a publisher on another core, often a ring's turn ago, so each is a chain
            // of misses (slot, buffer, bytes); read in a loop of their own they overlap, and the next
            // group's complete while this group is prefetched and decided
            long readTo = Math.max(to, Math.min(to + StateMachine.PREFETCH_GROUP, batchEnd));
            long read = 0;
            for (long s = Math.max(slotsReadTo + 1, sequence); s <= readTo; s++) {
                read += readSlot(ring.get(s));
            }
            slotsRead += read;
            slotsReadTo = readTo;
            for (long s = sequence; s <= to; s++) {
                machine.prefetch(ring.get(s));
            }
            for (long s = sequence; s <= to; s++) { // the users' lines, through the index slots just read
                machine.prefetchLine(ring.get(s));
            }
            prefetchedTo = to;
        }
        decide(slot);
    }

    /**
     * Reads the lines of a published slot that its decision reads or writes: the slot, each line
     * of its command, the first line of its event and reply buffers (written by the decision).
     */
    static long readSlot(CommandSlot slot) {
        byte[] command = slot.command.byteArray();
        int length = Math.min(slot.commandLength, command.length);
        long sum = length;
        for (int i = 0; i < length; i += LINE) {
            sum += command[i];
        }
        return sum + slot.event.byteArray()[0] + slot.reply.byteArray()[0];
    }

    /** The decision alone. */
    void decide(CommandSlot slot) {
        if (health.halted()) {
            // the journal failed: state may already be ahead of it, so decide nothing more
            slot.eventLength = 0;
            slot.replyLength = 0;
            slot.result = ResultCode.UNAVAILABLE;
        } else {
            machine.decide(slot);
        }
    }
}
