package dev.surge.engine.risk;

/**
 * One blocked address block as a 128-bit prefix (see {@link IpAddresses}): IPv4 blocks are
 * IPv4-mapped, so 10.0.0.0/8 is stored as ::ffff:10.0.0.0/104. Immutable.
 */
public record IpBlock(long hi, long lo, int prefix) {

    /**
     * A block from a raw address (4 or 16 bytes) and a prefix length in that address's own
     * family (0-32 or 0-128). Throws IllegalArgumentException when the lengths are wrong or
     * the address has bits set beyond the prefix.
     */
    public static IpBlock of(byte[] raw, int familyPrefix) {
        if (raw == null || !IpAddresses.valid(raw.length)) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes");
        }
        int bits = raw.length * 8;
        if (familyPrefix < 0 || familyPrefix > bits) {
            throw new IllegalArgumentException("prefix length must be 0-" + bits);
        }
        IpBlock b = new IpBlock(IpAddresses.hi(raw), IpAddresses.lo(raw), familyPrefix + 128 - bits);
        if (!b.hostBitsClear()) {
            int p = b.prefix;
            IpBlock network = new IpBlock(IpAddresses.maskHi(b.hi, p), IpAddresses.maskLo(b.lo, p), p);
            throw new IllegalArgumentException("has bits set beyond its prefix; the block is " + network);
        }
        return b;
    }

    public boolean hostBitsClear() {
        return prefix >= 0 && prefix <= 128 && IpAddresses.maskHi(hi, prefix) == hi && IpAddresses.maskLo(lo, prefix) == lo;
    }

    /** Whether the raw address (4 or 16 bytes) lies in this block. */
    public boolean contains(byte[] raw) {
        return IpAddresses.maskHi(IpAddresses.hi(raw), prefix) == hi && IpAddresses.maskLo(IpAddresses.lo(raw), prefix) == lo;
    }

    /** As an operator writes it: 10.0.0.0/8, 1.2.3.4, 2001:db8::/32. */
    @Override
    public String toString() {
        return IpAddresses.format(hi, lo, prefix);
    }
}
