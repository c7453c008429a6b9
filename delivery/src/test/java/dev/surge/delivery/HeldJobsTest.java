package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The jobs a dispatcher holds: bounded, one per request id, refilled from the engine's owed work. */
class HeldJobsTest {
    private static final class Job extends LaneJob {
        final String id;

        Job(String id) {
            this.id = id;
        }

        @Override
        String requestId() {
            return id;
        }

        @Override
        byte[] newBody() {
            return new byte[0];
        }
    }

    private final List<Integer> asked = new ArrayList<>();
    private final List<String> advanced = new ArrayList<>();
    private boolean stopped;
    // 8 jobs at most: a read-back starts at 4 or fewer, pages of 2
    private final HeldJobs<Job> jobs = new HeldJobs<>(8, null, () -> stopped, (cursor, size) -> {
        assertEquals(2, size);
        asked.add(cursor);
    }, job -> advanced.add(job.id));

    @Test
    void takesEachRequestIdOnceAndRefusesBeyondCapacity() {
        for (int i = 0; i < 8; i++) {
            assertTrue(jobs.take(new Job("j" + i)));
        }
        assertTrue(jobs.take(new Job("j0")), "held already: nothing to do");
        assertEquals(8, advanced.size());
        assertFalse(jobs.take(new Job("j8")), "no room");
        assertNull(jobs.get("j8"));
        for (int i = 0; i < 4; i++) {
            jobs.finished(jobs.get("j" + i));
        }
        assertEquals(List.of(0), asked, "the refused job is read back once there is room");
    }

    @Test
    void aPageResumesWhatIsNotHeldWhileThereIsRoom() {
        Job held = new Job("a");
        jobs.take(held);
        jobs.want();
        jobs.poll();
        assertEquals(List.of(0), asked);
        List<String> owed = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
        jobs.takePage(owed, -1, Function.identity(), Job::new);
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h"), advanced, "full at 8: the rest next pass");
        assertSame(held, jobs.get("a"));
        assertEquals(8, jobs.size());
    }

    @Test
    void aRefusedJobIsDroppedOnceAndReadBack() {
        Job job = new Job("a");
        jobs.take(job);
        jobs.refused(job);
        assertTrue(job.dropped);
        assertEquals(0, jobs.size());
        jobs.refused(job);
        jobs.poll();
        assertEquals(List.of(0), asked, "one read-back");
    }

    @Test
    void noPageWhileStopped() {
        jobs.want();
        stopped = true;
        jobs.poll();
        assertEquals(List.of(), asked);
    }
}
