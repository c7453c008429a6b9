package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static byte[] ip(String text) throws Exception {
        return InetAddress.getByName(text).getAddress();
    }

    /** An IPv6 client once shared 10.0.0.1's bucket (0:4:a00:1::4 packed to the same key) and could 429 it. */
    @Test
    void noIpv6AddressSpendsAnIpv4AddressesTokens() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 2);
        assertEquals(0, limiter.acquire(ip("0:4:a00:1::4"), 0));
        assertEquals(0, limiter.acquire(ip("0:4:a00:1::4"), 0));
        assertTrue(limiter.acquire(ip("0:4:a00:1::4"), 0) > 0, "its own bucket is empty");
        assertEquals(0, limiter.acquire(ip("10.0.0.1"), 0), "10.0.0.1 still has its own tokens");
        assertEquals(2, limiter.size());
    }

    @Test
    void anIpv4AddressAndItsMappedFormAreOneHost() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 1);
        assertEquals(0, limiter.acquire(ip("10.0.0.1"), 0));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(ip("10.0.0.1"), 0, mapped, 12, 4);
        assertTrue(limiter.acquire(mapped, 0) > 0, "::ffff:10.0.0.1 is the same client");
    }
}
