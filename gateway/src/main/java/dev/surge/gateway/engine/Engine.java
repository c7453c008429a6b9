package dev.surge.gateway.engine;

/**
 * Where the gateway's commands are decided: its own ring ({@link EngineProxy}) or a cluster
 * ({@link ClusterEngine}, docs/cluster.md). Both take the same {@link RingCall}s: the call writes
 * its command on the publishing thread, inside {@link #publish}, and hears its answer once it is
 * durable (journaled, or committed by a majority of the members), never before.
 *
 * <p>Threading: thread-safe.
 */
public interface Engine {
    /**
     * Publishes the call's command if there is room now, never blocking; false when too many
     * commands wait already (the caller answers 503 OVERLOADED).
     */
    boolean publish(RingCall call);

    /** Whether commands are refused now (503 UNAVAILABLE): a halted ring, a cluster out of reach. */
    boolean halted();

    /** Why commands are not taken now (for /health/ready and 503 UNAVAILABLE), or null while they are. */
    String unavailableReason();

    /** Commands published so far. */
    long published();

    /** The longest command, in bytes, this engine takes (a code upload cuts its batches to it). */
    int maxCommandBytes();
}
