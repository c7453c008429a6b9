package dev.surge.bench;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.Durability;
import dev.surge.journal.Recovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recovery from a pre-built journal of {@code events} events (no snapshot): the time until the
 * state is rebuilt, i.e. time to ready. Events replayed per second = events / score.
 *
 * <p>The journal is a flash sale: half card-code claims (sealed records, opened on replay), half
 * recharge claims, plus the code loads. It is built once into
 * {@code <surge.bench.journals>/recovery-<events>} (default: the temp directory) and reused by
 * later runs, since building 10 million events takes longer than replaying them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class RecoveryBenchmark {
    public static final String JOURNALS_PROPERTY = "surge.bench.journals";
    private static final int CODE_BATCH = 10_000;

    @Param({"10000000"})
    public int events;

    private Path dataDir;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        Path root = Path.of(System.getProperty(JOURNALS_PROPERTY, System.getProperty("java.io.tmpdir")));
        // "v2": journals of the first version were decided under a random key, so that recovery
        // took every grant id for a foreign one (the map of legacy ids), which no server's does
        dataDir = root.resolve("recovery-v2-" + events);
        buildIfMissing(dataDir, events);
    }

    @Benchmark
    public long recover() {
        Recovery.Result result = new Recovery(dataDir, BenchKeys.CIPHER).run();
        if (result.machine().lastSequence() != events) {
            throw new IllegalStateException("recovered to " + result.machine().lastSequence() + ", expected " + events);
        }
        System.out.println(result.report());
        return result.machine().digest();
    }

    /** Writes the journal unless a complete one is there (marked by a file written last). */
    public static void buildIfMissing(Path dataDir, int events) throws IOException {
        Path done = dataDir.resolve("complete");
        if (Files.exists(done)) {
            return;
        }
        if (Files.exists(dataDir)) {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dataDir);
        long started = System.nanoTime();
        // the key recovery derives from the data key, as a server's journal is written under it
        StateMachine machine = new StateMachine(BenchKeys.CIPHER.stateConfig());
        CommandSlot slot = new CommandSlot();
        CommandWriter writer = new CommandWriter();
        FlashSale sale = new FlashSale();
        StringBuilder code = new StringBuilder();
        try (ChronicleJournal journal = new ChronicleJournal(dataDir, Durability.PROCESS, BenchKeys.CIPHER)) {
            sale.upsertCampaign(slot);
            decide(machine, slot, journal, ResultCode.OK);
            long codesLoaded = 0;
            for (long n = 0; machine.lastSequence() < events; n++) {
                boolean codeClaim = (n & 1) == 0;
                if (codeClaim && n / 2 >= codesLoaded) {
                    List<String> codes = new ArrayList<>(CODE_BATCH);
                    for (int i = 0; i < CODE_BATCH; i++) {
                        FlashSale.code(code, codesLoaded + i);
                        codes.add(code.toString());
                    }
                    writer.loadCodes(slot, 2, FlashSale.CAMPAIGN, FlashSale.CODE_SKU, codes);
                    decide(machine, slot, journal, ResultCode.OK);
                    codesLoaded += CODE_BATCH;
                    if (machine.lastSequence() >= events) {
                        break;
                    }
                }
                if (codeClaim) {
                    sale.codeClaim(slot, n);
                } else {
                    sale.rechargeClaim(slot, n);
                }
                decide(machine, slot, journal, ResultCode.GRANTED);
                if ((n & 255) == 0) {
                    journal.endOfBatch();
                }
            }
            journal.endOfBatch();
        }
        Files.writeString(done, events + " events\n");
        System.out.printf("built a journal of %,d events in %.1f s at %s%n", events,
            (System.nanoTime() - started) / 1e9, dataDir);
    }

    private static void decide(StateMachine machine, CommandSlot slot, ChronicleJournal journal, ResultCode expected) {
        machine.decide(slot);
        if (slot.result != expected || slot.eventLength == 0) {
            throw new IllegalStateException("journal build: expected " + expected + ", got " + slot.result);
        }
        journal.append(slot.eventSequence, slot.event, 0, slot.eventLength);
    }
}
