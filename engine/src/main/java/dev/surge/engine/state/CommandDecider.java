package dev.surge.engine.state;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Identities;
import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;
import org.agrona.DirectBuffer;

/**
 * One family of commands (claims, redemptions, administration, deliveries, queries), decided into
 * at most one event plus a reply, reading state but never changing it: the event is applied
 * through {@link EventApplier} by {@link #commit}. Each family is its own subclass, so the hot
 * path (claims) reads apart from the rest. All share one {@link Decision} (reader, writer, reply)
 * and are confined to the writer thread.
 */
abstract class CommandDecider {
    final EngineState state;
    final StateMachine machine;
    final Identities identities;
    final WireReader in;
    final WireWriter out;
    final ReplyWriter reply;
    private final Decision decision;

    // the command being decided
    CommandSlot slot;
    DirectBuffer cmd;
    long time;

    CommandDecider(Decision decision) {
        this.decision = decision;
        this.state = decision.state;
        this.machine = decision.machine;
        this.identities = decision.state.identities;
        this.in = decision.in;
        this.out = decision.out;
        this.reply = decision.reply;
    }

    /** Decides {@code slot}, whose command is one of this family's, at {@code time}. */
    final void decide(CommandSlot slot, long time) {
        this.slot = slot;
        this.cmd = slot.command;
        this.time = time;
        in.wrap(slot.command, 0, slot.commandLength);
        dispatch(slot.type);
    }

    /** Runs the decision of the command {@code type}, one of this family's. */
    abstract void dispatch(CommandType type);

    /** Starts the event: type, the next sequence, the decision's time. */
    final void header(EventType type) {
        out.wrap(slot.event, 0);
        out.putByte(type.code()).putLong(state.lastSequence + 1).putLong(time);
    }

    /** For events that are their command: the rest of the command from {@code start}, as validated. */
    final void copyCommandFrom(int start) {
        out.putRaw(cmd, start, slot.commandLength - start);
    }

    /**
     * Answers a repeated Idempotency-Key of a redemption or a transfer from its record (the
     * original result and grant, or IDEMPOTENCY_KEY_REUSED for another request under the key);
     * false when the key is new or absent.
     */
    final boolean replayGrantDecision(int scope, long actorHigh, long actor, int keyOff, int keyLen,
                                      long fingerprint) {
        if (keyLen == 0) {
            return false;
        }
        long key = identities.key(scope, actorHigh, actor, cmd, keyOff, keyLen);
        int seen = state.idempotency.find(identities.keyHigh(), key, time);
        if (seen == IdempotencyTable.MISSING) {
            return false;
        }
        if (state.idempotency.fingerprint(seen) != fingerprint) {
            reply.result(ResultCode.IDEMPOTENCY_KEY_REUSED);
            return true;
        }
        reply.replayed(ResultCode.of(state.idempotency.result(seen)));
        int g = state.idempotency.reference(seen);
        reply.grantId(g == GrantBook.NONE ? 0 : state.grants.idHi[g], g == GrantBook.NONE ? 0 : state.grants.idLo[g]);
        return true;
    }

    /** Applies the event just written and records it in the slot for the journal. */
    final void commit(ResultCode result) {
        decision.applier.apply(written());
        reply.result(result);
    }

    /**
     * {@link #commit} of a claim's CLAIM_GRANTED or CLAIM_REJECTED, from the facts the decider
     * resolved and wrote: the event is not parsed back (tests with assertions on check that it
     * reads as those facts).
     */
    final void commitClaim(ClaimFacts facts) {
        record();
        facts.sequence = slot.eventSequence;
        facts.timestamp = time;
        assert facts.matches(parsed()) : "a claim's event does not read as its facts";
        decision.applier.applyClaim(facts);
        reply.result(facts.result);
    }

    /** Records the event just written in the slot for the journal. */
    private void record() {
        slot.eventLength = out.position();
        slot.eventSequence = state.lastSequence + 1;
    }

    /** Records the event just written in the slot for the journal; returns it, parsed. */
    private EventView written() {
        record();
        return parsed();
    }

    private EventView parsed() {
        EventView view = decision.view;
        if (!view.wrap(slot.event, 0, slot.eventLength)) {
            throw new IllegalStateException("engine wrote a malformed " + slot.type + " event");
        }
        return view;
    }
}
