package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.state.StateMachine;

/**
 * First stage: the single writer. Owns the {@link StateMachine}; runs on its own thread. At the
 * end of each batch it releases the batch to the journal stage itself and wakes that stage if it
 * sleeps ({@link ParkingWaitStrategy}), rather than let it find out by polling.
 */
final class DecideHandler implements EventHandler<CommandSlot> {
    private final StateMachine machine;
    private final RingHealth health;
    private final WaitStrategy wait;
    private Sequence released;

    DecideHandler(StateMachine machine, RingHealth health, WaitStrategy wait) {
        this.machine = machine;
        this.health = health;
        this.wait = wait;
    }

    @Override
    public void setSequenceCallback(Sequence sequenceCallback) {
        this.released = sequenceCallback;
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        decide(slot);
        if (endOfBatch) {
            // what the Disruptor sets right after this batch anyway, set first so the signal finds it
            released.set(sequence);
            wait.signalAllWhenBlocking();
        }
    }

    /** The decision alone: what the one-thread engine stage calls before journaling the slot. */
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
