package dev.surge.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The jobs a dispatcher holds and how they are refilled (docs/delivery.md, "Bounded, and nothing
 * lost"): at most {@code capacity}, by request id; what does not fit, or what the engine refused
 * a step for, stays owed in the engine and is read back ({@link ReadBack}) once there is room.
 * Where a job goes, what an answer means and what is counted stay with the agent. Confined to the
 * dispatcher thread.
 */
final class HeldJobs<J extends LaneJob> {
    private static final int MAX_PAGE = 1024;

    /** How the agent asks the engine for a page of its owed work. */
    interface PageAsker {
        void ask(int cursor, int pageSize);
    }

    private final Map<String, J> jobs = new HashMap<>();
    private final int capacity;
    private final DispatchQueue intake;
    private final BooleanSupplier stopped;
    private final ReadBack readBack;
    private final Consumer<J> advance;

    /** {@code advance}: sends a job just taken, or puts it where it waits. */
    HeldJobs(int capacity, DispatchQueue intake, BooleanSupplier stopped, PageAsker askPage, Consumer<J> advance) {
        this.capacity = capacity;
        this.intake = intake;
        this.stopped = stopped;
        int pageSize = Math.max(1, Math.min(MAX_PAGE, capacity / 4));
        this.readBack = new ReadBack(capacity, cursor -> askPage.ask(cursor, pageSize));
        this.advance = advance;
    }

    int size() {
        return jobs.size();
    }

    /** The job held under {@code requestId}; null when none is. */
    J get(String requestId) {
        return jobs.get(requestId);
    }

    /** Reads the owed work back once there is room (at start, after a re-drive, ...). */
    void want() {
        readBack.want();
    }

    /**
     * Runs what the intake FIFO holds (a batch), then a read-back if one is wanted and there is
     * room; a job the FIFO had no room for wants one.
     */
    void drain() {
        if (intake.overflowed()) {
            readBack.want();
        }
        intake.drain(stopped);
        poll();
    }

    /** Starts a read-back of the engine's owed work when one is wanted and there is room. */
    void poll() {
        if (!stopped.getAsBoolean()) {
            readBack.poll(jobs.size());
        }
    }

    /**
     * A new job from the ring, taken and advanced unless it is held already; false when there is
     * no room (it is owed in the engine: read back once there is room).
     */
    boolean take(J job) {
        if (jobs.containsKey(job.requestId())) {
            return true;
        }
        if (jobs.size() >= capacity) {
            readBack.want();
            return false;
        }
        jobs.put(job.requestId(), job);
        advance.accept(job);
        return true;
    }

    /**
     * A page of the engine's owed work: every item not held yet becomes a job, while there is
     * room (the rest on the next pass); {@code nextCursor} is the engine's (-1: the last page).
     */
    <P> void takePage(List<P> owed, int nextCursor, Function<P, String> requestId, Function<P, J> resume) {
        for (P p : owed) {
            if (jobs.containsKey(requestId.apply(p))) {
                continue;
            }
            if (jobs.size() >= capacity) {
                readBack.want(); // the rest on the next pass
                break;
            }
            J job = resume.apply(p);
            jobs.put(job.requestId(), job);
            advance.accept(job);
        }
        readBack.pageDone(nextCursor, jobs.size());
    }

    /** The engine answered no page (halted, or refused): nothing to read. */
    void noPage() {
        readBack.failed();
    }

    /** Forgets the job; a late answer or timer for it is ignored. */
    void drop(J job) {
        job.dropped = true;
        jobs.remove(job.requestId(), job);
    }

    /** The engine refused a step of the job: its state is the truth, so drop ours and read it back. */
    void refused(J job) {
        if (!job.dropped) {
            drop(job);
            readBack.want();
        }
    }

    /** The job's final status is journaled: it is done, and its room may let the next page in. */
    void finished(J job) {
        jobs.remove(job.requestId(), job);
        if (!stopped.getAsBoolean()) {
            readBack.roomMaybe(jobs.size());
        }
    }

    /** The dispatcher is stopping: what it held stays owed in the journal. */
    void clear() {
        jobs.clear();
    }
}
