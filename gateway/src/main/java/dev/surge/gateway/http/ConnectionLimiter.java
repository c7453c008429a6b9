package dev.surge.gateway.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on open connections: all of them, and per peer address (the socket's; a trusted proxy's
 * connections carry many clients, so it is exempt from the per-address cap and counts only toward
 * the global one). A connection is counted when accepted and uncounted when closed; an address's
 * entry is removed when its count drops to 0, so the map holds only addresses with a connection
 * open and never outgrows the global cap.
 *
 * <p>Threading: thread-safe and non-blocking for the event loops: a compare-and-set loop on the
 * global count, and one {@link ConcurrentHashMap#compute} per connection on its address's bin.
 */
public final class ConnectionLimiter {
    /** What {@link #acquire} decided. */
    public enum Verdict {
        ACCEPTED,
        /** Over the global cap. */
        REFUSED_GLOBAL,
        /** Over the per-address cap. */
        REFUSED_PER_IP
    }

    private final int maxTotal;
    private final int maxPerAddress;
    private final ClientAddress trust;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<AddressKey, Integer> perAddress = new ConcurrentHashMap<>();

    /** {@code maxTotal} and {@code maxPerAddress} of 0 mean no cap. */
    public ConnectionLimiter(int maxTotal, int maxPerAddress, ClientAddress trust) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.trust = trust;
    }

    /**
     * Counts a new connection from {@code peer} (4 or 16 bytes), or refuses it. A refused one is
     * not counted; an accepted one must be {@link #release released} exactly once, with the same peer.
     */
    public Verdict acquire(byte[] peer) {
        AddressKey key = perAddressKey(peer);
        if (key != null && !incrementBelowCap(key)) {
            return Verdict.REFUSED_PER_IP;
        }
        int n;
        do {
            n = open.get();
            if (maxTotal > 0 && n >= maxTotal) {
                if (key != null) {
                    decrement(key);
                }
                return Verdict.REFUSED_GLOBAL;
            }
        } while (!open.compareAndSet(n, n + 1));
        return Verdict.ACCEPTED;
    }

    /** Uncounts a connection {@link #acquire} accepted. */
    public void release(byte[] peer) {
        open.decrementAndGet();
        AddressKey key = perAddressKey(peer);
        if (key != null) {
            decrement(key);
        }
    }

    /** Connections counted open. */
    public int open() {
        return open.get();
    }

    /** Addresses with a connection counted (trusted proxies and uncapped servers have none). */
    public int addresses() {
        return perAddress.size();
    }

    /** The address's key in the per-address map, or null when it is not capped. */
    private AddressKey perAddressKey(byte[] peer) {
        return maxPerAddress <= 0 || trust.isTrusted(peer) ? null : AddressKey.of(peer);
    }

    private boolean incrementBelowCap(AddressKey key) {
        boolean[] admitted = new boolean[1];
        perAddress.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        return admitted[0];
    }

    private void decrement(AddressKey key) {
        perAddress.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
