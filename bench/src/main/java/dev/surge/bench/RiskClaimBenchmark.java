package dev.surge.bench;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.ClaimCommand;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.IpBlock;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskRules;
import dev.surge.engine.risk.RiskState;
import dev.surge.engine.risk.RiskSubject;
import dev.surge.engine.state.StateMachine;
import dev.surge.engine.util.Identities;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * What risk control costs on the claim path, one thread, in a steady state: {@link #users} users who
 * already hold their one grant claim again and again (no Idempotency-Key), so every claim is
 * decided in full (risk checks, velocity windows recorded, a CLAIM_REJECTED event written and
 * applied) and ends LIMIT_REACHED, and nothing grows per claim but what risk control keeps
 * (which its windows bound): the grant book, idempotency and limit tables stay as they are,
 * so the numbers are not drowned in their growth (as a grant-per-op benchmark's are).
 * <ul>
 * <li>{@code OFF}: no rules, empty blocklist (one check, nothing hashed);
 * <li>{@code RULES}: every rule on and passed: checked against and recorded in four velocity
 *     windows (user, device, IP, /24 or /64), the device's accounts and the token age; each user
 *     claims from a device and an address of their own (3/4 IPv4, 1/4 IPv6), so about 200,000
 *     keys are tracked, and time advances ~64 claims per ms, so windows slide;
 * <li>{@code RULES_BLOCKLIST}: the same plus a blocklist of 10,000 users, 10,000 devices and
 *     2,000 address blocks over six prefix lengths that no claim matches (every lookup misses);
 * <li>{@code BOT}: the rules, every claim from one device that already has its 3 accounts:
 *     refused DEVICE_SHARED (the refusal path).
 * </ul>
 * {@link #claim} is a whole decision (its command encoding included, resolved at the edge as the
 * gateway's: {@link #encodeOnly} is that part alone, the publisher's share); {@link #riskAlone} is {@link RiskState#check} plus {@link RiskState#onClaim}
 * for the same subjects, without the rest of the engine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class RiskClaimBenchmark {
    private static final long T0 = 1_750_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final String BOT_DEVICE = "bot-device";

    /** Which rules are on. */
    public enum Rules {
        OFF, RULES, RULES_BLOCKLIST, BOT
    }

    @Param({"OFF", "RULES", "RULES_BLOCKLIST", "BOT"})
    public Rules rules;

    /** Users (a power of two), each with their device and address: about 3.3 tracked keys each. */
    @Param({"65536"})
    public int users;

    private StateMachine machine;
    private RiskState risk;
    /** The risk rules' keyed hashes, under a key of their own (the benchmark's state is never replayed). */
    private final Identities identities = new Identities(0x5eedL, 0xbeefL);
    private final RiskSubject subject = new RiskSubject(identities);
    private CommandWriter writer;
    private final CommandSlot slot = new CommandSlot();
    private final StringBuilder user = new StringBuilder(16);
    private final StringBuilder device = new StringBuilder(16);
    private final byte[] v4 = new byte[4];
    private final byte[] v6 = new byte[16];
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
    private long[] userHashes;
    private ResultCode expected;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        machine = new StateMachine();
        writer = new CommandWriter(machine.edge()); // claims resolved at the edge, as the gateway's
        CampaignSpec spec = ClaimDecisionBenchmark.sale();
        RiskRules r = rules();
        if (r != null) {
            spec.risk = r;
        }
        writer.upsertCampaign(slot, T0, spec);
        machine.decide(slot);
        if (rules == Rules.RULES_BLOCKLIST) {
            writer.updateBlocklist(slot, T0, blocklist());
            machine.decide(slot);
        }
        // every user takes its one grant, from devices and addresses of its own
        userHashes = new long[users];
        for (int u = 0; u < users; u++) {
            user.setLength(0);
            user.append("user-").append(u);
            writer.claim(slot, T0, user, "", "bench", "vip", "setup-" + u,
                new byte[] {(byte) 198, 18, (byte) (u >>> 8), (byte) u}, "13800000000", T0 - 2 * DAY);
            machine.decide(slot);
            check(ResultCode.GRANTED);
            userHashes[u] = identities.user(slot.command, ClaimCommand.STRINGS + 2,
                slot.command.getShort(ClaimCommand.STRINGS, java.nio.ByteOrder.LITTLE_ENDIAN));
        }
        if (rules == Rules.BOT) {
            for (int u = 0; u < 3; u++) { // the bot device takes its three accounts
                fill(u);
                machine.decide(slot);
                check(ResultCode.LIMIT_REACHED);
            }
        }
        expected = rules == Rules.BOT ? ResultCode.RISK_REJECTED : ResultCode.LIMIT_REACHED;
        fill(users / 2);
        machine.decide(slot);
        check(expected);

        risk = new RiskState(identities);
        if (r != null) {
            risk.configure(0, r);
        }
        if (rules == Rules.RULES_BLOCKLIST) {
            risk.applyBlocklist(blocklist());
        }
        next = 0;
    }

    private RiskRules rules() {
        if (rules == Rules.OFF) {
            return null;
        }
        RiskRules r = new RiskRules();
        r.perUser = new RiskRules.Velocity(1_000_000, 60);
        r.perDevice = new RiskRules.Velocity(1_000_000, 600);
        r.perIp = new RiskRules.Velocity(1_000_000, 600);
        r.perIpPrefix = new RiskRules.Velocity(1_000_000, 600);
        r.maxAccountsPerDevice = rules == Rules.BOT ? 3 : 10_000;
        r.minTokenAgeSeconds = 3600;
        return r;
    }

    private static BlocklistChange blocklist() {
        BlocklistChange change = new BlocklistChange();
        for (int i = 0; i < 10_000; i++) {
            change.users.add("blocked-user-" + i);
            change.devices.add("blocked-device-" + i);
        }
        int[] v4Prefixes = {32, 24, 16};
        int[] v6Prefixes = {128, 64, 48};
        for (int i = 0; i < 1_000; i++) {
            // inside 172.16.0.0/12 and 2001:db8:ffff::/48, where no claim comes from
            int p = v4Prefixes[i % 3];
            byte[] a = {(byte) 172, (byte) (16 + (i & 15)), (byte) (i >> 4), 0};
            change.ips.add(IpBlock.of(mask(a, p), p));
            byte[] b = {0x20, 0x01, 0x0d, (byte) 0xb8, (byte) 0xff, (byte) 0xff, (byte) (i >> 8), (byte) i,
                0, 0, 0, 0, 0, 0, 0, 0};
            int q = v6Prefixes[i % 3];
            change.ips.add(IpBlock.of(mask(b, q), q));
        }
        return change;
    }

    private static byte[] mask(byte[] a, int prefix) {
        byte[] m = a.clone();
        for (int bit = prefix; bit < m.length * 8; bit++) {
            m[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return m;
    }

    private void check(ResultCode result) {
        if (slot.result != result) {
            throw new IllegalStateException("expected " + result + ", the engine answered " + slot.result);
        }
    }

    /** A whole decision: encode the command, decide, apply. */
    @Benchmark
    public int claim() {
        fill(next++);
        machine.decide(slot);
        return slot.eventLength;
    }

    /** The command encoding part of {@link #claim} alone. */
    @Benchmark
    public int encodeOnly() {
        fill(next++);
        return slot.commandLength;
    }

    /** Risk control alone: the decider's check and the applier's record, for the same subjects. */
    @Benchmark
    public int riskAlone() {
        int n = next++;
        long now = T0 + (n >>> 6);
        int deviceLength = device(n);
        byte[] ip = address(n);
        scratch.putBytes(16, ip);
        subject.wrap(userHashes[n & (users - 1)], scratch, 0, deviceLength, 16, ip.length, now - 2 * DAY);
        RiskReason reason = risk.check(0, now, subject);
        risk.onClaim(0, now, reason == RiskReason.NONE ? ResultCode.LIMIT_REACHED : ResultCode.RISK_REJECTED,
            reason.code(), subject);
        return reason.code();
    }

    private int device(int n) {
        device.setLength(0);
        if (rules == Rules.BOT) {
            device.append(BOT_DEVICE);
        } else {
            device.append("dev-").append(n & (users - 1));
        }
        for (int i = 0; i < device.length(); i++) {
            scratch.putByte(i, (byte) device.charAt(i));
        }
        return device.length();
    }

    private byte[] address(int claim) {
        int n = claim & (users - 1);
        if ((n & 3) == 3) {
            v6[0] = 0x24;
            v6[1] = 0x08;
            v6[6] = (byte) (n >>> 10);
            v6[7] = (byte) (n >>> 2);
            v6[15] = (byte) n;
            return v6;
        }
        v4[0] = 100;
        v4[1] = 64;
        v4[2] = (byte) (n >>> 8);
        v4[3] = (byte) n;
        return v4;
    }

    private void fill(int n) {
        user.setLength(0);
        user.append("user-").append(n & (users - 1));
        device(n);
        long now = T0 + (n >>> 6);
        writer.claim(slot, now, user, "", "bench", "vip", device, address(n),
            "13800000000", now - 2 * DAY);
    }
}
