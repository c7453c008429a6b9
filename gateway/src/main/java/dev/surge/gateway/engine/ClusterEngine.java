package dev.surge.gateway.engine;

import dev.surge.cluster.AnswerCodec;
import dev.surge.cluster.ClusterEngineClient;
import dev.surge.cluster.ClusterWire;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.reply.ReplyView;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Surge cluster as the gateway's {@link Engine} (docs/cluster.md): every command goes through one
 * {@link ClusterEngineClient}, and its {@link RingCall} hears the answer once a majority of the
 * members has the command, as it would hear its own ring's once journaled. Commands are written
 * without a {@code ClaimEdge}: the gateway holds no state to resolve claims against, the members
 * resolve and hash them. A query's rich answer comes back as bytes ({@link AnswerCodec}) and is put
 * on the slot as the engine's own object, so the same renderers serve both engines.
 *
 * <p>Refusals: more than {@code maxInFlight} commands without an answer is 503 OVERLOADED, as a
 * full ring is; a closed client, or one without a session for longer than {@link #SESSIONLESS_LIMIT},
 * is 503 UNAVAILABLE. Commands already sent wait for their answer (the client sends them again
 * to whichever member leads next).
 *
 * <p>Threading: {@link #publish} from any thread (each has its own writer and slot to write into);
 * answers are handed over on the client's one thread, which owns the slot and view they are read
 * into (under a lock it alone takes while it runs: once it is closed, the thread that closes it and
 * any thread that still publishes answer with the same slot).
 */
public final class ClusterEngine implements Engine, AutoCloseable {
    /** How long the client may be without a session before commands are refused rather than queued. */
    public static final Duration SESSIONLESS_LIMIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEngine.class);

    private final ClusterEngineClient client;
    private final int maxInFlight;
    private final String members;
    private final EpochClock clock;
    private final LongAdder published = new LongAdder();
    private final FastThreadLocal<Outbox> outboxes = new FastThreadLocal<>() {
        @Override
        protected Outbox initialValue() {
            return new Outbox(new Publisher(clock, null), new CommandSlot());
        }
    };
    // the client's thread only
    private final CommandSlot answer = new CommandSlot();
    private final ReplyView view = new ReplyView();

    /**
     * @param client      the one client this gateway sends through (closed with this engine)
     * @param maxInFlight commands without an answer beyond which publishing refuses
     * @param members     the members as configured, for messages
     */
    public ClusterEngine(ClusterEngineClient client, int maxInFlight, String members, EpochClock clock) {
        this.client = client;
        this.maxInFlight = maxInFlight;
        this.members = members;
        this.clock = clock;
    }

    @Override
    public boolean publish(RingCall call) {
        if (client.inFlight() >= maxInFlight) {
            return false;
        }
        Outbox out = outboxes.get();
        CommandSlot slot = out.slot;
        call.writeCommand(out.publisher, slot);
        published.increment();
        if (slot.commandLength > ClusterWire.MAX_COMMAND) {
            NoAnswer no = new NoAnswer(NoAnswer.Reason.COMMAND_TOO_LARGE, "the " + slot.type + " command is "
                + slot.commandLength + " bytes, more than the cluster takes in one message (" + ClusterWire.MAX_COMMAND
                + "); send it in parts");
            // answered on this thread, nothing sent: into this thread's own slot (the command is done with)
            reply(slot, new ReplyView(), call, slot.type, ResultCode.UNAVAILABLE, no, slot.reply, 0);
            return true;
        }
        client.send(slot, new Waiting(call, slot.type));
        return true;
    }

    /** One command sent: its call and type, until its answer comes. */
    private final class Waiting implements ClusterEngineClient.AnswerHandler {
        private final RingCall call;
        private final CommandType type;

        Waiting(RingCall call, CommandType type) {
            this.call = call;
            this.type = type;
        }

        @Override
        public void onAnswer(ResultCode result, DirectBuffer buffer, int replyLength, int answerLength) {
            Object rich = null;
            ResultCode r = result;
            try {
                rich = AnswerCodec.read(buffer, replyLength, answerLength);
            } catch (IllegalArgumentException e) {
                LOG.error("the cluster's answer to a {} could not be read", type, e);
                rich = new NoAnswer(NoAnswer.Reason.UNAVAILABLE, "the cluster's answer could not be read");
            }
            if (rich instanceof AnswerCodec.TooLarge large) {
                rich = new NoAnswer(NoAnswer.Reason.ANSWER_TOO_LARGE, "the answer (" + large.bytes() + " bytes) is "
                    + "longer than the cluster sends in one message (" + ClusterWire.MAX_ANSWER + "): not available "
                    + "through a gateway in front of a cluster (docs/cluster.md)");
            } else if (result == ResultCode.UNAVAILABLE && rich == null) {
                rich = new NoAnswer(NoAnswer.Reason.UNAVAILABLE, client.closed()
                    ? "the gateway is stopping: its cluster client is closed"
                    : "the cluster decides nothing more (a member's state machine halted: see its log)");
            }
            if (rich instanceof NoAnswer) {
                r = ResultCode.UNAVAILABLE;
            }
            synchronized (answer) { // the client's thread; also a closing or publishing thread once it is closed
                reply(answer, view, call, type, r, rich, buffer, replyLength);
            }
        }
    }

    /** Fills {@code s} as the ring's journal stage leaves a slot, and hands it to the call. */
    private static void reply(CommandSlot s, ReplyView view, RingCall call, CommandType type, ResultCode result,
                              Object rich, DirectBuffer reply, int replyLength) {
        s.reset(type);
        s.result = result;
        s.journaled = result != ResultCode.UNAVAILABLE; // a majority holds it: what the journal's flush is to a ring
        s.reply.putBytes(0, reply, 0, replyLength);
        s.replyLength = replyLength;
        s.answer = rich;
        s.context = call;
        try {
            call.onReply(s, view);
        } catch (RuntimeException | Error e) {
            LOG.error("reply for {} failed", type, e); // never let a rendering bug stop the client's thread
        } finally {
            s.answer = null; // let go of the caller's objects at once
            s.context = null;
        }
    }

    @Override
    public boolean halted() {
        return client.closed() || client.sessionlessNanos() > SESSIONLESS_LIMIT.toNanos();
    }

    @Override
    public String unavailableReason() {
        if (client.closed()) {
            return "the gateway's cluster client is closed";
        }
        long sessionless = client.sessionlessNanos();
        return sessionless == 0 ? null : "no session with the cluster (" + members + ") for "
            + TimeUnit.NANOSECONDS.toMillis(sessionless) + " ms";
    }

    @Override
    public long published() {
        return published.sum();
    }

    @Override
    public int maxCommandBytes() {
        return ClusterWire.MAX_COMMAND;
    }

    public ClusterEngineClient client() {
        return client;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Closes the client: commands still waiting are answered 503 UNAVAILABLE. */
    @Override
    public void close() {
        client.close();
    }

    /** A publishing thread's writer (no edge) and the slot it writes commands into before they are sent. */
    private record Outbox(Publisher publisher, CommandSlot slot) {
    }
}
