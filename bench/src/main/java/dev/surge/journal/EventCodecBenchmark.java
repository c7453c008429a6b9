package dev.surge.journal;

import dev.surge.bench.BenchKeys;
import dev.surge.bench.FlashSale;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The journal's event codec, one thread: encoding a decided event into a journal record (frame +
 * checksum) and decoding it back (frame check + event parse). The claim path's events: a recharge
 * grant and a card-code grant (which names its code by index, so it is journaled in clear). And
 * the admin path's CODES_LOADED of 1,000 codes, sealed with AES-GCM since codes are encrypted at
 * rest (per op: the whole batch).
 *
 * <p>Lives in {@code dev.surge.journal} because the codec classes are package-private there on
 * purpose (they are confined to the journal thread); the benchmark only calls them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EventCodecBenchmark {
    private final EventEncoder encoder = new EventEncoder(BenchKeys.CIPHER);
    private final EventDecoder decoder = new EventDecoder(BenchKeys.CIPHER);
    private UnsafeBuffer rechargeEvent;
    private UnsafeBuffer codeEvent;
    private UnsafeBuffer loadEvent;
    private UnsafeBuffer rechargeRecord;
    private UnsafeBuffer codeRecord;
    private UnsafeBuffer loadRecord;
    private long rechargeSequence;
    private long codeSequence;
    private long loadSequence;

    @Setup(Level.Trial)
    public void setUp() {
        StateMachine machine = new StateMachine();
        CommandSlot slot = new CommandSlot();
        FlashSale sale = new FlashSale();
        sale.upsertCampaign(slot);
        machine.decide(slot);
        List<String> codes = new ArrayList<>();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            FlashSale.code(code, i);
            codes.add(code.toString());
        }
        new CommandWriter().loadCodes(slot, 2, FlashSale.CAMPAIGN, FlashSale.CODE_SKU, codes);
        machine.decide(slot);
        loadEvent = copy(slot, ResultCode.OK);
        loadSequence = slot.eventSequence;
        sale.rechargeClaim(slot, 1);
        machine.decide(slot);
        rechargeEvent = copy(slot, ResultCode.GRANTED);
        rechargeSequence = slot.eventSequence;
        sale.codeClaim(slot, 2);
        machine.decide(slot);
        codeEvent = copy(slot, ResultCode.GRANTED);
        codeSequence = slot.eventSequence;
        rechargeRecord = record(rechargeSequence, rechargeEvent);
        codeRecord = record(codeSequence, codeEvent);
        loadRecord = record(loadSequence, loadEvent);
    }

    private static UnsafeBuffer copy(CommandSlot slot, ResultCode expected) {
        if (slot.result != expected) {
            throw new IllegalStateException("set-up claim was " + slot.result);
        }
        byte[] bytes = new byte[slot.eventLength];
        slot.event.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    private UnsafeBuffer record(long sequence, UnsafeBuffer event) {
        int n = encoder.encode(sequence, event, 0, event.capacity());
        byte[] bytes = new byte[n];
        encoder.buffer().getBytes(0, bytes);
        if (new EventDecoder(BenchKeys.CIPHER).decode(new UnsafeBuffer(bytes), 0, n) != null) {
            throw new IllegalStateException("encoded record does not decode");
        }
        return new UnsafeBuffer(bytes);
    }

    @Benchmark
    public int encodeRechargeGrant() {
        return encoder.encode(rechargeSequence, rechargeEvent, 0, rechargeEvent.capacity());
    }

    @Benchmark
    public int encodeCodeGrant() {
        return encoder.encode(codeSequence, codeEvent, 0, codeEvent.capacity());
    }

    @Benchmark
    public int encodeCodesLoaded1kSealed() {
        return encoder.encode(loadSequence, loadEvent, 0, loadEvent.capacity());
    }

    @Benchmark
    public Object decodeRechargeGrant() {
        RecordProblem problem = decoder.decode(rechargeRecord, 0, rechargeRecord.capacity());
        return problem != null ? problem : decoder.view();
    }

    @Benchmark
    public Object decodeCodeGrant() {
        RecordProblem problem = decoder.decode(codeRecord, 0, codeRecord.capacity());
        return problem != null ? problem : decoder.view();
    }

    @Benchmark
    public Object decodeCodesLoaded1kSealed() {
        RecordProblem problem = decoder.decode(loadRecord, 0, loadRecord.capacity());
        return problem != null ? problem : decoder.view();
    }
}
