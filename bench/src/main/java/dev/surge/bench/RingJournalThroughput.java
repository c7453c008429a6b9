package dev.surge.bench;

import com.lmax.disruptor.EventTranslatorOneArg;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.ClaimEdge;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.port.ReplyPort;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The ring and the journal in process, no network: one publisher thread publishes recharge
 * claims (each from a new user, so each is granted and journaled) into the real
 * {@link EngineRing} over a real {@link ChronicleJournal} in a temporary directory.
 *
 * <p>Score: claims/s through decide, journal (group commit) and reply. {@code rate=0} publishes
 * as fast as the ring accepts (sustained maximum); a positive {@code rate} paces publishes at
 * that many a second. Latency, publish to journaled (seen by the reply stage), is recorded
 * into an HdrHistogram from each claim's <em>intended</em> publish time, so a stalled
 * publisher does not hide queueing (coordinated omission); at {@code rate=0} it is mostly
 * time spent waiting in a full ring. Measurement iterations only; the histogram is written to
 * {@code <surge.bench.out>/ring-<durability>-<rate>.hgrm} when that property is set.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
// the heap a reservation of 24M users needs (about 230 B each), touched up front as the server's is
@Fork(value = 1, jvmArgsAppend = {"-Xms10g", "-Xmx10g", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class RingJournalThroughput {
    @Param({"process", "sync"})
    public String durability;

    /** Claims per second to pace at; 0 = as fast as the ring takes them. */
    @Param({"0"})
    public long rate;

    @Param({"8192"})
    public int ringSize;

    @Param({"SLEEPING"})
    public String wait;

    /**
     * Users the engine's tables are sized for before the sale, as a server started with
     * {@code --expected-users} is: 24M is more than the trial's claims reach at 1M/s. With 0 the
     * tables start small and double while the sale runs, and the figure is mostly those rehashes and
     * the page faults of the new arrays (-p expectedUsers=0).
     */
    @Param({"24000000"})
    public int expectedUsers;

    /** Yields of a publisher that finds the ring full before it sleeps for {@link #FULL_PARK_NANOS}. */
    private static final int FULL_YIELDS = 4;
    private static final long FULL_PARK_NANOS = 20_000;

    private static final EventTranslatorOneArg<CommandSlot, Publisher> CLAIM = (slot, sequence, p) -> p.fill(slot);

    private Path dir;
    private EngineRing ring;
    private Publisher publisher;
    private LatencyReplies replies;
    private final Histogram measured = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private boolean measuring;

    @Setup(Level.Trial)
    public void start() throws IOException {
        dir = Files.createTempDirectory("surge-ring-bench");
        ChronicleJournal journal = new ChronicleJournal(dir, Durability.parse(durability), BenchKeys.CIPHER);
        replies = new LatencyReplies();
        StateMachine machine = new StateMachine().reserve(expectedUsers);
        ring = new EngineRing(machine, journal, replies, DeliveryPort.NONE, ringSize,
            EngineRing.Wait.valueOf(wait)).start();
        publisher = new Publisher(rate, machine.edge()); // claims resolved at the edge, as the gateway's

        publisher.upsert = true; // first slot: the campaign, through the ring so the journal has it
        publish();
        replies.awaitAll(publisher.published);
    }

    @Setup(Level.Iteration)
    public void beginIteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
        replies.awaitAll(publisher.published);
        replies.latency.reset();
        publisher.restartPacing();
    }

    @Benchmark
    public void claim() {
        publisher.pace();
        publish();
    }

    private void publish() {
        for (int tries = 1; !ring.tryPublish(CLAIM, publisher); tries++) {
            // ring full: a ring's worth of claims is milliseconds of work, so after a few yields
            // sleep rather than spin: on 2 cores a spinning publisher takes CPU from the stages
            if (tries < FULL_YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(FULL_PARK_NANOS);
            }
        }
        publisher.published++;
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        replies.awaitAll(publisher.published);
        Histogram interval = replies.latency.getIntervalHistogram();
        if (measuring) {
            measured.add(interval);
        }
        if (replies.failures.get() > 0) {
            throw new IllegalStateException(replies.failures.get() + " claims were not granted and journaled");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        ring.close();
        Histograms.save(measured, "ring-" + durability + "-" + rate);
        Histograms.printSummary(System.out, "ring+journal " + durability + " rate=" + rate, measured, 1e3, "us");
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    /** Fills slots on the benchmark thread; counts and paces what it published. */
    static final class Publisher {
        private final FlashSale sale;
        private final long periodNanos;
        private long startNanos;
        private long sent;
        long published;
        boolean upsert;

        Publisher(long rate, ClaimEdge edge) {
            this.sale = new FlashSale(edge);
            this.periodNanos = rate <= 0 ? 0 : 1_000_000_000L / rate;
        }

        void restartPacing() {
            startNanos = System.nanoTime();
            sent = 0;
        }

        /** Waits for this claim's intended send time (rate > 0). */
        void pace() {
            if (periodNanos == 0) {
                return;
            }
            long intended = startNanos + sent * periodNanos;
            while (System.nanoTime() < intended) {
                Thread.yield(); // not a busy spin: on 2 cores the stage threads need the core
            }
        }

        void fill(CommandSlot slot) {
            if (upsert) {
                upsert = false;
                sale.upsertCampaign(slot);
                slot.publishedNanos = System.nanoTime();
                return;
            }
            sale.rechargeClaim(slot, published);
            // from the intended time when paced: a late publish is latency too
            slot.publishedNanos = periodNanos == 0 ? System.nanoTime() : startNanos + sent * periodNanos;
            sent++;
        }
    }

    /** The reply stage: records publish-to-journaled latency; counts what came back. */
    static final class LatencyReplies implements ReplyPort {
        final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        final AtomicLong replied = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        @Override
        public void onReply(CommandSlot slot) {
            long now = System.nanoTime();
            if (slot.result == ResultCode.GRANTED && slot.journaled) {
                latency.recordValue(Math.max(0, now - slot.publishedNanos));
            } else if (slot.result != ResultCode.OK) {
                failures.incrementAndGet();
            }
            replied.lazySet(replied.get() + 1); // one writer: the journal thread
        }

        void awaitAll(long published) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (replied.get() < published) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ring did not drain: " + replied.get() + " of " + published);
                }
                Thread.yield();
            }
        }
    }
}
