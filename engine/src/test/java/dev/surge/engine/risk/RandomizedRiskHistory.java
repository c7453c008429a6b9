package dev.surge.engine.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One seeded random risk history: two campaigns with random velocity rules, claims from a small
 * population of users, devices and IPv4/IPv6 addresses, blocklist changes in every mode, rules and
 * status changed mid-run, time passing; driven through {@link EngineDriver} with a deliberately
 * naive model alongside (plain sets, every attempt's timestamp in a list) that every reply is
 * asserted against. {@link #run()} also checks replay and snapshot digests. Shared through the
 * engine's test-jar: {@code RandomizedRiskTest} runs it against the engine, the journal tests run
 * its events through the journal CLI's invariant auditor.
 */
public final class RandomizedRiskHistory {
    static final int STEPS = 200;
    static final String[] CAMPAIGNS = {"c0", "c1"};

    private final SplittableRandom rnd;
    final EngineDriver d;
    // the model
    private final Map<String, RiskRules> rules = new HashMap<>();
    private final Map<String, Integer> perUserLimit = new HashMap<>();
    private final Map<String, Integer> stock = new HashMap<>();
    private final Map<String, CampaignStatus> status = new HashMap<>();
    private final Map<String, Integer> grants = new HashMap<>();
    private final Map<String, Object[]> firstDecision = new HashMap<>();
    private final Set<String> blockedUsers = new HashSet<>();
    private final Set<String> blockedDevices = new HashSet<>();
    private final List<byte[]> blockedBlocks = new ArrayList<>(); // 16-byte network + prefix byte
    private final Map<String, Set<String>> accounts = new HashMap<>();
    private final Map<String, Window> windows = new HashMap<>();
    private final Map<String, Map<RiskReason, Long>> refused = new HashMap<>();
    private int snapshotAt = -1;
    private StateMachine snapshot;

    /** Every attempt's time, under the bucket width it was counted with. */
    private static final class Window {
        final int width;
        final List<Long> times = new ArrayList<>();

        Window(int width) {
            this.width = width;
        }
    }

    /** A copy of the machine through a snapshot round trip. */
    static StateMachine copy(StateMachine m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.writeSnapshot(new DataOutputStream(bytes));
        return StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), m.config());
    }

    public RandomizedRiskHistory(long seed) {
        this(seed, true);
    }

    /** {@code atEdge}: claims resolved by the publisher (see {@link EngineDriver#EngineDriver(long, boolean)}). */
    public RandomizedRiskHistory(long seed, boolean atEdge) {
        rnd = new SplittableRandom(seed);
        d = new EngineDriver(seed, atEdge);
    }

    /** The events the engine decided so far, in order (the history's journal). */
    public List<byte[]> events() {
        return d.events;
    }

    /** Runs the whole history and returns its events. */
    public List<byte[]> runForEvents() throws IOException {
        run();
        return d.events;
    }

    /** Runs the whole history, asserting every reply against the model; returns the number of risk refusals. */
    public int run() throws IOException {
        for (String c : CAMPAIGNS) {
            perUserLimit.put(c, rnd.nextInt(3));
            configure(c);
            int n = 5 + rnd.nextInt(30);
            assertEquals(ResultCode.OK, d.load(c, "card", EngineDriver.codes(c, n)).result);
            stock.put(c, n);
            status.put(c, CampaignStatus.ACTIVE);
            refused.put(c, new EnumMap<>(RiskReason.class));
        }
        int refusals = 0;
        for (int step = 0; step < STEPS; step++) {
            int op = rnd.nextInt(100);
            if (op < 72) {
                refusals += claim() ? 1 : 0;
            } else if (op < 84) {
                d.now += rnd.nextInt(4) == 0 ? rnd.nextInt(8000) : rnd.nextInt(400);
            } else if (op < 92) {
                blocklist();
            } else if (op < 96) {
                configure(CAMPAIGNS[rnd.nextInt(2)]);
            } else {
                String c = CAMPAIGNS[rnd.nextInt(2)];
                CampaignStatus next = rnd.nextBoolean() ? CampaignStatus.PAUSED : CampaignStatus.ACTIVE;
                assertEquals(ResultCode.OK, d.status(c, next).result);
                status.put(c, next);
            }
            if (step == STEPS / 2) {
                snapshot = copy(d.machine);
                snapshotAt = d.events.size();
            }
        }
        for (String c : CAMPAIGNS) {
            assertEquals(refused.get(c), d.machine.campaign(c).riskRejected(), "refusal counters of " + c);
        }
        long live = d.machine.digest();
        assertEquals(live, d.replay().digest(), "replayed journal reproduces the state");
        for (int i = snapshotAt; i < d.events.size(); i++) {
            byte[] e = d.events.get(i);
            assertTrue(snapshot.apply(new UnsafeBuffer(e), 0, e.length));
        }
        assertEquals(live, snapshot.digest(), "snapshot + tail reproduces the state");
        assertEquals(live, copy(d.machine).digest(), "snapshot reproduces the state");
        return refusals;
    }

    private void configure(String c) {
        RiskRules r = new RiskRules();
        r.perUser = velocity();
        r.perDevice = velocity();
        r.perIp = velocity();
        r.perIpPrefix = velocity();
        r.maxAccountsPerDevice = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 0;
        r.minTokenAgeSeconds = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(5) : 0;
        r.requireDevice = rnd.nextInt(10) == 0;
        CampaignSpec spec = EngineDriver.campaign(c, perUserLimit.get(c));
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        spec.risk = r;
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        rules.put(c, r.isEmpty() ? null : r);
    }

    private RiskRules.Velocity velocity() {
        return rnd.nextBoolean() ? RiskRules.Velocity.OFF
            : new RiskRules.Velocity(1 + rnd.nextInt(4), 1 + rnd.nextInt(5));
    }

    // ---- the population ------------------------------------------------------------------

    private String user() {
        return "u" + rnd.nextInt(12);
    }

    private String device() {
        return rnd.nextInt(4) == 0 ? "" : "d" + rnd.nextInt(5);
    }

    private byte[] ip() {
        return switch (rnd.nextInt(6)) {
            case 0 -> null;
            case 1, 2 -> new byte[] {10, 0, (byte) rnd.nextInt(2), (byte) (1 + rnd.nextInt(3))};
            case 3 -> CidrSetTest.v6(0, 0, 0, 0, 0, 0xffff, 0x0a00 + rnd.nextInt(2), 1 + rnd.nextInt(3));
            default -> CidrSetTest.v6(0x2001, 0xdb8, 0, rnd.nextInt(2), 0, 0, 0, 1 + rnd.nextInt(3));
        };
    }

    private void blocklist() {
        BlocklistChange change = new BlocklistChange();
        change.mode = BlocklistChange.Mode.values()[rnd.nextInt(3)];
        for (int i = rnd.nextInt(3); i > 0; i--) {
            change.users.add(user());
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            String dev = device();
            change.devices.add(dev.isEmpty() ? "d9" : dev);
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            byte[] a = ip();
            if (a == null) {
                continue;
            }
            int bits = a.length * 8;
            int familyPrefix = bits - (rnd.nextBoolean() ? 0 : rnd.nextInt(a.length == 4 ? 16 : 72));
            byte[] net = mask(to16(a), familyPrefix + 128 - bits);
            byte[] raw = a.length == 4 ? Arrays.copyOfRange(net, 12, 16) : net;
            change.ips.add(IpBlock.of(raw, familyPrefix));
        }
        assertEquals(ResultCode.OK, d.blocklist(change).result);
        if (change.mode == BlocklistChange.Mode.REPLACE) {
            blockedUsers.clear();
            blockedDevices.clear();
            blockedBlocks.clear();
        }
        boolean remove = change.mode == BlocklistChange.Mode.REMOVE;
        for (String u : change.users) {
            if (remove) {
                blockedUsers.remove(u);
            } else {
                blockedUsers.add(u);
            }
        }
        for (String dev : change.devices) {
            if (remove) {
                blockedDevices.remove(dev);
            } else {
                blockedDevices.add(dev);
            }
        }
        for (IpBlock b : change.ips) {
            byte[] entry = blockEntry(b);
            blockedBlocks.removeIf(e -> Arrays.equals(e, entry));
            if (!remove) {
                blockedBlocks.add(entry);
            }
        }
    }

    private static byte[] blockEntry(IpBlock b) {
        byte[] e = new byte[17];
        for (int i = 0; i < 8; i++) {
            e[i] = (byte) (b.hi() >>> (56 - 8 * i));
            e[8 + i] = (byte) (b.lo() >>> (56 - 8 * i));
        }
        e[16] = (byte) b.prefix();
        return e;
    }

    // ---- claims --------------------------------------------------------------------------

    /** Returns whether the claim was refused by a risk rule. */
    private boolean claim() {
        String user = user();
        String key = "k" + rnd.nextInt(5);
        String c = CAMPAIGNS[rnd.nextInt(2)];
        String device = device();
        byte[] ip = ip();
        long iat = rnd.nextInt(3) == 0 ? RiskSubject.NO_ISSUED_AT : d.now - rnd.nextInt(8000);
        ReplyView r = d.claim(user, key, c, "card", device, ip, "", iat);

        String body = c + "|" + device;
        Object[] first = firstDecision.get(user + "/" + key);
        if (first != null) {
            if (!first[0].equals(body)) {
                assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, r.result);
            } else {
                assertTrue(r.replayed);
                assertEquals(first[1], r.result);
                assertEquals(first[2], r.result == ResultCode.RISK_REJECTED ? RiskReason.of(r.reason) : null);
            }
            return false;
        }
        RiskReason reason = RiskReason.NONE;
        ResultCode expected;
        if (status.get(c) == CampaignStatus.PAUSED) {
            expected = ResultCode.PAUSED;
        } else if ((reason = risk(c, user, device, ip, iat)) != RiskReason.NONE) {
            expected = ResultCode.RISK_REJECTED;
        } else if (perUserLimit.get(c) > 0 && grants.getOrDefault(c + "/" + user, 0) >= perUserLimit.get(c)) {
            expected = ResultCode.LIMIT_REACHED;
        } else if (stock.get(c) < 1) {
            expected = ResultCode.SOLD_OUT;
        } else {
            expected = ResultCode.GRANTED;
        }
        String what = "claim " + body + " by " + user + " from " + IpAddresses.format(ip) + " at " + d.now;
        assertEquals(expected, r.result, what);
        if (expected == ResultCode.RISK_REJECTED) {
            assertEquals(reason, RiskReason.of(r.reason), what);
            refused.get(c).merge(reason, 1L, Long::sum);
        }
        firstDecision.put(user + "/" + key, new Object[] {body, r.result,
            expected == ResultCode.RISK_REJECTED ? reason : null});
        if (expected == ResultCode.GRANTED) {
            grants.merge(c + "/" + user, 1, Integer::sum);
            stock.merge(c, -1, Integer::sum);
        }
        boolean counted = expected == ResultCode.GRANTED || expected == ResultCode.LIMIT_REACHED
            || expected == ResultCode.SOLD_OUT || (expected == ResultCode.RISK_REJECTED && reason.velocity());
        RiskRules rule = rules.get(c);
        if (counted && rule != null) {
            if (rule.maxAccountsPerDevice > 0 && !device.isEmpty() && expected == ResultCode.GRANTED) {
                accounts.computeIfAbsent(c + "|" + device, k -> new HashSet<>()).add(user);
            }
            record(rule.perUser, c + "|user|" + user);
            if (!device.isEmpty()) {
                record(rule.perDevice, c + "|device|" + device);
            }
            if (ip != null) {
                record(rule.perIp, c + "|ip|" + Arrays.toString(to16(ip)));
                record(rule.perIpPrefix, c + "|prefix|" + prefixOf(ip));
            }
        }
        return expected == ResultCode.RISK_REJECTED;
    }

    private RiskReason risk(String c, String user, String device, byte[] ip, long iat) {
        if (blockedUsers.contains(user)) {
            return RiskReason.BLOCKED_USER;
        }
        if (!device.isEmpty() && blockedDevices.contains(device)) {
            return RiskReason.BLOCKED_DEVICE;
        }
        if (ip != null) {
            for (byte[] b : blockedBlocks) {
                if (Arrays.equals(mask(to16(ip), b[16] & 0xFF), Arrays.copyOf(b, 16))) {
                    return RiskReason.BLOCKED_IP;
                }
            }
        }
        RiskRules r = rules.get(c);
        if (r == null) {
            return RiskReason.NONE;
        }
        if (r.requireDevice && device.isEmpty()) {
            return RiskReason.DEVICE_REQUIRED;
        }
        if (r.minTokenAgeSeconds > 0 && iat != RiskSubject.NO_ISSUED_AT && d.now - iat < r.minTokenAgeSeconds * 1000L) {
            return RiskReason.TOKEN_TOO_NEW;
        }
        if (r.maxAccountsPerDevice > 0 && !device.isEmpty()) {
            Set<String> seen = accounts.getOrDefault(c + "|" + device, Set.of());
            if (!seen.contains(user) && seen.size() >= r.maxAccountsPerDevice) {
                return RiskReason.DEVICE_SHARED;
            }
        }
        if (over(r.perUser, c + "|user|" + user)) {
            return RiskReason.VELOCITY_USER;
        }
        if (!device.isEmpty() && over(r.perDevice, c + "|device|" + device)) {
            return RiskReason.VELOCITY_DEVICE;
        }
        if (ip != null && over(r.perIp, c + "|ip|" + Arrays.toString(to16(ip)))) {
            return RiskReason.VELOCITY_IP;
        }
        if (ip != null && over(r.perIpPrefix, c + "|prefix|" + prefixOf(ip))) {
            return RiskReason.VELOCITY_IP_PREFIX;
        }
        return RiskReason.NONE;
    }

    /** The documented window: attempts in the newest 8 buckets of width ceil(W / 7). */
    private boolean over(RiskRules.Velocity v, String key) {
        if (!v.on()) {
            return false;
        }
        int width = (int) Math.ceil(v.windowSeconds() * 1000 / 7.0);
        Window w = windows.get(key);
        if (w == null || w.width != width) {
            return false;
        }
        long now = Math.floorDiv(d.now, width);
        return w.times.stream().filter(t -> Math.floorDiv(t, width) > now - 8).count() >= v.max();
    }

    private void record(RiskRules.Velocity v, String key) {
        if (!v.on()) {
            return;
        }
        int width = (int) Math.ceil(v.windowSeconds() * 1000 / 7.0);
        Window w = windows.get(key);
        if (w == null || w.width != width) {
            windows.put(key, w = new Window(width));
        }
        w.times.add(d.now);
    }

    // ---- addresses, naively ---------------------------------------------------------------

    private static byte[] to16(byte[] ip) {
        if (ip.length == 16) {
            return ip.clone();
        }
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(ip, 0, b, 12, 4);
        return b;
    }

    private static byte[] mask(byte[] a, int prefix) {
        byte[] m = a.clone();
        for (int bit = prefix; bit < 128; bit++) {
            m[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return m;
    }

    private static String prefixOf(byte[] ip) {
        byte[] a = to16(ip);
        boolean v4 = Arrays.equals(Arrays.copyOf(a, 12), Arrays.copyOf(to16(new byte[4]), 12));
        return Arrays.toString(mask(a, v4 ? 120 : 64));
    }
}
