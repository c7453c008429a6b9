package dev.surge.delivery;

/**
 * What a job (a recharge, a refund) carries through a {@link SupplierLane}: where it stands, the
 * request it sends and whether it is in doubt there. {@link LanePump} moves it; the agent that
 * owns it decides what each answer means. Confined to the dispatcher thread.
 */
abstract class LaneJob {
    /** What the job is waiting for. */
    enum Phase {
        /** In its lane's queue: for a concurrency slot or a closed circuit. */
        QUEUED,
        /** A request (send or status query) is out. */
        IN_FLIGHT,
        /** A backoff timer is running. */
        BACKOFF,
        /** A record it waits for (a failover, its final status) is on its way into the journal. */
        JOURNALING,
        /** Its supplier or provider (or a delivery's route) is not configured yet. */
        PARKED
    }

    /** The request body (built once, on first use, by {@link #newBody()}). */
    byte[] body;
    /** The lane's supplier may hold it: ask it (status query) before sending again or leaving it. */
    boolean inDoubt;
    /** The current request is its lane's half-open probe. */
    boolean probe;
    Phase phase = Phase.QUEUED;
    /** Set when the job is dropped, so that a late answer or timer for it is ignored. */
    boolean dropped;

    /** The {@code Idempotency-Key} and status-query id of its requests. */
    abstract String requestId();

    /** Builds the request body, the same for every send. */
    abstract byte[] newBody();
}
