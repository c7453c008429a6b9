package dev.surge.gateway.config;

import io.netty.util.NetUtil;

/**
 * An address block such as {@code 10.0.0.0/8}, {@code 192.168.1.7} or {@code fd00::/8}, parsed
 * from literals only (never a DNS lookup). Immutable and thread-safe.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code address[/prefix]}; throws IllegalArgumentException when it is not one. */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR block: " + text);
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length of " + text + " must be 0-" + bits);
            }
        }
        return new Cidr(bytes, prefix, t);
    }

    /** The block's address as raw bytes (4 or 16), as written (host bits included). */
    public byte[] address() {
        return network.clone();
    }

    /** The prefix length in the address's own family (0-32 or 0-128). */
    public int prefixLength() {
        return prefix;
    }

    /** Whether the raw address (4 or 16 bytes) lies in this block. IPv4-mapped IPv6 counts as IPv4. */
    public boolean contains(byte[] address) {
        byte[] a = address;
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    @Override
    public String toString() {
        return text;
    }
}
