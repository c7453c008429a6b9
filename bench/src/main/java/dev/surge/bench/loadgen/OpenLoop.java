package dev.surge.bench.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Open-model load at a fixed rate over many HTTP/1.1 keep-alive connections, wrk2-style: the
 * schedule says when each request is due (rate / lanes apart per lane), whether or not earlier
 * ones were answered. A due request goes out on an idle connection of its lane, or waits for the
 * first one to free up. Its latency runs from the scheduled time to the response, so a slow
 * server cannot slow the schedule down and hide its own queueing (coordinated omission). The rate
 * ramps up from zero over the first half of the warm-up and holds for the second (see
 * {@link Schedule}), so the measurement starts from a warm server at the full rate, not from the
 * backlog a cold start left behind.
 *
 * <p>Requests are written as bytes and answers scanned in place ({@link ResponseScanner}), not
 * through Netty's HTTP codec: on a two-core machine every microsecond of the client's CPU and
 * every collector pause of its JVM comes out of the server's share and into the latency measured.
 *
 * <p>Threading: one lane per event-loop thread; a lane's connections, schedule, histograms and
 * counters are touched only by that thread until the run is over.
 */
public final class OpenLoop implements AutoCloseable {
    /** How the requests authenticate: the Authorization value of user i ("Bearer ..."), in ASCII. */
    public interface Tokens {
        int length(int user);

        void write(int user, ByteBuf out);
    }

    /**
     * Everything a run needs; {@code serverPid} is the server's process, whose CPU is measured (-1:
     * unknown); {@code serverLatency} reads the server's own latency histogram around the window
     * (null: not read); {@code freezes} times the machine's CPU stops (null: not timed).
     */
    public record Plan(InetSocketAddress server, double rate, long warmupNanos, long durationNanos, int connections,
                      Mix mix, int users, String campaign, String sku, long seed, String runId, long serverPid,
                      ServerLatency serverLatency, FreezeProbe freezes) {
    }

    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final MultiThreadIoEventLoopGroup group;
    private final boolean epoll;
    private final int threads;

    public OpenLoop(int threads) {
        this.threads = threads;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadgen", true), io);
    }

    /** Native epoll (timers with sub-millisecond precision) rather than NIO. */
    public boolean epoll() {
        return epoll;
    }

    /** Runs one fixed-rate run: connect, warm up, measure, drain. Blocks until done. */
    public RunResult run(Plan plan, Tokens tokens, String label) throws InterruptedException {
        int lanes = Math.min(threads, plan.connections());
        List<Lane> all = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            int conns = plan.connections() / lanes + (i < plan.connections() % lanes ? 1 : 0);
            all.add(new Lane(group.next(), plan, tokens, i, lanes, conns));
        }
        for (Lane lane : all) {
            lane.connect();
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (Lane lane : all) {
            lane.loop.execute(() -> lane.begin(start));
        }
        long end = start + plan.warmupNanos() + plan.durationNanos();
        // CPU over the measurement window only: the server's (what a claim costs it) and ours (who used the cores)
        sleepUntil(start + plan.warmupNanos());
        long windowFrom = System.currentTimeMillis();
        Map<Double, Long> buckets0 = plan.serverLatency() == null ? Map.of() : plan.serverLatency().read();
        long server0 = CpuTime.ofProcess(plan.serverPid());
        long self0 = CpuTime.ofProcess(ProcessHandle.current().pid());
        sleepUntil(end);
        long windowTo = System.currentTimeMillis();
        long serverCpu = CpuTime.since(plan.serverPid(), server0);
        long selfCpu = CpuTime.since(ProcessHandle.current().pid(), self0);
        long sleep = end + DRAIN_NANOS - System.nanoTime();
        for (Lane lane : all) {
            lane.done.await(Math.max(1, sleep), TimeUnit.NANOSECONDS);
            sleep = end + DRAIN_NANOS - System.nanoTime();
        }
        ServerLatency.Window server = plan.serverLatency() == null ? ServerLatency.Window.UNKNOWN
            : ServerLatency.Window.of(buckets0, plan.serverLatency().read(), 0.001, 99);
        FreezeProbe.Summary freezes = plan.freezes() == null ? FreezeProbe.Summary.UNKNOWN
            : plan.freezes().between(windowFrom, windowTo);
        Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        Histogram sendDelay = new Histogram(HIGHEST_NANOS, 3);
        Map<String, Long> outcomes = new HashMap<>();
        long scheduled = 0;
        long completed = 0;
        long inWindow = 0;
        long errors = 0;
        for (Lane lane : all) {
            Lane.Totals t;
            try {
                t = lane.loop.submit(lane::finish).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("lane failed", e.getCause());
            }
            latency.add(t.latency());
            sendDelay.add(t.sendDelay());
            t.outcomes().forEach((k, v) -> outcomes.merge(k, v, Long::sum));
            scheduled += t.scheduled();
            completed += t.completed();
            inWindow += t.answeredInWindow();
            errors += t.errors();
        }
        double seconds = plan.durationNanos() / 1e9;
        return new RunResult(label, plan.rate(), inWindow / seconds, scheduled, completed, errors, latency, outcomes,
            perRequestMicros(serverCpu, inWindow), perRequestMicros(selfCpu, inWindow), server, sendDelay, freezes);
    }

