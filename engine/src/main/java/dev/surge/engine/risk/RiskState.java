package dev.surge.engine.risk;

import dev.surge.engine.ResultCode;
import dev.surge.engine.util.Hashing;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Everything risk control knows: the blocklist, each campaign's rules and refusal counts, the
 * velocity windows and the devices' accounts. The decider asks {@link #check} (read-only) and
 * the event applier reports each claim decision to {@link #onClaim}, which is the only place
 * rule state changes: so replaying the journal replays every window and every refusal.
 *
 * <p>Checks run in a fixed order, and the first rule that refuses names the reason: blocklist
 * (user, device, address), device required, token age, accounts per device, then the velocity
 * windows (user, device, address, address prefix). An attempt that passes the identity checks
 * (everything before the velocity windows) counts in every velocity window of its campaign,
 * whether it is then granted or refused (by a window, a limit or lack of stock): repeated clicks
 * are what the windows throttle, so a client that keeps trying keeps itself refused until it
 * pauses for a window. A user joins its device's accounts only when granted: so the accounts
 * table grows with grants (bounded by stock), never with the device ids a client makes up.
 * Confined to the writer thread.
 */
public final class RiskState {
    // rule dimensions, mixed into keys
    private static final long USER = 1;
    private static final long DEVICE = 2;
    private static final long IP = 3;
    private static final long IP_PREFIX = 4;
    private static final long DEVICE_ACCOUNTS = 5;

    private final Blocklist blocklist;
    private final VelocityWindows windows = new VelocityWindows();
    private final DeviceAccounts devices = new DeviceAccounts();
    /** By campaign index: null when the campaign has no rules. */
    private RiskRules[] rules = new RiskRules[8];
    /** By campaign index, then reason code: claims refused. */
    private long[][] refusals = new long[8][];
    /** Sink for {@link #touchWindows}; never read. */
    @SuppressWarnings("unused")
    private long touched;

    /** {@code identities}: the state's keyed hashes, which the blocklist's ids must be hashed with too. */
    public RiskState(dev.surge.engine.util.Identities identities) {
        this.blocklist = new Blocklist(identities);
    }

    public Blocklist blocklist() {
        return blocklist;
    }

    public VelocityWindows windows() {
        return windows;
    }

    public DeviceAccounts devices() {
        return devices;
    }

    /** Sets a campaign's rules (from its CAMPAIGN_CONFIGURED event). */
    public void configure(int campaign, RiskRules r) {
        ensure(campaign);
        rules[campaign] = r == null || r.isEmpty() ? null : r;
    }

    /** The campaign's rules, or null when it has none. */
    public RiskRules rules(int campaign) {
        return campaign < rules.length ? rules[campaign] : null;
    }

    /** Whether nothing can refuse a claim of this campaign (no blocklist, no rules). */
    public boolean idle(int campaign) {
        return blocklist.isEmpty() && rules(campaign) == null;
    }

    /** The rule that refuses this claim at {@code time}, or {@link RiskReason#NONE}. Read-only. */
    public RiskReason check(int campaign, long time, RiskSubject s) {
        if (!blocklist.isEmpty()) {
            if (blocklist.blocksUser(s.user())) {
                return RiskReason.BLOCKED_USER;
            }
            if (s.hasDevice() && blocklist.blocksDevice(s.device())) {
                return RiskReason.BLOCKED_DEVICE;
            }
            if (s.hasIp() && blocklist.blocksAddress(s.ipHi(), s.ipLo())) {
                return RiskReason.BLOCKED_IP;
            }
        }
        RiskRules r = rules(campaign);
        if (r == null) {
            return RiskReason.NONE;
        }
        if (r.requireDevice && !s.hasDevice()) {
            return RiskReason.DEVICE_REQUIRED;
        }
        if (r.minTokenAgeSeconds > 0 && s.hasIssuedAt() && time - s.issuedAt() < r.minTokenAgeSeconds * 1000L) {
            return RiskReason.TOKEN_TOO_NEW;
        }
        if (r.maxAccountsPerDevice > 0 && s.hasDevice()) {
            long device = key(campaign, DEVICE_ACCOUNTS, s.device());
            if (devices.users(device) >= r.maxAccountsPerDevice && !devices.knows(device, s.user())) {
                return RiskReason.DEVICE_SHARED;
            }
        }
        touchWindows(campaign, r, s); // after the identity checks: a refused bot costs no window misses
        if (over(r.perUser, key(campaign, USER, s.user()), time)) {
            return RiskReason.VELOCITY_USER;
        }
        if (s.hasDevice() && over(r.perDevice, key(campaign, DEVICE, s.device()), time)) {
            return RiskReason.VELOCITY_DEVICE;
        }
        if (s.hasIp() && over(r.perIp, key(campaign, IP, s.ipKey()), time)) {
            return RiskReason.VELOCITY_IP;
        }
        if (s.hasIp() && over(r.perIpPrefix, key(campaign, IP_PREFIX, s.ipPrefixKey()), time)) {
            return RiskReason.VELOCITY_IP_PREFIX;
        }
        return RiskReason.NONE;
    }

    /** Starts the cache misses of every window this claim will read, so that they overlap. */
    private void touchWindows(int campaign, RiskRules r, RiskSubject s) {
        long t = 0;
        if (r.perUser.on()) {
            t += windows.touch(key(campaign, USER, s.user()));
        }
        if (r.perDevice.on() && s.hasDevice()) {
            t += windows.touch(key(campaign, DEVICE, s.device()));
        }
        if (r.perIp.on() && s.hasIp()) {
            t += windows.touch(key(campaign, IP, s.ipKey()));
        }
        if (r.perIpPrefix.on() && s.hasIp()) {
            t += windows.touch(key(campaign, IP_PREFIX, s.ipPrefixKey()));
        }
        touched = t; // a field, so the loads are not optimised away
    }

    private boolean over(RiskRules.Velocity v, long key, long time) {
        return v.on() && windows.count(key, VelocityWindows.bucketWidth(v.windowSeconds()), time) >= v.max();
    }

    /** Records a decided claim of an existing campaign (its result, and reason when refused). */
    public void onClaim(int campaign, long time, ResultCode result, int reason, RiskSubject s) {
        if (result == ResultCode.RISK_REJECTED) {
            ensure(campaign);
            long[] counts = refusals[campaign];
            if (counts == null) {
                counts = refusals[campaign] = new long[RiskReason.CODES];
            }
            counts[reason & (RiskReason.CODES - 1)]++;
        }
        RiskRules r = rules(campaign);
        if (r == null || !passedIdentityChecks(result, reason)) {
            return;
        }
        if (r.maxAccountsPerDevice > 0 && s.hasDevice()
            && (result == ResultCode.GRANTED || result == ResultCode.RESERVED)) {
            devices.add(key(campaign, DEVICE_ACCOUNTS, s.device()), s.user());
        }
        record(r.perUser, key(campaign, USER, s.user()), time);
        if (s.hasDevice()) {
            record(r.perDevice, key(campaign, DEVICE, s.device()), time);
        }
        if (s.hasIp()) {
            record(r.perIp, key(campaign, IP, s.ipKey()), time);
            record(r.perIpPrefix, key(campaign, IP_PREFIX, s.ipPrefixKey()), time);
        }
    }

    /** Whether a claim with this outcome got past the identity checks to the velocity windows. */
    static boolean passedIdentityChecks(ResultCode result, int reason) {
        return switch (result) {
            case GRANTED, RESERVED, LIMIT_REACHED, SOLD_OUT -> true;
            case RISK_REJECTED -> {
                RiskReason r = RiskReason.of(reason);
                yield r != null && r.velocity();
            }
            default -> false;
        };
    }

    private void record(RiskRules.Velocity v, long key, long time) {
        if (v.on()) {
            windows.record(key, VelocityWindows.bucketWidth(v.windowSeconds()), time);
        }
    }

    private static long key(int campaign, long dimension, long subject) {
        return Hashing.combine(campaign, dimension, subject);
    }

    /** Claims of the campaign refused, by reason (only reasons with refusals). Allocates. */
    public Map<RiskReason, Long> refusals(int campaign) {
        Map<RiskReason, Long> m = new EnumMap<>(RiskReason.class);
        long[] counts = campaign < refusals.length ? refusals[campaign] : null;
        if (counts != null) {
            for (int i = 0; i < counts.length; i++) {
                RiskReason r = RiskReason.of(i);
                if (counts[i] != 0 && r != null) {
                    m.put(r, counts[i]);
                }
            }
        }
        return m;
    }

    // ---- blocklist --------------------------------------------------------------------------

    /** Null when the change may be applied, else "field: why not". Read-only. */
    public String blocklistRefusal(BlocklistChange change) {
        return blocklist.refusal(change);
    }

    public void applyBlocklist(BlocklistChange change) {
        blocklist.apply(change);
    }

    private void ensure(int campaign) {
        if (campaign >= rules.length) {
            int n = Math.max(rules.length * 2, campaign + 1);
            rules = Arrays.copyOf(rules, n);
            refusals = Arrays.copyOf(refusals, n);
        }
    }

    // ---- digest and snapshot ------------------------------------------------------------------

    public long digest() {
        long d = Hashing.combine(blocklist.digest(), windows.digest(), devices.digest());
        for (int c = 0; c < rules.length; c++) {
            if (rules[c] != null) {
                long f = c;
                for (long v : rules[c].fields()) {
                    f = Hashing.combine(f, v);
                }
                d = Hashing.combine(d, f);
            }
            if (refusals[c] != null) {
                long f = c;
                for (long v : refusals[c]) {
                    f = Hashing.combine(f, v);
                }
                d = Hashing.combine(d, f);
            }
        }
        return d;
    }

    public void write(DataOutput out) throws IOException {
        blocklist.write(out);
        out.writeInt(rules.length);
        for (int c = 0; c < rules.length; c++) {
            RiskRules r = rules[c];
            out.writeBoolean(r != null);
            if (r != null) {
                for (long v : r.fields()) {
                    out.writeInt((int) v);
                }
            }
            long[] counts = refusals[c];
            out.writeBoolean(counts != null);
            if (counts != null) {
                for (long n : counts) {
                    out.writeLong(n);
                }
            }
        }
        windows.write(out);
        devices.write(out);
    }

    public void read(DataInput in) throws IOException {
        blocklist.read(in);
        int campaigns = in.readInt();
        if (campaigns < 0 || campaigns > 1 << 24) {
            throw new IOException("snapshot's risk section names " + campaigns + " campaigns");
        }
        ensure(Math.max(0, campaigns - 1));
        for (int c = 0; c < campaigns; c++) {
            if (in.readBoolean()) {
                RiskRules r = new RiskRules();
                r.perUser = velocity(in);
                r.perDevice = velocity(in);
                r.perIp = velocity(in);
                r.perIpPrefix = velocity(in);
                r.maxAccountsPerDevice = in.readInt();
                r.minTokenAgeSeconds = in.readInt();
                r.requireDevice = in.readInt() != 0;
                rules[c] = r;
            }
            if (in.readBoolean()) {
                long[] counts = new long[RiskReason.CODES];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = in.readLong();
                }
                refusals[c] = counts;
            }
        }
        windows.read(in);
        devices.read(in);
    }

    private static RiskRules.Velocity velocity(DataInput in) throws IOException {
        int max = in.readInt();
        int window = in.readInt();
        return max == 0 && window == 0 ? RiskRules.Velocity.OFF : new RiskRules.Velocity(max, window);
    }
}
