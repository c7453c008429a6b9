package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which URLs may name a supplier, with and without --allow-link-local-suppliers, and the check at connect time. */
class SupplierUrlsTest {
    /** Accepted whatever the flag. */
    private static final String[] ACCEPTED = {
        "http://127.0.0.1:9090/primary",
        "https://supplier.example.com/recharge",
        "http://localhost:8080",
        "http://[::1]:8080/x",
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://[fd00::1]/x",
        "http://169.254.example.com/x", // a name, not an address
        "http://metadata.example.com/x",
        "http://[2001:db8::169.254.169.254]/x", // not one of the IPv4-carrying forms
    };

    /** Refused whatever the flag: user info, and numeric hosts that are not a plain a.b.c.d. */
    private static final String[] ALWAYS_REFUSED = {
        "http://user:pw@supplier.example.com/x",
        "http://user@supplier.example.com/x",
        "http://:pw@127.0.0.1/x",
        "http://@127.0.0.1/x",
        "https://user:pw@169.254.169.254/x",
        "http://2852039166/latest/meta-data", // the JDK reads it as 169.254.169.254
        "http://2130706433/x",
        "http://1.2.3.999/x",
    };

    /** Refused unless the flag allows link-local and metadata addresses. */
    private static final String[] LINK_LOCAL = {
        "http://169.254.169.254/latest/meta-data",
        "http://169.254.0.1:8080/x",
        "http://169.254.255.255/x",
        "http://[fe80::1]/x",
        "http://[FEBF::1]/x",
        "http://[fd00:ec2::254]/latest/meta-data",
        "http://[::ffff:169.254.169.254]/x",
        "http://[::ffff:a9fe:a9fe]/x",
        "http://[::169.254.169.254]/x",
        "http://[64:ff9b::169.254.169.254]/x",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./x",
        "http://metadata/x",
        "http://metadata.goog/x",
        "http://instance-data/latest/",
        "http://instance-data.ec2.internal/latest/",
    };

    @Test
    void theTable() {
        for (boolean allow : new boolean[] {false, true}) {
            for (String url : ACCEPTED) {
                assertNull(SupplierUrls.problem(url, allow), url + " allow=" + allow);
            }
            for (String url : ALWAYS_REFUSED) {
                assertNotNull(SupplierUrls.problem(url, allow), url + " allow=" + allow);
            }
        }
        for (String url : LINK_LOCAL) {
            String problem = SupplierUrls.problem(url, false);
            assertNotNull(problem, url);
            assertTrue(problem.contains("--allow-link-local-suppliers"), problem);
            assertNull(SupplierUrls.problem(url, true), url + " with the flag");
        }
    }

    @Test
    void theReasonNeverRepeatsTheUrl() {
        String problem = SupplierUrls.problem("http://alice:hunter2@supplier.example.com/x", true);
        assertTrue(problem.startsWith("must not hold a user name or password"), problem);
        assertFalse(problem.contains("hunter2") || problem.contains("alice"), problem);
    }

    @Test
    void linkLocalIsDecidedOnTheBytes() {
        assertTrue(SupplierUrls.linkLocalOrMetadata(new byte[] {(byte) 169, (byte) 254, 0, 0}));
        assertFalse(SupplierUrls.linkLocalOrMetadata(new byte[] {(byte) 169, (byte) 253, 0, 0}));
        assertFalse(SupplierUrls.linkLocalOrMetadata(new byte[] {127, 0, 0, 1}));
        byte[] fec0 = new byte[16];
        fec0[0] = (byte) 0xFE;
        fec0[1] = (byte) 0xC0; // site-local, just past fe80::/10
        assertFalse(SupplierUrls.linkLocalOrMetadata(fec0));
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        assertFalse(SupplierUrls.linkLocalOrMetadata(loopback6), "::1");
    }

    @Test
    void theResolverRefusesALinkLocalAnswerAndPassesOthers() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            var resolver = GuardedResolver.GROUP.getResolver(loop);
            for (String host : new String[] {"169.254.169.254", "fe80::1", "::ffff:169.254.169.254", "fd00:ec2::254"}) {
                Future<InetSocketAddress> f = resolver.resolve(InetSocketAddress.createUnresolved(host, 80));
                assertTrue(f.await(10, TimeUnit.SECONDS), host);
                assertInstanceOf(GuardedResolver.Forbidden.class, f.cause(), host);
                assertTrue(f.cause().getMessage().contains("--allow-link-local-suppliers is off"), f.cause().getMessage());
            }
            for (String host : new String[] {"127.0.0.1", "localhost", "::1", "10.0.0.1"}) {
                Future<InetSocketAddress> f = resolver.resolve(InetSocketAddress.createUnresolved(host, 80));
                assertTrue(f.await(10, TimeUnit.SECONDS) && f.isSuccess(), host + ": " + f.cause());
                assertEquals(80, f.getNow().getPort());
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