    private static double perRequestMicros(long cpuNanos, long requests) {
        return cpuNanos < 0 || requests == 0 ? Double.NaN : cpuNanos / 1e3 / requests;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One event loop's share of the schedule and of the connections. */
    private final class Lane {
        record Totals(Histogram latency, Histogram sendDelay, Map<String, Long> outcomes, long scheduled,
                      long completed, long answeredInWindow, long errors) {
        }

        final EventLoop loop;
        private final Plan plan;
        private final Tokens tokens;
        private final int connectionCount;
        private final double periodNanos;
        private final long offsetNanos;
        private final Workload workload;
        private final ArrayDeque<Conn> idle = new ArrayDeque<>();
        private final ArrayDeque<Request> waiting = new ArrayDeque<>();
        private final List<Conn> conns = new ArrayList<>();
        private final Histogram measured = new Histogram(HIGHEST_NANOS, 3);
        private final Histogram sentLate = new Histogram(HIGHEST_NANOS, 3);
        private final Outcomes outcomes = new Outcomes();
        private final Runnable tickTask = this::tick;
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private Schedule schedule;
        private long warmupEnd;
        private long end;
        private long next;
        private long scheduled;
        private long completed;
        private long answeredInWindow;
        private long errors;
        private long outstanding;
        private boolean finished;

        Lane(EventLoop loop, Plan plan, Tokens tokens, int index, int lanes, int connections) {
            this.loop = loop;
            this.plan = plan;
            this.tokens = tokens;
            this.connectionCount = connections;
            this.periodNanos = 1e9 * lanes / plan.rate();
            this.offsetNanos = (long) (periodNanos * index / lanes); // lanes interleave, not send in step
            this.workload = new Workload(plan.mix(), plan.users(), plan.campaign(), plan.sku(),
                plan.runId() + "-" + index + "-", plan.seed() * 1_000_003L + index);
        }

        void connect() throws InterruptedException {
            Bootstrap b = new Bootstrap().group(loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
            for (int i = 0; i < connectionCount; i++) {
                Conn conn = new Conn();
                b.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(conn);
                    }
                });
                conn.channel = b.connect(plan.server()).sync().channel();
                conns.add(conn);
            }
            loop.submit(() -> idle.addAll(conns)).sync();
        }

        void begin(long at) {
            schedule = new Schedule(at + offsetNanos, periodNanos, plan.warmupNanos() / 2);
            warmupEnd = at + plan.warmupNanos();
            end = warmupEnd + plan.durationNanos();
            tick();
        }

        private long intended(long i) {
            return schedule.due(i);
        }

        /** Sends everything due; sleeps until the next request is due. */
        private void tick() {
            long now = System.nanoTime();
            long due;
            while ((due = intended(next)) <= now && due < end) {
                Request r = workload.next(due);
                next++;
                if (due >= warmupEnd) {
                    scheduled++;
                }
                outstanding++;
                Conn c = idle.poll();
                if (c != null) {
                    c.send(r);
                } else {
                    waiting.add(r);
                }
            }
            if (due < end) {
                loop.schedule(tickTask, due - now, TimeUnit.NANOSECONDS);
            } else {
                checkDone();
            }
        }

        void onAnswer(Conn conn, Request r, ResponseScanner answer) {
            long now = System.nanoTime();
            long latency = now - r.intendedNanos;
            outstanding--;
            if (now >= warmupEnd && now < end) {
                answeredInWindow++; // throughput: answers while the window is open, whenever scheduled
            }
            if (r.kind == Request.Kind.CLAIM && !answer.grantId().isEmpty()) {
                workload.onGranted(r.user, answer.grantId());
            }
            if (r.intendedNanos >= warmupEnd && !finished) {
                measured.recordValue(Math.min(latency, HIGHEST_NANOS));
                completed++;
                outcomes.count(r.kind == Request.Kind.REDEEM, answer);
            }
            sendNext(conn);
            checkDone();
        }

        void onLost(Conn conn, Request r) {
            if (r != null) {
                outstanding--;
                if (r.intendedNanos >= warmupEnd && !finished) {
                    errors++;
                    outcomes.count("connection lost");
                }
            }
            conns.remove(conn);
            idle.remove(conn);
            if (conns.isEmpty()) { // nothing left to send on: what waits is lost too
                while (!waiting.isEmpty()) {
                    onLost(conn, waiting.poll());
                }
            }
            checkDone();
        }

