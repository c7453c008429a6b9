package dev.surge.cluster;

import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The idle strategy of every Aeron agent Surge runs (driver, archive, consensus module, service,
 * client): a few spins and yields after work, then parks, doubling up to a millisecond. A node
 * may share two cores with a gateway, so nothing may spin while idle; the cost is up to a
 * millisecond of wake-up latency after a quiet spell.
 */
final class SleepingIdle {
    private static final long MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private SleepingIdle() {
    }

    static IdleStrategy create() {
        return new BackoffIdleStrategy(10, 10, MIN_PARK_NS, MAX_PARK_NS);
    }
}
