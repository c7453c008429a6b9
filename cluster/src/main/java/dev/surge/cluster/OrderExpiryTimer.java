package dev.surge.cluster;

import io.aeron.cluster.service.Cluster;
import org.agrona.concurrent.IdleStrategy;

/**
 * The one cluster timer of a member: it goes off at the earliest {@code payBy} the state machine
 * publishes ({@code StateMachine.orderDeadline()}), and the service then decides an
 * {@code EXPIRE_ORDERS} command at the timer event's timestamp (docs/cluster.md, "Timers"), where a
 * single gateway's order sweeper polls a wall clock. The timer event is in the log, so every
 * member expires the same orders at the same time, and a replay does again.
 *
 * <p><b>Why one fixed correlation id.</b> Aeron keeps timers in the consensus module (and in its
 * snapshot); a member whose service lags its consensus module (a follower catching up, a member
 * replaying its log after a restart) counts timer events it read in the log before its service
 * scheduled them, and skips that many later schedules of the same id. With one id that is always
 * re-set after it fires, every schedule replaces the previous one and each skipped schedule is
 * one that had already gone off, so once the service has caught up the timer is at the
 * deadline of the state: no timer is lost, and a stale one goes off early at worst, which
 * expires nothing (an {@code EXPIRE_ORDERS} expires only orders already due).
 *
 * <p>The timer follows the deadline after every decision ({@link #follow}: scheduled when it moved,
 * cancelled when no order waits), which only log callbacks may do; after a start (from a
 * snapshot, whose consensus module state holds the timer, or from an empty state) the first
 * decision sets it again. Campaign windows need no timer: a claim is checked against its
 * campaign's start and end at the claim's own time.
 *
 * <p>Threading: confined to the clustered service's thread, inside log callbacks.
 */
final class OrderExpiryTimer {
    /** The timer's correlation id. */
    static final long CORRELATION_ID = 1;
    private static final long NOT_SET = Long.MIN_VALUE;

    /** The deadline the timer is at (Long.MAX_VALUE: none), or NOT_SET when not known. */
    private long armed = NOT_SET;

    /** Sets the timer to {@code deadline} (Long.MAX_VALUE: cancels it) unless it is there already. */
    void follow(Cluster cluster, long deadline, IdleStrategy idle) {
        if (deadline == armed) {
            return;
        }
        idle.reset();
        if (deadline == Long.MAX_VALUE) {
            while (!cluster.cancelTimer(CORRELATION_ID)) {
                idle.idle(); // back pressure from the consensus module: brief
            }
        } else {
            while (!cluster.scheduleTimer(CORRELATION_ID, deadline)) {
                idle.idle();
            }
        }
        armed = deadline;
    }

    /** The timer went off: it is spent, and the next {@link #follow} sets it again. */
    void fired() {
        armed = NOT_SET;
    }
}
