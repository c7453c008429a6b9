package dev.surge.bench;

import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateMachine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine alone, one thread: decide + apply of a claim that is granted (a recharge
 * SKU with ample stock, per-user limit 1, a fresh user and Idempotency-Key each time, so every
 * claim touches the limit counters, the idempotency table and the grant book).
 *
 * <p>Claims are written as the gateway writes them: resolved at the edge ({@code ClaimEdge}:
 * directory indexes, keyed identities, fingerprint). The work splits between two threads in
 * production, and so do the figures:
 * <ul>
 * <li>{@link #decide}: the writer thread's share alone: a batch of {@link #BATCH} claims is encoded
 *     before each invocation (not timed) and decided in it, as the decide stage sees a ring batch;
 * <li>{@link #encodeOnly}: the publisher's share (encoding, directory lookups, hashing);
 * <li>{@link #claim}: both, one after the other on one thread.
 * </ul>
 *
 * <p>The tables are reserved for {@link #users} users up front, as a production start
 * with an expected-users hint does, so that the figure is the decision and not the amortised
 * rehashing of tables that double while the sale runs (measure that with {@code -p reserve=false}).
 */
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms10g", "-Xmx10g", "-XX:+UseParallelGC"})
public class ClaimDecisionBenchmark {
    /** Claims per {@link #decide} invocation, encoded beforehand. */
    static final int BATCH = 256;

    /**
     * The state machine and the publisher that encodes claims for it. {@link Batch} is one too,
     * rather than a state taking another as its helper's argument: JMH handed such a helper
     * another instance, whose claims named an older machine's directory, and every decision
     * took the by-name path.
     */
    @State(Scope.Thread)
    public static class Sale {
        @Param({"true"})
        public boolean reserve;

        /** Users the tables are reserved for: 6M is more than one 2 s iteration reaches on this hardware. */
        @Param({"6000000"})
        public int users;

        /**
         * Claims per user, each under a key of its own: 1, every claim a new user's; more, a user's
         * later claims reach the limit and their keys spill from the user's line to the shared
         * idempotency table, as under a load generator's repeating users (-p claimsPerUser=16).
         */
        @Param({"1"})
        public int claimsPerUser = 1;

        /** A paid SKU (docs/payments.md): each claim reserves an order instead of granting (-p paid=true). */
        @Param({"false"})
        public boolean paid;

        StateMachine machine;
        /** A ring's worth of distinct prepared claims, reused round-robin with fresh user ids. */
        final CommandSlot[] slots = new CommandSlot[4096];
        int next;
        private CommandWriter writer;
        private final StringBuilder user = new StringBuilder(16);
        private final StringBuilder key = new StringBuilder(16);

        @Setup(Level.Iteration)
        public void setUp() {
            machine = null; // the previous iteration's tables are garbage before the next ones are reserved
            System.gc();
            machine = new StateMachine();
            if (reserve) {
                machine.reserve(users);
            }
            CommandWriter admin = new CommandWriter();
            CommandSlot slot = new CommandSlot();
            CampaignSpec spec = sale();
            if (paid) {
                CampaignSpec.SkuSpec sku = spec.skus.get(0);
                sku.price = 990;
                sku.currency = "CNY";
                sku.paymentProvider = "pay";
            }
            admin.upsertCampaign(slot, 1, spec);
            machine.decide(slot);
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new CommandSlot();
            }
            next = 0;
            writer = new CommandWriter(machine.edge());
        }

        /** Claim number {@code n}, by user {@code n / claimsPerUser}, written into {@code slot} as the gateway writes it. */
        void fill(CommandSlot slot, int n) {
            user.setLength(0);
            user.append("user-").append(n / claimsPerUser);
            key.setLength(0);
            key.append("key-").append(n);
            writer.claim(slot, 2, user, key, "bench", "vip", "dev-1", null, "13800000000");
        }

        CommandSlot nextSlot() {
            int n = next++;
            CommandSlot slot = slots[n & (slots.length - 1)];
            fill(slot, n);
            return slot;
        }
    }

    /**
     * The benchmarks' campaign "bench": open for ever, one per user, one recharge SKU "vip" with
     * stock that never runs out.
     */
    static CampaignSpec sale() {
        CampaignSpec spec = new CampaignSpec("bench");
        spec.endsAt = Long.MAX_VALUE;
        spec.perUserLimit = 1;
        CampaignSpec.SkuSpec sku = new CampaignSpec.SkuSpec("vip", SkuKind.DIRECT_RECHARGE);
        sku.stock = Long.MAX_VALUE / 2;
        sku.suppliers.add("primary");
        spec.skus.add(sku);
        return spec;
    }

    @Benchmark
    public int claim(Sale sale) {
        CommandSlot slot = sale.nextSlot();
        sale.machine.decide(slot);
        return slot.eventLength;
    }

    /** The writer thread's share: decide + apply of claims a publisher already resolved. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decide(Batch batch) {
        // as the decide stage reads ahead in its batch, a group at a time (StateMachine.prefetch)
        StateMachine machine = batch.machine;
        CommandSlot[] slots = batch.batch;
        int written = 0;
        for (int group = 0; group < slots.length; group += StateMachine.PREFETCH_GROUP) {
            int end = Math.min(group + StateMachine.PREFETCH_GROUP, slots.length);
            for (int i = group; i < end; i++) {
                machine.prefetch(slots[i]);
            }
            for (int i = group; i < end; i++) {
                machine.prefetchLine(slots[i]);
            }
            for (int i = group; i < end; i++) {
                machine.decide(slots[i]);
                written += slots[i].eventLength;
            }
        }
        return written;
    }

    /** A sale whose claims are encoded by the publisher before each {@link #decide} invocation, outside its time. */
    @State(Scope.Thread)
    public static class Batch extends Sale {
        final CommandSlot[] batch = new CommandSlot[BATCH];

        public Batch() {
            for (int i = 0; i < BATCH; i++) {
                batch[i] = new CommandSlot();
            }
        }

        @Setup(Level.Invocation)
        public void encode() {
            for (CommandSlot slot : batch) {
                fill(slot, next++);
            }
        }
    }

    /** The publisher's share: encoding, directory lookups and hashing at the edge. */
    @Benchmark
    public int encodeOnly(Sale sale) {
        return sale.nextSlot().commandLength;
    }
}
