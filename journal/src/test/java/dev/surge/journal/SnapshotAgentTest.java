package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotAgentTest {
    @TempDir
    Path data;

    /** The executor the agent tails on, as the server's dispatcher: one thread, shared. */
    private final ScheduledExecutorService host = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "host"));

    @AfterEach
    void stopHost() {
        host.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static boolean agentThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("surge-snapshot"));
    }

    @Test
    void tailsTheLiveJournalAndSnapshotsEveryNEventsAndOnClose() throws Exception {
        EngineDriver live = JournalHistory.run(41, 400);
        int n = live.events.size();
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        SnapshotAgent agent;
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 100, Duration.ofHours(1)).start(host);
            for (int from = 0; from < n; from += 50) {
                JournalHistory.append(journal, live.events, from, Math.min(n, from + 50), 10);
                Thread.sleep(2); // let the agent interleave with the writer
            }
            await(() -> agent.appliedSequence() == n, "the agent to catch up");
            assertTrue(agent.snapshotsWritten() >= n / 100 - 1, "snapshots every 100 events: " + agent.snapshotsWritten());
            await(() -> !agentThreadAlive(), "the agent to tail on the host alone, with no thread of its own");
        }
        agent.close();
        assertNull(agent.failure());
        assertFalse(agentThreadAlive());
        assertEquals(n, agent.lastSnapshotSequence(), "the final snapshot covers the last event");

        List<SnapshotInfo> kept = store.list();
        assertEquals(SnapshotStore.DEFAULT_KEEP, kept.size());
        assertEquals(n, kept.get(0).sequence());
        for (SnapshotInfo info : kept) {
            assertEquals(JournalHistory.replay(live.events, (int) info.sequence()).digest(), store.load(info).digest(),
                "snapshot at " + info.sequence() + " equals the live state at that event");
        }
        Recovery.Result r = new Recovery(data, JournalHistory.CIPHER).run();
        assertEquals(live.machine.digest(), r.machine().digest());
        assertEquals(0, r.report().eventsReplayed(), "nothing left to replay after the final snapshot");
    }

    /** A host that records the delay of every task scheduled on it. */
    private static final class RecordingHost extends ScheduledThreadPoolExecutor {
        final List<Long> delaysNanos = new CopyOnWriteArrayList<>();

        RecordingHost() {
            super(1, r -> new Thread(r, "recording-host"));
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delaysNanos.add(unit.toNanos(delay));
            return super.schedule(command, delay, unit);
        }
    }

    @Test
    void anIdleJournalIsReadLessAndLessOftenAndNewEventsBringTheShortWaitBack() throws Exception {
        EngineDriver live = JournalHistory.run(43, 200);
        int n = live.events.size();
        int half = n / 2;
        RecordingHost recording = new RecordingHost();
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER);
             SnapshotAgent agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 1_000_000, Duration.ofHours(1))) {
            JournalHistory.append(journal, live.events, 0, half, 10);
            agent.start(recording);
            await(() -> agent.appliedSequence() == half, "the agent to catch up");
            int before = recording.delaysNanos.size();
            Thread.sleep(3_000);
            List<Long> idle = List.copyOf(recording.delaysNanos.subList(before, recording.delaysNanos.size()));
            // 20 ms apart, 3 s would be 150 reads; doubling from there to a second, about 8
            assertTrue(idle.size() <= 10, "reads of an idle journal in 3 s: " + idle);
            assertEquals(SnapshotAgent.IDLE_POLL.toNanos(), idle.stream().mapToLong(Long::longValue).max().orElse(0),
                "the longest wait: " + idle);

            int resumedAt = recording.delaysNanos.size();
            JournalHistory.append(journal, live.events, half, n, 10);
            await(() -> agent.appliedSequence() == n, "the agent to read the new events within its longest wait");
            // the read that found them waits the short time again
            await(() -> recording.delaysNanos.subList(resumedAt, recording.delaysNanos.size())
                .contains(SnapshotAgent.POLL.toNanos()), "a short wait after the new events");
        } finally {
            recording.shutdownNow();
        }
    }

    @Test
    void snapshotsAfterTheIntervalWhenFewEventsArriveAndResumesFromItsLastSnapshot() throws Exception {
        EngineDriver live = JournalHistory.run(42, 40);
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, 10, 5);
            try (SnapshotAgent agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 1_000_000, Duration.ofMillis(50))
                .start(host)) {
                await(() -> agent.snapshotsWritten() >= 1, "a snapshot after the interval");
                assertEquals(10, agent.lastSnapshotSequence());
            }
            // a new agent starts from that snapshot (the journal index hint) and only applies the rest
            JournalHistory.append(journal, live.events, 10, live.events.size(), 5);
            try (SnapshotAgent agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 1_000_000, Duration.ofHours(1))
                .start(host)) {
                await(() -> agent.appliedSequence() == live.events.size(), "the second agent to catch up");
            }
        }
        assertEquals(live.events.size(), store.list().get(0).sequence());
        assertEquals(live.machine.digest(), store.loadNewest().machine().digest());
    }

    @Test
    void aHostShutDownFirstStillLeavesCloseItsDrainAndFinalSnapshot() throws Exception {
        EngineDriver live = JournalHistory.run(43, 60);
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            SnapshotAgent agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 1_000_000, Duration.ofHours(1))
                .start(host);
            JournalHistory.append(journal, live.events, 0, 20, 5);
            await(() -> agent.appliedSequence() == 20, "the agent to catch up");
            host.shutdownNow(); // as the server stops its dispatcher before the storage
            host.awaitTermination(10, TimeUnit.SECONDS);
            JournalHistory.append(journal, live.events, 20, live.events.size(), 5);
            agent.close();
            assertNull(agent.failure());
            assertEquals(live.events.size(), agent.appliedSequence(), "close drained what the host no longer would");
        }
        assertEquals(live.events.size(), store.list().get(0).sequence());
        assertEquals(live.machine.digest(), store.loadNewest().machine().digest());
    }

    @Test
    void closingWithNothingNewWritesNoSnapshot() {
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        try (SnapshotAgent agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 10, Duration.ofMillis(10)).start(host)) {
            assertNull(agent.failure());
        }
        assertTrue(store.list().isEmpty());
    }
}
