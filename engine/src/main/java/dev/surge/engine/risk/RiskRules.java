package dev.surge.engine.risk;

import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;

/**
 * A campaign's risk rules as the operator states them (admin path: a plain object, like
 * {@link dev.surge.engine.command.CampaignSpec} which carries it). Every rule is off at 0.
 * <ul>
 * <li>{@code perUser}, {@code perDevice}, {@code perIp}, {@code perIpPrefix}: at most
 *     {@code max} claim attempts within any {@code windowSeconds} (sliding) per user, device,
 *     client IP, or client IP's /24 (IPv4) or /64 (IPv6);
 * <li>{@code maxAccountsPerDevice}: a device already seen with this many distinct users refuses
 *     any further user;
 * <li>{@code minTokenAgeSeconds}: a user token issued ({@code iat}) less than this long ago is
 *     refused (tokens without {@code iat} are not judged by this rule);
 * <li>{@code requireDevice}: a claim without a deviceId is refused (else device rules are
 *     dodged by leaving it out).
 * </ul>
 */
public final class RiskRules {
    public static final int MAX_PER_WINDOW = 1_000_000;
    public static final int MAX_WINDOW_SECONDS = 7 * 24 * 3600;
    public static final int MAX_ACCOUNTS_PER_DEVICE = 10_000;
    public static final int MAX_TOKEN_AGE_SECONDS = 365 * 24 * 3600;
    /** Marks the rules' section after the SKUs in a campaign's wire layout. */
    public static final int WIRE_TAG = 'R';

    /** At most {@code max} attempts in any {@code windowSeconds}; {@link #OFF} when max is 0. */
    public record Velocity(int max, int windowSeconds) {
        public static final Velocity OFF = new Velocity(0, 0);

        public boolean on() {
            return max > 0;
        }
    }

    public Velocity perUser = Velocity.OFF;
    public Velocity perDevice = Velocity.OFF;
    public Velocity perIp = Velocity.OFF;
    public Velocity perIpPrefix = Velocity.OFF;
    public int maxAccountsPerDevice;
    public int minTokenAgeSeconds;
    public boolean requireDevice;

    /** Whether every field is at its default (off): then the rules need not be written at all. */
    public boolean isEmpty() {
        return Velocity.OFF.equals(perUser) && Velocity.OFF.equals(perDevice) && Velocity.OFF.equals(perIp)
            && Velocity.OFF.equals(perIpPrefix) && maxAccountsPerDevice == 0 && minTokenAgeSeconds == 0 && !requireDevice;
    }

    /** Returns null when valid, else "risk.field: what is wrong". */
    public String validate() {
        String e = validate("perUser", perUser);
        e = e != null ? e : validate("perDevice", perDevice);
        e = e != null ? e : validate("perIp", perIp);
        e = e != null ? e : validate("perIpPrefix", perIpPrefix);
        if (e != null) {
            return e;
        }
        if (maxAccountsPerDevice < 0 || maxAccountsPerDevice > MAX_ACCOUNTS_PER_DEVICE) {
            return "risk.maxAccountsPerDevice: must be 0 (off) to " + MAX_ACCOUNTS_PER_DEVICE;
        }
        if (minTokenAgeSeconds < 0 || minTokenAgeSeconds > MAX_TOKEN_AGE_SECONDS) {
            return "risk.minTokenAgeSeconds: must be 0 (off) to " + MAX_TOKEN_AGE_SECONDS;
        }
        return null;
    }

    private static String validate(String name, Velocity v) {
        if (v == null) {
            return "risk." + name + ": must be an object {max, windowSeconds} or absent";
        }
        if (v.max() == 0 && v.windowSeconds() == 0) {
            return null;
        }
        if (v.max() < 1 || v.max() > MAX_PER_WINDOW) {
            return "risk." + name + ".max: must be 1 to " + MAX_PER_WINDOW;
        }
        if (v.windowSeconds() < 1 || v.windowSeconds() > MAX_WINDOW_SECONDS) {
            return "risk." + name + ".windowSeconds: must be 1 to " + MAX_WINDOW_SECONDS;
        }
        return null;
    }

    /** Writes length:2 then the rules; a reader skips what it does not know of a longer section. */
    public void writeTo(WireWriter w) {
        int lengthAt = w.position();
        w.putShort(0);
        velocity(w, perUser);
        velocity(w, perDevice);
        velocity(w, perIp);
        velocity(w, perIpPrefix);
        w.putInt(maxAccountsPerDevice).putInt(minTokenAgeSeconds).putByte(requireDevice ? 1 : 0);
        w.buffer().putShort(lengthAt, (short) (w.position() - lengthAt - 2), java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    private static void velocity(WireWriter w, Velocity v) {
        w.putInt(v.max()).putInt(v.windowSeconds());
    }

    public static RiskRules readFrom(WireReader r) {
        int length = r.getShort() & 0xFFFF;
        int end = r.position() + length;
        RiskRules rules = new RiskRules();
        rules.perUser = velocity(r);
        rules.perDevice = velocity(r);
        rules.perIp = velocity(r);
        rules.perIpPrefix = velocity(r);
        rules.maxAccountsPerDevice = r.getInt();
        rules.minTokenAgeSeconds = r.getInt();
        rules.requireDevice = r.getByte() != 0;
        if (r.position() > end) {
            throw new IllegalArgumentException("risk rules section shorter than its fields");
        }
        r.position(end);
        return rules;
    }

    private static Velocity velocity(WireReader r) {
        int max = r.getInt();
        int window = r.getInt();
        return max == 0 && window == 0 ? Velocity.OFF : new Velocity(max, window);
    }

    /** For digests: every field, in a fixed order. */
    long[] fields() {
        return new long[] {perUser.max(), perUser.windowSeconds(), perDevice.max(), perDevice.windowSeconds(),
            perIp.max(), perIp.windowSeconds(), perIpPrefix.max(), perIpPrefix.windowSeconds(), maxAccountsPerDevice,
            minTokenAgeSeconds, requireDevice ? 1 : 0};
    }

    @Override
    public String toString() {
        return "perUser=" + text(perUser) + " perDevice=" + text(perDevice) + " perIp=" + text(perIp)
            + " perIpPrefix=" + text(perIpPrefix) + " maxAccountsPerDevice=" + maxAccountsPerDevice
            + " minTokenAgeSeconds=" + minTokenAgeSeconds + " requireDevice=" + requireDevice;
    }

    private static String text(Velocity v) {
        return v.on() ? v.max() + "/" + v.windowSeconds() + "s" : "off";
    }
}
