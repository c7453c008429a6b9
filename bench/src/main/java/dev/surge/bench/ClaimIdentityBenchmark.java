package dev.surge.bench;

import dev.surge.engine.util.Hashing;
import dev.surge.engine.util.Identities;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What identifying a claim's subjects costs, the part of a decision that keyed 128-bit identities
 * changed, measured apart from the table misses that make {@link ClaimDecisionBenchmark} too noisy
 * to resolve tens of nanoseconds. Each op identifies a fresh user, Idempotency-Key, device and
 * address the way one granted claim does: the decider from the command, the applier once more
 * from the event (the same bytes, elsewhere).
 *
 * <ul>
 *   <li>{@link #unkeyed}: the former public 64-bit hash, eight calls, as the engine made them
 *       before identities were keyed.</li>
 *   <li>{@link #keyed}: {@link Identities} as the engine calls it now: SipHash-1-3, 128 bits for
 *       the user and the key, 64 for device and address, the applier's round served by the memo
 *       of the decision.</li>
 *   <li>{@link #keyedOutsideDecision}: the same calls with no decision open, so both rounds
 *       hash: what the memo saves.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2)
public class ClaimIdentityBenchmark {
    private static final int INPUTS = 4096;
    /** Where the event puts the fields: after its own header, unlike the command. */
    private static final int EVENT_HEADER = 24;

    private final Identities identities = new Identities(0x0123456789abcdefL, 0x0fedcba987654321L);
    private UnsafeBuffer[] commands;
    private UnsafeBuffer[] events;
    /** Per input: offset and length of user, key, device, address in the command. */
    private int[][] fields;
    private int next;

    @Setup
    public void setUp() {
        commands = new UnsafeBuffer[INPUTS];
        events = new UnsafeBuffer[INPUTS];
        fields = new int[INPUTS][];
        for (int i = 0; i < INPUTS; i++) {
            String[] parts = {"user-" + (1_000_000 + i), "8f14e45f-ceea-467a-9575-" + (100_000_000_000L + i),
                "device-" + (10_000 + i), "10.0." + (i >> 8) + "." + (i & 255)};
            byte[] all = String.join("", parts).getBytes(StandardCharsets.UTF_8);
            commands[i] = new UnsafeBuffer(all.clone());
            byte[] event = new byte[EVENT_HEADER + all.length];
            System.arraycopy(all, 0, event, EVENT_HEADER, all.length);
            events[i] = new UnsafeBuffer(event);
            fields[i] = new int[8];
            int at = 0;
            for (int f = 0; f < 4; f++) {
                int length = parts[f].getBytes(StandardCharsets.UTF_8).length;
                fields[i][2 * f] = at;
                fields[i][2 * f + 1] = length;
                at += length;
            }
        }
    }

    @Benchmark
    public long unkeyed() {
        int i = next++ & (INPUTS - 1);
        int[] f = fields[i];
        return unkeyedRound(commands[i], 0, f) + unkeyedRound(events[i], EVENT_HEADER, f);
    }

    private static long unkeyedRound(UnsafeBuffer b, int base, int[] f) {
        return Hashing.hash(b, base + f[0], f[1]) + Hashing.hash(b, base + f[2], f[3])
            + Hashing.hash(b, base + f[4], f[5]) + Hashing.hash(b, base + f[6], f[7]);
    }

    @Benchmark
    public long keyed() {
        int i = next++ & (INPUTS - 1);
        int[] f = fields[i];
        identities.beginDecision(commands[i]);
        long h = keyedRound(commands[i], 0, f) + keyedRound(events[i], EVENT_HEADER, f);
        identities.endDecision();
        return h;
    }

    @Benchmark
    public long keyedOutsideDecision() {
        int i = next++ & (INPUTS - 1);
        int[] f = fields[i];
        return keyedRound(commands[i], 0, f) + keyedRound(events[i], EVENT_HEADER, f);
    }

    private long keyedRound(UnsafeBuffer b, int base, int[] f) {
        long user = identities.user(b, base + f[0], f[1]);
        long h = identities.key(Identities.CLAIMS, identities.userHigh(), user, b, base + f[2], f[3]);
        h += identities.keyHigh();
        h += identities.device(b, base + f[4], f[5]);
        return h + identities.address(b, base + f[6], f[7]);
    }
}
