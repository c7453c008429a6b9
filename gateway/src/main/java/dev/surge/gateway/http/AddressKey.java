package dev.surge.gateway.http;

/**
 * A client address as a map key: its 128 bits, an IPv4 address in its IPv4-mapped IPv6 form
 * (::ffff:a.b.c.d, the same host), so no IPv6 address can share an IPv4 address's key and spend
 * its allowance. Comparable, so that a bin of colliding keys, which a client choosing its IPv6
 * source addresses could craft, becomes a balanced tree rather than a list. Immutable.
 */
record AddressKey(long hi, long lo) implements Comparable<AddressKey> {
    /** {@code a}: 4 or 16 bytes, as {@link java.net.InetAddress#getAddress()} gives them. */
    static AddressKey of(byte[] a) {
        return a.length == 16 ? new AddressKey(word(a, 0), word(a, 8))
            : new AddressKey(0, 0xFFFF_0000_0000L | word(a, 0));
    }

    private static long word(byte[] a, int from) {
        long w = 0;
        for (int i = from; i < Math.min(a.length, from + 8); i++) {
            w = (w << 8) | (a[i] & 0xFF);
        }
        return w;
    }

    @Override
    public int compareTo(AddressKey o) {
        int c = Long.compare(hi, o.hi);
        return c != 0 ? c : Long.compare(lo, o.lo);
    }
}
