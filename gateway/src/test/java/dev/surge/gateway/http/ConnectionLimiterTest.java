package dev.surge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.config.Cidr;
import dev.surge.gateway.http.ConnectionLimiter.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private static final byte[] A = {10, 0, 0, 1};
    private static final byte[] B = {10, 0, 0, 2};
    private static final byte[] PROXY = {(byte) 192, (byte) 168, 0, 1};
    /** ::ffff:10.0.0.1, the same host as A. */
    private static final byte[] A_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 0, 0, 1};
    /** 0:4:a00:1::4, which a naive packing of A's length and bytes would confuse with A. */
    private static final byte[] V6 = {0, 0, 0, 4, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4};

    private static ConnectionLimiter limiter(int total, int perAddress) {
        return new ConnectionLimiter(total, perAddress, new ClientAddress(List.of(Cidr.parse("192.168.0.0/24"))));
    }

    @Test
    void perAddressCapThenTheSlotComesBack() {
        ConnectionLimiter l = limiter(0, 2);
        assertEquals(Verdict.ACCEPTED, l.acquire(A));
        assertEquals(Verdict.ACCEPTED, l.acquire(A));
        assertEquals(Verdict.REFUSED_PER_IP, l.acquire(A));
        assertEquals(Verdict.REFUSED_PER_IP, l.acquire(A_MAPPED), "the IPv4-mapped form is the same host");
        assertEquals(Verdict.ACCEPTED, l.acquire(B), "another address has its own count");
        assertEquals(Verdict.ACCEPTED, l.acquire(V6));
        assertEquals(4, l.open(), "refusals are not counted");
        l.release(A);
        assertEquals(Verdict.ACCEPTED, l.acquire(A));
    }

    @Test
    void globalCapCountsEveryoneAndGivesBackThePerAddressSlot() {
        ConnectionLimiter l = limiter(3, 2);
        assertEquals(Verdict.ACCEPTED, l.acquire(A));
        assertEquals(Verdict.ACCEPTED, l.acquire(PROXY));
        assertEquals(Verdict.ACCEPTED, l.acquire(B));
        assertEquals(Verdict.REFUSED_GLOBAL, l.acquire(A));
        assertEquals(Verdict.REFUSED_GLOBAL, l.acquire(PROXY), "a trusted proxy counts toward the global cap");
        l.release(B);
        assertEquals(Verdict.ACCEPTED, l.acquire(A), "the refusal above did not keep A's per-address slot");
        assertEquals(Verdict.REFUSED_GLOBAL, l.acquire(B));
    }

    @Test
    void trustedProxiesAreExemptFromThePerAddressCap() {
        ConnectionLimiter l = limiter(0, 1);
        for (int i = 0; i < 10; i++) {
            assertEquals(Verdict.ACCEPTED, l.acquire(PROXY));
        }
        assertEquals(0, l.addresses());
        assertEquals(10, l.open());
    }

    @Test
    void addressesAreForgottenWhenTheirLastConnectionCloses() {
        ConnectionLimiter l = limiter(0, 5);
        for (int i = 0; i < 1000; i++) {
            byte[] peer = {10, 1, (byte) (i >> 8), (byte) i};
            l.acquire(peer);
            l.acquire(peer);
            l.release(peer);
            l.release(peer);
        }
        assertEquals(0, l.addresses());
        assertEquals(0, l.open());
    }

    @Test
    void concurrentConnectionsNeverExceedTheCaps() throws Exception {
        int total = 50;
        int perAddress = 6;
        int addresses = 10; // 4 threads hold up to 80 at once, 8 per address: over both caps
        ConnectionLimiter l = limiter(total, perAddress);
        AtomicIntegerArray held = new AtomicIntegerArray(addresses);
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            workers.add(new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                List<byte[]> mine = new ArrayList<>();
                for (int round = 0; round < 2000; round++) {
                    for (int i = 0; i < 20; i++) { // each thread holds up to 20 at once
                        int a = (seed + round + i) % addresses;
                        byte[] peer = {10, 2, 0, (byte) a};
                        if (l.acquire(peer) == Verdict.ACCEPTED) {
                            if (l.open() > total || held.incrementAndGet(a) > perAddress) {
                                violations.incrementAndGet();
                            }
                            mine.add(peer);
                        } else {
                            refusals.incrementAndGet();
                        }
                    }
                    for (byte[] peer : mine) {
                        held.decrementAndGet(peer[3]);
                        l.release(peer);
                    }
                    mine.clear();
                }
            }));
        }
        workers.forEach(Thread::start);
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, violations.get());
        assertTrue(refusals.get() > 0, "the caps were reached");
        assertEquals(0, l.open());
        assertEquals(0, l.addresses());
    }
}
