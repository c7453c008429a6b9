package dev.surge.engine.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Address blocks: IPv4 and IPv6 matching, host bits, removal, text; cross-checked against a plain list. */
class CidrSetTest {

    static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    static byte[] v6(int... groups) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (groups[i] >>> 8);
            b[2 * i + 1] = (byte) groups[i];
        }
        return b;
    }

    private static boolean contains(CidrSet set, byte[] raw) {
        return set.contains(IpAddresses.hi(raw), IpAddresses.lo(raw));
    }

    private static void add(CidrSet set, IpBlock b) {
        set.add(b.hi(), b.lo(), b.prefix());
    }

    @Test
    void ipv4AndIpv6BlocksMatchTheirAddressesOnly() {
        CidrSet set = new CidrSet();
        add(set, IpBlock.of(v4(10, 0, 0, 0), 8));
        add(set, IpBlock.of(v4(192, 168, 1, 7), 32));
        add(set, IpBlock.of(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32));
        assertTrue(contains(set, v4(10, 255, 1, 2)));
        assertFalse(contains(set, v4(11, 0, 0, 0)));
        assertTrue(contains(set, v4(192, 168, 1, 7)));
        assertFalse(contains(set, v4(192, 168, 1, 8)));
        assertTrue(contains(set, v6(0x2001, 0xdb8, 0xffff, 1, 2, 3, 4, 5)));
        assertFalse(contains(set, v6(0x2001, 0xdb9, 0, 0, 0, 0, 0, 1)));
        // an IPv4 client seen through a dual-stack socket is the same address
        assertTrue(contains(set, v6(0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203)));
        // but an IPv4 block never matches an IPv6 address that merely shares low bits
        assertFalse(contains(set, v6(0, 0, 0, 0, 0, 0, 0x0a01, 0x0203)));
        assertEquals(3, set.size());
    }

    @Test
    void hostBitsBeyondThePrefixAreRefusedNamingTheBlock() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpBlock.of(v4(10, 1, 2, 3), 8));
        assertTrue(e.getMessage().contains("10.0.0.0/8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpBlock.of(v4(10, 0, 0, 0), 33));
        assertThrows(IllegalArgumentException.class, () -> IpBlock.of(new byte[5], 8));
        assertEquals("::/0", IpBlock.of(v6(0, 0, 0, 0, 0, 0, 0, 0), 0).toString());
    }

    @Test
    void textIsWhatAnOperatorWrites() {
        assertEquals("10.0.0.0/8", IpBlock.of(v4(10, 0, 0, 0), 8).toString());
        assertEquals("1.2.3.4", IpBlock.of(v4(1, 2, 3, 4), 32).toString());
        assertEquals("2001:db8::/32", IpBlock.of(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32).toString());
        assertEquals("2001:db8::1", IpAddresses.format(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)));
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddresses.format(v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1)));
        assertEquals("2001:0:0:1::1", IpAddresses.format(v6(0x2001, 0, 0, 1, 0, 0, 0, 1)));
        assertEquals("::1", IpAddresses.format(v6(0, 0, 0, 0, 0, 0, 0, 1)));
        assertEquals("1.2.3.0/24", IpAddresses.groupOf(v4(1, 2, 3, 99)));
        assertEquals("2001:db8:1:2::/64", IpAddresses.groupOf(v6(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6)));
        UnsafeBuffer b = new UnsafeBuffer(v4(1, 2, 3, 4));
        assertEquals(IpAddresses.lo(v4(1, 2, 3, 4)), IpAddresses.lo(b, 0, 4), "buffer and array agree");
    }

    @Test
    void randomAddsRemovesAndLookupsAgreeWithAPlainList() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 50; round++) {
            CidrSet set = new CidrSet();
            List<IpBlock> model = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                IpBlock b = randomBlock(rnd);
                if (rnd.nextInt(3) == 0) {
                    assertEquals(model.remove(b), set.remove(b.hi(), b.lo(), b.prefix()));
                } else {
                    assertEquals(!model.contains(b), set.add(b.hi(), b.lo(), b.prefix()));
                    if (!model.contains(b)) {
                        model.add(b);
                    }
                }
                assertEquals(model.size(), set.size());
                byte[] probe = randomAddress(rnd);
                boolean expected = model.stream().anyMatch(m -> m.contains(probe));
                assertEquals(expected, contains(set, probe), "round " + round + " step " + step);
            }
            for (IpBlock b : model) {
                assertTrue(set.containsBlock(b.hi(), b.lo(), b.prefix()), "every block still findable after removals");
            }
        }
    }

    private static byte[] randomAddress(SplittableRandom rnd) {
        // a small space, so that probes hit blocks often
        return rnd.nextBoolean() ? v4(10, rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(4))
            : v6(0x2001, 0xdb8, rnd.nextInt(3), rnd.nextInt(2), 0, 0, 0, rnd.nextInt(4));
    }

    private static IpBlock randomBlock(SplittableRandom rnd) {
        byte[] a = randomAddress(rnd);
        int bits = a.length * 8;
        int[] prefixes = a.length == 4 ? new int[] {8, 16, 24, 30, 32} : new int[] {32, 48, 64, 126, 128};
        int p = prefixes[rnd.nextInt(prefixes.length)];
        IpBlock host = new IpBlock(IpAddresses.hi(a), IpAddresses.lo(a), p + 128 - bits);
        return new IpBlock(IpAddresses.maskHi(host.hi(), host.prefix()), IpAddresses.maskLo(host.lo(), host.prefix()),
            host.prefix());
    }
}
