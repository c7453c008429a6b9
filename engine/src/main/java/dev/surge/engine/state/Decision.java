package dev.surge.engine.state;

import dev.surge.engine.event.EventView;
import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;

/**
 * What every {@link CommandDecider} shares: the state it reads, the command reader, the event
 * writer, the reply writer, and the applier its events go through. One per state machine,
 * confined to the writer thread.
 */
final class Decision {
    final EngineState state;
    final StateMachine machine;
    final EventApplier applier;
    final EventView view = new EventView();
    final WireReader in = new WireReader();
    final WireWriter out = new WireWriter();
    final ReplyWriter reply;

    Decision(EngineState state, EventApplier applier, StateMachine machine) {
        this.state = state;
        this.applier = applier;
        this.machine = machine;
        this.reply = new ReplyWriter(state);
    }
}
