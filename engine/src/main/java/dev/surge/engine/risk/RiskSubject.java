package dev.surge.engine.risk;

import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;

/**
 * Who is claiming, as the risk rules see it: a reusable flyweight over the user, device and
 * client address of a claim command or event, with the token's issue time. Hashes are keyed
 * ({@link Identities}: a client cannot aim its device ids or addresses at one slot) and computed
 * on first use, so a campaign without rules pays for none of them. Confined to its owner's
 * thread (the decider and the applier each have one).
 */
public final class RiskSubject {
    /** The token carried no {@code iat}. */
    public static final long NO_ISSUED_AT = Long.MIN_VALUE;

    private final Identities identities;
    private DirectBuffer buffer;
    private long user;
    private int deviceOffset;
    private int deviceLength;
    private int ipOffset;
    private int ipLength;
    private long issuedAt;
    private long device;
    private boolean deviceHashed;
    private long ipHi;
    private long ipLo;
    private boolean ipRead;

    public RiskSubject(Identities identities) {
        this.identities = identities;
    }

    /** Wraps a claim; {@code user} is the low half of its user's identity, {@code issuedAt} epoch ms or NO_ISSUED_AT. */
    public RiskSubject wrap(long user, DirectBuffer buffer, int deviceOffset, int deviceLength, int ipOffset,
                            int ipLength, long issuedAt) {
        this.buffer = buffer;
        this.user = user;
        this.deviceOffset = deviceOffset;
        this.deviceLength = deviceLength;
        this.ipOffset = ipOffset;
        this.ipLength = ipLength;
        this.issuedAt = issuedAt;
        this.deviceHashed = false;
        this.ipRead = false;
        return this;
    }

    public long user() {
        return user;
    }

    public boolean hasDevice() {
        return deviceLength > 0;
    }

    public long device() {
        if (!deviceHashed) {
            device = identities.device(buffer, deviceOffset, deviceLength);
            deviceHashed = true;
        }
        return device;
    }

    public boolean hasIp() {
        return IpAddresses.valid(ipLength);
    }

    public long ipHi() {
        readIp();
        return ipHi;
    }

    public long ipLo() {
        readIp();
        return ipLo;
    }

    private void readIp() {
        if (!ipRead) {
            ipHi = IpAddresses.hi(buffer, ipOffset, ipLength);
            ipLo = IpAddresses.lo(buffer, ipOffset, ipLength);
            ipRead = true;
        }
    }

    /** The address as one key: IPv4 and its mapped IPv6 form are the same address. */
    public long ipKey() {
        return identities.address(ipHi(), ipLo(), 128);
    }

    /** The address's /24 (IPv4) or /64 (IPv6) as one key. */
    public long ipPrefixKey() {
        long hi = ipHi();
        long lo = ipLo();
        int p = IpAddresses.groupPrefix(hi, lo);
        return identities.address(IpAddresses.maskHi(hi, p), IpAddresses.maskLo(lo, p), p);
    }

    public boolean hasIssuedAt() {
        return issuedAt != NO_ISSUED_AT;
    }

    public long issuedAt() {
        return issuedAt;
    }
}