        private void sendNext(Conn conn) {
            Request w = waiting.poll();
            if (w != null) {
                conn.send(w);
            } else {
                idle.add(conn);
            }
        }

        private void checkDone() {
            if (outstanding == 0 && intended(next) >= end && done.getCount() > 0) {
                done.countDown();
            }
        }

        /** Stops the lane; requests still unanswered count as errors and as latency up to now. */
        Totals finish() {
            finished = true;
            long now = System.nanoTime();
            List<Request> open = new ArrayList<>(waiting);
            for (Conn c : conns) {
                if (c.inFlight != null) {
                    open.add(c.inFlight);
                }
            }
            for (Request r : open) {
                if (r.intendedNanos >= warmupEnd) {
                    errors++;
                    measured.recordValue(Math.min(now - r.intendedNanos, HIGHEST_NANOS)); // at least this late
                    outcomes.count("unanswered");
                }
            }
            waiting.clear();
            for (Conn c : conns) {
                c.inFlight = null;
                c.channel.close();
            }
            return new Totals(measured, sentLate, outcomes.totals(), scheduled, completed, answeredInWindow, errors);
        }

        /** One keep-alive connection with at most one request in flight (no pipelining, like wrk2). */
        private final class Conn extends ByteToMessageDecoder {
            private final ResponseScanner answer = new ResponseScanner();
            Channel channel;
            Request inFlight;

            void send(Request r) {
                inFlight = r;
                if (r.intendedNanos >= warmupEnd && !finished) {
                    sentLate.recordValue(Math.min(Math.max(0, System.nanoTime() - r.intendedNanos), HIGHEST_NANOS));
                }
                ByteBuf b = channel.alloc().ioBuffer(160 + r.path.length() + tokens.length(r.user) + r.key.length()
                    + r.body.length);
                b.writeBytes(POST);
                ByteBufUtil.writeAscii(b, r.path);
                b.writeBytes(HEAD);
                tokens.write(r.user, b);
                b.writeBytes(KEY);
                ByteBufUtil.writeUtf8(b, r.key);
                b.writeBytes(LENGTH);
                writeDecimal(b, r.body.length);
                b.writeBytes(END_OF_HEAD);
                b.writeBytes(r.body);
                channel.writeAndFlush(b, channel.voidPromise());
            }

            @Override
            protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
                while (in.isReadable()) {
                    Request r = inFlight;
                    if (r == null) {
                        throw new IllegalStateException("an answer with no request in flight");
                    }
                    if (!answer.next(in, r.kind == Request.Kind.CLAIM)) {
                        return;
                    }
                    inFlight = null;
                    onAnswer(this, r, answer);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                Request r = inFlight;
                inFlight = null;
                if (!finished) {
                    onLost(this, r);
                }
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }

    private static final byte[] POST = ascii("POST ");
    private static final byte[] HEAD = ascii(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: ");
    private static final byte[] KEY = ascii("\r\nIdempotency-Key: ");
    private static final byte[] LENGTH = ascii("\r\nContent-Length: ");
    private static final byte[] END_OF_HEAD = ascii("\r\n\r\n");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A non-negative int in decimal, without a String. */
    static void writeDecimal(ByteBuf b, int n) {
        if (n >= 10) {
            writeDecimal(b, n / 10);
        }
        b.writeByte('0' + n % 10);
    }

    /** The outcomes of a lane's measured requests, counted without a String per answer. */
    private static final class Outcomes {
        /** By result: fresh claim, replayed claim, fresh redemption, replayed redemption. */
        private final Map<String, long[]> answered = new HashMap<>();
        private final Map<String, long[]> other = new HashMap<>();

        void count(boolean redeem, ResponseScanner answer) {
            if (answer.status() != 200) {
                count(answer.status() + " " + answer.code()); // errors are few: a String each is fine
                return;
            }
            answered.computeIfAbsent(answer.result(), k -> new long[4])[(redeem ? 2 : 0) + (answer.replayed() ? 1 : 0)]++;
        }

        void count(String outcome) {
            other.computeIfAbsent(outcome, k -> new long[1])[0]++;
        }

        Map<String, Long> totals() {
            Map<String, Long> totals = new HashMap<>();
            answered.forEach((result, n) -> {
                String[] names = {"claim " + result, "claim " + result + " (replayed)", "redeem " + result,
                    "redeem " + result + " (replayed)"};
                for (int i = 0; i < names.length; i++) {
                    if (n[i] > 0) {
                        totals.put(names[i], n[i]);
                    }
                }
            });
            other.forEach((k, v) -> totals.merge(k, v[0], Long::sum));
            return totals;
        }
    }
}
