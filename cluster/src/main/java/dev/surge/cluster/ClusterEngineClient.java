package dev.surge.cluster;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import io.aeron.Aeron;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends engine commands to a Surge cluster and hands each answer back: what a gateway uses in
 * place of the local ring. It runs its own media driver (in {@code aeronDir}) and one thread that
 * owns the cluster session: it offers the commands handed to {@link #send}, polls the answers,
 * keeps the session alive, and parks when there is nothing to do.
 *
 * <p>Every command stays in flight until its answer arrives. When the leader changes, when the
 * session is lost (then it connects again, to whichever member leads) and when an answer is
 * late, the commands still in flight are sent again: the log may then hold a command twice. Each
 * carries this client's random id and its correlation id, the same in every copy, and the
 * service answers a copy it has answered before with that first answer instead of deciding it
 * again ({@link AnswerWindow}); each also says below which correlation id this client has all its
 * answers, so that the service can forget them (docs/cluster.md, "Commands sent again").
 *
 * <p>Threading: {@link #send} from any thread; answers are handed over on the client's thread.
 */
public final class ClusterEngineClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEngineClient.class);
    private static final long KEEP_ALIVE_NS = Duration.ofSeconds(1).toNanos();
    private static final long RETRY_CONNECT_NS = Duration.ofMillis(200).toNanos();

    /** Receives the answer to one command, on the client's thread: copy what is needed, never block. */
    @FunctionalInterface
    public interface AnswerHandler {
        /**
         * {@code buffer} holds the engine's reply bytes (a {@code ReplyView} reads them) at 0 to
         * {@code replyLength}, then a query's rich answer ({@link AnswerCodec}), {@code answerLength}
         * bytes (0 when none).
         */
        void onAnswer(ResultCode result, DirectBuffer buffer, int replyLength, int answerLength);
    }

    /** An answer copied out, for callers that want a future: the reply's bytes and the rich answer's. */
    public record Answer(ResultCode result, byte[] reply, byte[] answer) {
        /** The rich answer decoded ({@link AnswerCodec#read}), or null when there is none. */
        public Object decoded() {
            return AnswerCodec.read(new UnsafeBuffer(answer), 0, answer.length);
        }
    }

    /**
     * @param ingressEndpoints the members' ingress endpoints, {@link ClusterMembers#ingressEndpoints()}
     * @param egressHost       the address the members send answers to (this host, as they reach it)
     * @param aeronDir         the client's own media driver directory
     * @param resendAfter      an answer later than this gets its command sent again
     * @param connectTimeout   how long one attempt to open a session waits for the leader
     */
    public record Settings(String ingressEndpoints, String egressHost, Path aeronDir, Duration resendAfter,
                           Duration connectTimeout) {
        public static Settings of(ClusterMembers members, String egressHost, Path aeronDir) {
            return new Settings(members.ingressEndpoints(), egressHost, aeronDir, Duration.ofSeconds(3),
                Duration.ofSeconds(5));
        }
    }

    private final Settings settings;
    /** Random, never 0: names this client's commands in the service's re-send window. */
    private final long clientId = randomClientId();
    private final MediaDriver driver;
    private final Aeron aeron;
    private final ConcurrentLinkedQueue<InFlight> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong correlations = new AtomicLong(1);
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    /** Commands handed to {@link #send} and not answered yet. */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    /** System.nanoTime() since which the client has had no session; 0 while it has one. */
    private volatile long sessionlessSince = System.nanoTime();
    private volatile int leader = -1;

    // client thread only
    private final Long2ObjectHashMap<InFlight> inFlight = new Long2ObjectHashMap<>();
    private final ArrayDeque<InFlight> unsent = new ArrayDeque<>();
    private final UnsafeBuffer reply = new UnsafeBuffer(0, 0);
    /** Every correlation id below it is answered; answered ids above it wait here until it reaches them. */
    private long answeredBelow = 1;
    private final LongHashSet answeredAbove = new LongHashSet();
    private final IdleStrategy idle = SleepingIdle.create();
    private AeronCluster cluster;
    private boolean resendAll;
    private boolean lost;
    private long lastKeepAliveNs;
    private long lastStaleCheckNs;

    /** A client with its own media driver, in {@code settings.aeronDir()}. */
    public ClusterEngineClient(Settings settings) {
        this(settings, true);
    }

    /**
     * A client on the media driver already running in {@code settings.aeronDir()}: a member's own
     * (its dispatchers send their records through it, docs/cluster.md).
     */
    static ClusterEngineClient onRunningDriver(Settings settings) {
        return new ClusterEngineClient(settings, false);
    }

    private ClusterEngineClient(Settings settings, boolean ownDriver) {
        this.settings = settings;
        this.driver = !ownDriver ? null : MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(settings.aeronDir().toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(SleepingIdle.create())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(ClusterNode.TERM_LENGTH)
            .ipcTermBufferLength(ClusterNode.TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        try {
            this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(settings.aeronDir().toString()));
        } catch (RuntimeException e) {
            CloseHelper.quietClose(driver);
            throw e;
        }
        this.thread = new Thread(this::run, "surge-cluster-client");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Sends the command in {@code slot} (type and bytes; its time is the cluster's); the slot may be
     * reused at once. Returns the correlation id the answer comes back under.
     */
    public long send(CommandSlot slot, AnswerHandler handler) {
        return send(slot, handler, id -> { });
    }

    /**
     * {@link #send(CommandSlot, AnswerHandler)}, handing the correlation id to {@code beforeSend}
     * before the command can reach the cluster (a member's dispatcher files its command under it).
     */
    public long send(CommandSlot slot, AnswerHandler handler, LongConsumer beforeSend) {
        long id = correlations.getAndIncrement();
        UnsafeBuffer message = new UnsafeBuffer(new byte[ClusterWire.COMMAND_OFFSET + slot.commandLength]);
        ClusterWire.writeCommand(message, clientId, id, slot.type, slot.command, slot.commandLength);
        beforeSend.accept(id);
        if (!running) {
            handler.onAnswer(ResultCode.UNAVAILABLE, reply, 0, 0);
            return id;
        }
        unanswered.incrementAndGet();
        sent.incrementAndGet();
        inbox.add(new InFlight(id, message, handler));
        LockSupport.unpark(thread);
        return id;
    }

    /** {@link #send} with the answer copied into a future. */
    public CompletableFuture<Answer> send(CommandSlot slot) {
        CompletableFuture<Answer> future = new CompletableFuture<>();
        send(slot, (result, buffer, replyLength, answerLength) -> {
            byte[] bytes = new byte[replyLength];
            buffer.getBytes(0, bytes);
            byte[] answer = new byte[answerLength];
            buffer.getBytes(replyLength, answer);
            future.complete(new Answer(result, bytes, answer));
        });
        return future;
    }

    /** This client's id in its commands (random, never 0). */
    public long clientId() {
        return clientId;
    }

    /** Commands sent again so far (leader changes, lost sessions, late answers). */
    public long resent() {
        return resent.get();
    }

    /** Commands sent and not answered yet (any thread). */
    public int inFlight() {
        return unanswered.get();
    }

    /** Sessions opened so far (1 until the first reconnection). */
    public long sessions() {
        return sessions.get();
    }

    /** Commands handed to {@link #send} so far. */
    public long sent() {
        return sent.get();
    }

    /** Whether the client has a session with the cluster now (it may still be waiting for a new leader). */
    public boolean connected() {
        return sessionlessSince == 0;
    }

    /** How long the client has been without a session, in nanoseconds; 0 while it has one. */
    public long sessionlessNanos() {
        long since = sessionlessSince;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    /** The member that led when the client last heard, or -1 before the first session. */
    public int leaderMemberId() {
        return leader;
    }

    /** Whether {@link #close} has been called. */
    public boolean closed() {
        return !running;
    }

    private void run() {
        while (running) {
            int work = 0;
            try {
                if (cluster == null) {
                    if (!connect()) {
                        LockSupport.parkNanos(RETRY_CONNECT_NS);
                        continue;
                    }
                    resendAll = true;
                }
                work += cluster.pollEgress();
                work += takeNew();
                long now = System.nanoTime();
                if (resendAll) {
                    resendAll = false;
                    work += requeue(Long.MAX_VALUE);
                } else if (now - lastStaleCheckNs > settings.resendAfter().toNanos() / 4) {
                    lastStaleCheckNs = now;
                    work += requeue(now - settings.resendAfter().toNanos());
                }
                work += offerUnsent(now);
                if (now - lastKeepAliveNs > KEEP_ALIVE_NS && cluster.sendKeepAlive()) {
                    lastKeepAliveNs = now;
                }
                if (lost || cluster.isClosed()) {
                    disconnect("the session was closed");
                }
            } catch (RuntimeException e) {
                disconnect(e.toString());
            }
            idle.idle(work);
        }
    }

    private boolean connect() {
        try {
            cluster = AeronCluster.connect(new AeronCluster.Context()
                .aeron(aeron)
                .ownsAeronClient(false)
                .ingressChannel("aeron:udp")
                .ingressEndpoints(settings.ingressEndpoints())
                .egressChannel("aeron:udp?endpoint=" + settings.egressHost() + ":0")
                .egressListener(new Listener())
                .messageTimeoutNs(settings.connectTimeout().toNanos()));
            lost = false;
            for (InFlight f : inFlight.values()) {
                f.lateTimes = 0;
            }
            sessions.incrementAndGet();
            leader = cluster.leaderMemberId();
            sessionlessSince = 0;
            LOG.info("session {} open, leader {}", cluster.clusterSessionId(), cluster.leaderMemberId());
            return true;
        } catch (RuntimeException e) {
            LOG.debug("no session yet: {}", e.toString());
            return false;
        }
    }

    private void disconnect(String why) {
        LOG.info("session lost ({}); {} commands in flight will be sent again", why, inFlight.size());
        CloseHelper.quietClose(cluster);
        cluster = null;
        sessionlessSince = System.nanoTime();
    }

    private int takeNew() {
        int n = 0;
        InFlight f;
        while ((f = inbox.poll()) != null) {
            inFlight.put(f.id, f);
            unsent.add(f);
            n++;
        }
        return n;
    }

    /**
     * Queues again every command in flight sent before {@code sentBefore} (and not queued already).
     * A command late a second time means the session itself no longer reaches a leader (a whole
     * cluster restarted, say, and the session waits for its timeout): then a new session is opened.
     */
    private int requeue(long sentBefore) {
        int n = 0;
        for (InFlight f : inFlight.values()) {
            if (f.sentNs != 0 && f.sentNs < sentBefore) {
                if (sentBefore != Long.MAX_VALUE && ++f.lateTimes >= 2) {
                    lost = true;
                }
                f.sentNs = 0;
                unsent.add(f);
                n++;
            }
        }
        resent.addAndGet(n);
        return n;
    }

    private int offerUnsent(long now) {
        int n = 0;
        InFlight f;
        while ((f = unsent.peek()) != null) {
            if (f.answered) {
                unsent.poll();
                continue;
            }
            if (f.message.capacity() + AeronCluster.SESSION_HEADER_LENGTH
                > cluster.ingressPublication().maxMessageLength()) {
                unsent.poll(); // the cluster's session header goes in front of every message
                answer(f.id, ResultCode.INVALID, 0, 0);
                LOG.warn("a {} byte command is larger than a cluster message may be", f.message.capacity());
                continue;
            }
            ClusterWire.putAnsweredBelow(f.message, answeredBelow);
            if (cluster.offer(f.message, 0, f.message.capacity()) < 0) {
                break; // back pressure or no leader yet: the rest waits for the next cycle
            }
            f.sentNs = now;
            unsent.poll();
            n++;
        }
        return n;
    }

    private void answer(long id, ResultCode result, int replyLength, int answerLength) {
        InFlight f = inFlight.remove(id);
        if (f == null) {
            return; // a second answer to a command that was sent twice
        }
        f.answered = true;
        unanswered.decrementAndGet();
        if (id == answeredBelow) {
            do {
                answeredBelow++;
            } while (answeredAbove.remove(answeredBelow));
        } else {
            answeredAbove.add(id);
        }
        try {
            f.handler.onAnswer(result, reply, replyLength, answerLength);
        } catch (RuntimeException e) {
            LOG.error("an answer handler failed", e);
        }
    }

    /** Stops the client: commands still without an answer are answered UNAVAILABLE. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        takeNew();
        for (InFlight f : inFlight.values().toArray(new InFlight[0])) {
            answer(f.id, ResultCode.UNAVAILABLE, 0, 0);
        }
        CloseHelper.closeAll(cluster, aeron, driver);
    }

    private static long randomClientId() {
        SecureRandom random = new SecureRandom();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    private final class Listener implements EgressListener {
        @Override
        public void onMessage(long clusterSessionId, long timestamp, DirectBuffer buffer, int offset, int length,
                              Header header) {
            int replyLength = ClusterWire.replyLength(buffer, offset, length);
            if (replyLength < 0) {
                return;
            }
            ResultCode result = ClusterWire.result(buffer, offset);
            reply.wrap(buffer, offset + ClusterWire.REPLY_OFFSET, length - ClusterWire.REPLY_OFFSET);
            answer(ClusterWire.correlationId(buffer, offset), result == null ? ResultCode.NONE : result, replyLength,
                length - ClusterWire.REPLY_OFFSET - replyLength);
        }

        @Override
        public void onSessionEvent(long correlationId, long clusterSessionId, long leadershipTermId, int leaderMemberId,
                                   EventCode code, String detail) {
            if (code == EventCode.CLOSED || code == EventCode.ERROR || code == EventCode.AUTHENTICATION_REJECTED) {
                LOG.info("session event {}: {}", code, detail);
                lost = true;
            }
        }

        @Override
        public void onNewLeader(long clusterSessionId, long leadershipTermId, int leaderMemberId,
                                String ingressEndpoints) {
            LOG.info("new leader: member {}", leaderMemberId);
            leader = leaderMemberId;
            resendAll = true; // what the old leader had not committed is gone
        }
    }

    private static final class InFlight {
        final long id;
        /** The whole ingress message, kept for re-sending. */
        final UnsafeBuffer message;
        final AnswerHandler handler;
        long sentNs;
        /** Times its answer was late (sent again after {@code resendAfter}). */
        int lateTimes;
        boolean answered;

        InFlight(long id, UnsafeBuffer message, AnswerHandler handler) {
            this.id = id;
            this.message = message;
            this.handler = handler;
        }
    }
}
