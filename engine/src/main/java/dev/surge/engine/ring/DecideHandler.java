package dev.surge.engine.ring;

import com.lmax.disruptor.EventHandler;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.state.StateMachine;

/** First stage: the single writer. Owns the {@link StateMachine}; runs on its own thread. */
final class DecideHandler implements EventHandler<CommandSlot> {
    private final StateMachine machine;
    private final RingHealth health;

    DecideHandler(StateMachine machine, RingHealth health) {
        this.machine = machine;
        this.health = health;
    }

    @Override
    public void onEvent(CommandSlot slot, long sequence, boolean endOfBatch) {
        if (health.halted()) {
            // the journal failed: state may already be ahead of it, so decide nothing more
            slot.eventLength = 0;
            slot.replyLength = 0;
            slot.result = ResultCode.UNAVAILABLE;
            return;
        }
        machine.decide(slot);
    }
}
