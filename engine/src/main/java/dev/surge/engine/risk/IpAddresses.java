package dev.surge.engine.risk;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Client addresses as two longs, the 128 bits of an IPv6 address, big-endian: an IPv4 address
 * a.b.c.d becomes its IPv4-mapped form ::ffff:a.b.c.d, so that one prefix match serves both
 * families (an IPv4 block a.b.c.d/n is the mapped block /(96+n)). Raw addresses are 4 or 16
 * bytes, as the gateway puts them in a claim. Stateless; allocation-free except the text
 * formatting, which is for the admin path and tools.
 */
public final class IpAddresses {
    /** The mapped prefix ::ffff:0:0/96 in the low word. */
    private static final long V4_MAPPED = 0x0000_FFFFL << 32;
    /** Prefix lengths, in 128-bit space, of the per-IP-prefix velocity rule: IPv4 /24, IPv6 /64. */
    public static final int V4_PREFIX = 96 + 24;
    public static final int V6_PREFIX = 64;

    private IpAddresses() {
    }

    /** Whether a raw address has a usable length (4 or 16 bytes). */
    public static boolean valid(int length) {
        return length == 4 || length == 16;
    }

    public static long hi(DirectBuffer b, int offset, int length) {
        return length == 16 ? b.getLong(offset, ByteOrder.BIG_ENDIAN) : 0;
    }

    public static long lo(DirectBuffer b, int offset, int length) {
        return length == 16 ? b.getLong(offset + 8, ByteOrder.BIG_ENDIAN)
            : V4_MAPPED | (b.getInt(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    public static long hi(byte[] raw) {
        return raw.length == 16 ? word(raw, 0) : 0;
    }

    public static long lo(byte[] raw) {
        return raw.length == 16 ? word(raw, 8) : V4_MAPPED | (word(raw, 0) >>> 32);
    }

    private static long word(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (at + i < b.length ? b[at + i] & 0xFF : 0);
        }
        return v;
    }

    public static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == 0xFFFF;
    }

    /** The high word with all but the first {@code prefix} bits (of 128) cleared. */
    public static long maskHi(long hi, int prefix) {
        return prefix >= 64 ? hi : prefix <= 0 ? 0 : hi & (-1L << (64 - prefix));
    }

    public static long maskLo(long lo, int prefix) {
        return prefix >= 128 ? lo : prefix <= 64 ? 0 : lo & (-1L << (128 - prefix));
    }

    /** The prefix length the per-IP-prefix rule groups this address by. */
    public static int groupPrefix(long hi, long lo) {
        return isV4(hi, lo) ? V4_PREFIX : V6_PREFIX;
    }

    /**
     * An address or block as text: IPv4 (mapped, prefix at least 96) as a.b.c.d[/n], anything
     * else as RFC 5952 IPv6 [/n]; the prefix is left out for a single address.
     */
    public static String format(long hi, long lo, int prefix) {
        StringBuilder sb = new StringBuilder(44);
        if (isV4(hi, lo) && prefix >= 96) {
            sb.append((lo >>> 24) & 0xFF).append('.').append((lo >>> 16) & 0xFF).append('.')
                .append((lo >>> 8) & 0xFF).append('.').append(lo & 0xFF);
            if (prefix < 128) {
                sb.append('/').append(prefix - 96);
            }
            return sb.toString();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        // the longest run of two or more zero groups becomes "::" (the first such run on a tie)
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        if (prefix < 128) {
            sb.append('/').append(prefix);
        }
        return sb.toString();
    }

    /** A raw address as text ("" when it has no usable length). */
    public static String format(byte[] raw) {
        return raw == null || !valid(raw.length) ? "" : format(hi(raw), lo(raw), 128);
    }

    /** The /24 (IPv4) or /64 (IPv6) block a raw address belongs to, as text ("" when none). */
    public static String groupOf(byte[] raw) {
        if (raw == null || !valid(raw.length)) {
            return "";
        }
        long hi = hi(raw);
        long lo = lo(raw);
        int p = groupPrefix(hi, lo);
        return format(maskHi(hi, p), maskLo(lo, p), p);
    }
}
