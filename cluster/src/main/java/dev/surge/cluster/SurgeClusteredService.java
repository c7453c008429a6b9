package dev.surge.cluster;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateConfig;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.CodeCipher;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link StateMachine} as an Aeron Cluster service: every node decides every
 * command of the replicated log, in log order, exactly as the ring's writer thread decides a
 * slot ({@code DecideStage}): the same {@link StateMachine#decide}, the same slot. Only the
 * leader's answer leaves the node (a follower's {@link ClientSession#offer} goes nowhere), and
 * it leaves only once the log holds the command on a majority of the nodes: the cluster's
 * commit is what the ring's journal flush is to a single gateway.
 *
 * <p>Time: the command's timestamp is the log's (the leader's clock when it appended the
 * command), where a gateway's publisher stamps its own clock; a replay or a follower reads the
 * same value, so decisions repeat. Nothing here reads the node's clock or a random source.
 *
 * <p>After each decision, as a single gateway's journal stage does after its flush
 * (docs/cluster.md): the event goes into the member's own journal ({@link MemberJournal}); on the
 * leader, the decided slot goes to the delivery and refund dispatchers ({@link LeaderDispatch});
 * the order expiry timer follows the state's earliest {@code payBy} ({@link OrderExpiryTimer}); and
 * the answer is kept for a client that sends the command again ({@link AnswerWindow}).
 *
 * <p>Threading: every callback runs on the service container's one thread, which owns the state
 * machine; {@link #probe} is the one entry from other threads.
 */
public final class SurgeClusteredService implements ClusteredService {
    private static final Logger LOG = LoggerFactory.getLogger(SurgeClusteredService.class);
    /** How often a back-pressured answer is retried before it is dropped (the client re-sends). */
    private static final int ANSWER_ATTEMPTS = 1_000;

    private final CodeCipher cipher;
    private final StateConfig config;
    private final MemberJournal journal;
    private final LeaderDispatch dispatch;
    private final CommandSlot slot = new CommandSlot();
    private final CommandWriter writer = new CommandWriter();
    private final ExpandableArrayBuffer answer = new ExpandableArrayBuffer(512);
    private final OrderExpiryTimer expiry = new OrderExpiryTimer();
    private final AtomicReference<CompletableFuture<NodeState>> probe = new AtomicReference<>();
    private StateMachine machine;
    private AnswerWindow window = new AnswerWindow();
    private Cluster cluster;
    private IdleStrategy idle;
    private long commands;
    private long resends;
    private long snapshots;
    private long restoredAt = -1;
    /** Why this member stopped deciding, or null. */
    private String halted;

    /**
     * A service that decides and answers only: no journal, no deliveries (benchmarks, tests of
     * the log alone). {@code cipher}: the data key, which seals snapshots; {@code config}: the
     * state's identity key and window.
     */
    public SurgeClusteredService(CodeCipher cipher, StateConfig config) {
        this(cipher, config, null, null);
    }

    /**
     * A member's service: its decided events into {@code journal} (null: none), and while it leads,
     * deliveries and refunds by {@code dispatch} (null: none).
     */
    SurgeClusteredService(CodeCipher cipher, StateConfig config, MemberJournal journal, LeaderDispatch dispatch) {
        this.cipher = cipher;
        this.config = config;
        this.journal = journal;
        this.dispatch = dispatch;
    }

    @Override
    public void onStart(Cluster cluster, Image snapshotImage) {
        this.cluster = cluster;
        this.idle = cluster.idleStrategy();
        if (snapshotImage == null) {
            machine = new StateMachine(config);
        } else {
            ClusterSnapshot.Restored restored = ClusterSnapshot.read(snapshotImage, cipher, config, idle);
            machine = restored.machine();
            window = restored.window();
            restoredAt = machine.lastSequence();
            LOG.info("state restored from a snapshot: event {}, digest {}, {} answers kept for re-sent commands",
                machine.lastSequence(), Long.toHexString(machine.digest()), window.size());
        }
        if (journal != null) {
            journal.open(machine.lastSequence());
        }
    }

    @Override
    public void onSessionMessage(ClientSession session, long timestamp, DirectBuffer buffer, int offset, int length,
                                 Header header) {
        int answerLength;
        if (ClusterWire.readCommand(buffer, offset, length, timestamp, slot)) {
            long client = ClusterWire.clientId(buffer, offset);
            if (client != 0) {
                window.seen(client, ClusterWire.answeredBelow(buffer, offset), timestamp);
                answerLength = window.answered(client, slot.correlationId, answer);
                if (answerLength >= 0) {
                    resends++; // sent again: its first answer, not a second decision
                    if (session != null) {
                        reply(session, answerLength);
                    }
                    return;
                }
                if (dispatch != null) {
                    slot.context = dispatch.contextOf(client, slot.correlationId);
                }
            }
            decided();
            answerLength = ClusterWire.writeAnswer(answer, slot);
            if (client != 0 && AnswerWindow.keeps(slot.type)) {
                window.keep(client, slot.correlationId, answer, answerLength);
            }
        } else {
            long correlationId = length >= 8 ? ClusterWire.correlationId(buffer, offset) : 0;
            answerLength = ClusterWire.writeAnswer(answer, correlationId, ResultCode.INVALID);
        }
        slot.answer = null; // a rich query answer went into the message (AnswerCodec); never keep it
        slot.context = null;
        if (session != null) {
            reply(session, answerLength);
        }
    }

    /**
     * The order expiry timer went off: an {@code EXPIRE_ORDERS} at the timer event's time, decided
     * like any command (docs/cluster.md, "Timers").
     */
    @Override
    public void onTimerEvent(long correlationId, long timestamp) {
        if (correlationId != OrderExpiryTimer.CORRELATION_ID) {
            return;
        }
        expiry.fired();
        writer.expireOrders(slot, timestamp);
        decided();
        slot.answer = null;
    }

    /**
     * Decides the slot's command, then what a single gateway does after its journal's flush: the
     * event into this member's journal, the slot to the dispatchers (on the leader), and the
     * order expiry timer after the state's deadline.
     */
    private void decided() {
        decide();
        commands++;
        slot.journaled = true; // committed: a majority holds the command
        if (journal != null) {
            journal.append(slot);
        }
        if (dispatch != null) {
            dispatch.onDecided(slot);
        }
        if (halted == null) {
            expiry.follow(cluster, machine.orderDeadline(), idle);
        }
    }

    /**
     * The decision, as the ring's decide stage makes it: a state machine that threw has a bug and
     * may be half-way through a change, so from then on it decides nothing (UNAVAILABLE), as a
     * halted ring does. Every member throws on the same command, so they stay equal.
     */
    private void decide() {
        if (halted == null) {
            try {
                machine.decide(slot);
                return;
            } catch (RuntimeException e) {
                halted = "the state machine failed on a " + slot.type + " at " + slot.timestamp + ": " + e;
                LOG.error("{}; this member decides nothing more", halted, e);
            }
        }
        slot.eventLength = 0;
        slot.replyLength = 0;
        slot.result = ResultCode.UNAVAILABLE;
    }

    /**
     * Answers the session; a back-pressured egress is retried a while, then the answer is dropped:
     * the client re-sends commands that went unanswered, and the re-send window answers a re-sent
     * command with its first answer.
     */
    private void reply(ClientSession session, int length) {
        idle.reset();
        for (int attempt = 0; attempt < ANSWER_ATTEMPTS; attempt++) {
            long result = session.offer(answer, 0, length);
            if (result > 0 || result == Publication.NOT_CONNECTED || result == Publication.CLOSED
                || result == Publication.MAX_POSITION_EXCEEDED) {
                return;
            }
            idle.idle();
        }
        LOG.warn("dropped the answer to session {}: its egress stayed back-pressured", session.id());
    }

    @Override
    public void onTakeSnapshot(ExclusivePublication snapshotPublication) {
        if (journal != null) {
            journal.forceForSnapshot(); // the journal must reach at least as far as any snapshot
        }
        ClusterSnapshot.write(machine, window, cipher, snapshotPublication, idle);
        snapshots++;
        LOG.info("member {} took a snapshot at event {}", cluster.memberId(), machine.lastSequence());
    }

    @Override
    public int doBackgroundWork(long nowNs) {
        if (machine == null) {
            return 0; // not started yet: the question waits for a state to read
        }
        CompletableFuture<NodeState> asked = probe.getAndSet(null);
        if (asked == null) {
            return 0;
        }
        asked.complete(new NodeState(cluster.memberId(), cluster.role().name(), commands, machine.lastSequence(),
            machine.lastTimestamp(), machine.digest(), snapshots, restoredAt, journal == null ? -1 : journal.lastSequence(),
            journal == null ? null : journal.failure(), window.size(), window.digest(), resends));
        return 1;
    }

    /**
     * This node's state, read on the service's thread at its next duty cycle (from any thread).
     * One question at a time: a second before the first is answered replaces it.
     */
    public CompletableFuture<NodeState> probe() {
        CompletableFuture<NodeState> asked = new CompletableFuture<>();
        CompletableFuture<NodeState> earlier = probe.getAndSet(asked);
        if (earlier != null) {
            asked.whenComplete((state, failure) -> earlier.complete(state));
        }
        return asked;
    }

    /** The deliveries and refunds this member runs while it leads; null when it runs none. */
    LeaderDispatch dispatch() {
        return dispatch;
    }

    @Override
    public void onNewLeadershipTermEvent(long leadershipTermId, long logPosition, long timestamp,
                                         long termBaseLogPosition, int leaderMemberId, int logSessionId,
                                         TimeUnit timeUnit, int appVersion) {
        if (timeUnit != TimeUnit.MILLISECONDS) {
            // the log's timestamps become the commands' time, which the engine reads as epoch ms
            throw new IllegalStateException("the cluster's clock must count milliseconds, not " + timeUnit);
        }
    }

    @Override
    public void onSessionOpen(ClientSession session, long timestamp) {
        LOG.debug("session {} opened", session.id());
    }

    @Override
    public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {
        LOG.debug("session {} closed: {}", session.id(), closeReason);
    }

    @Override
    public void onRoleChange(Cluster.Role newRole) {
        LOG.info("member {} is now {}", cluster.memberId(), newRole);
        if (dispatch == null || machine == null) {
            return;
        }
        if (newRole == Cluster.Role.LEADER && halted == null) {
            dispatch.lead(machine);
        } else {
            dispatch.follow();
        }
    }

    @Override
    public void onTerminate(Cluster cluster) {
        LOG.info("member {} terminating at event {}", cluster.memberId(), machine == null ? -1 : machine.lastSequence());
        if (dispatch != null) {
            dispatch.follow();
        }
        if (journal != null) {
            journal.close();
        }
    }
}
