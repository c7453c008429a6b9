package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.event.EventType;
import dev.surge.engine.state.ReplayBatch;
import dev.surge.engine.state.StateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery on two threads ({@link PipelinedReplay}) against recovery on one: the same state, the
 * same report, the same refusals, and never a reader thread left behind.
 */
class PipelinedReplayTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T20:00:05Z"), ZoneOffset.UTC);
    /** Events of one pass through recovery's hand-off ring. */
    private static final int RING_EVENTS = PipelinedReplay.GROUPS * ReplayBatch.SIZE;
    /** The ring of the tests that drive a replay themselves: it wraps, fills and runs dry often. */
    private static final int SMALL_RING = 8;
    private static final int SMALL_RING_EVENTS = SMALL_RING * ReplayBatch.SIZE;
    private static final EngineDriver LIVE = JournalHistory.run(11, 6_000);

    @TempDir
    Path data;
    @TempDir
    Path other;

    /** Journals events [0, n) into {@code dir} and returns their Chronicle indexes. */
    private static List<Long> journal(Path dir, int n) {
        try (ChronicleJournal journal = new ChronicleJournal(dir, Durability.PROCESS, JournalHistory.CIPHER)) {
            return JournalHistory.append(journal, LIVE.events, 0, n, 7);
        }
    }

    private static Recovery recovery(Path dir, boolean readerThread) {
        return new Recovery(dir, JournalHistory.CIPHER).clock(CLOCK).readerThread(readerThread);
    }

    private static boolean readerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals(PipelinedReplay.THREAD_NAME) && t.isAlive());
    }

    @Test
    void manyGroupsAcrossTheRingsWrapRecoverTheLiveStateWithTheSameProgressAsOneThread() {
        int n = LIVE.events.size();
        assertTrue(n > RING_EVENTS, "the ring wraps: " + n + " events");
        journal(data, n);
        List<Long> twoThreads = new ArrayList<>();
        List<Long> oneThread = new ArrayList<>();
        Recovery.Result piped = recovery(data, true).onProgress(twoThreads::add, 1_000).run();
        Recovery.Result single = recovery(data, false).onProgress(oneThread::add, 1_000).run();

        assertEquals(LIVE.machine.digest(), piped.machine().digest());
        assertEquals(single.machine().digest(), piped.machine().digest());
        assertEquals(oneThread, twoThreads);
        assertEquals(n, piped.report().eventsReplayed());
        assertEquals(single.report().lastIndex(), piped.report().lastIndex());
        assertFalse(readerThreadAlive());
    }

    @Test
    void aRandomizedHistoryRecoversToTheSameDigestOnTwoThreadsAsOnOne() {
        for (long seed = 1; seed <= 3; seed++) {
            EngineDriver live = JournalHistory.run(seed, 1_500 + 700 * (int) seed);
            Path dir = data.resolve("seed-" + seed);
            try (ChronicleJournal journal = new ChronicleJournal(dir, Durability.PROCESS, JournalHistory.CIPHER)) {
                JournalHistory.append(journal, live.events, 0, live.events.size(), 1 + (int) seed);
            }
            long piped = recovery(dir, true).run().machine().digest();
            assertEquals(live.machine.digest(), piped, "seed " + seed);
            assertEquals(recovery(dir, false).run().machine().digest(), piped, "seed " + seed);
        }
    }

    @Test
    void aTornTailIsCutAndReportedExactlyAsOnOneThread() {
        int n = LIVE.events.size() - 1; // the bad record lands after the ring has wrapped
        assertTrue(n > RING_EVENTS && n % ReplayBatch.SIZE != 0, "mid-group, past the wrap: " + n);
        journal(data, n);
        journal(other, n);
        for (Path dir : List.of(data, other)) {
            byte[] record = JournalReaderTest.encode(LIVE.events.get(n));
            JournalReaderTest.appendRaw(dir, List.of(java.util.Arrays.copyOf(record, record.length / 2)));
        }
        CorruptJournalException piped = assertThrows(CorruptJournalException.class, () -> recovery(data, true).run());
        CorruptJournalException single = assertThrows(CorruptJournalException.class, () -> recovery(other, false).run());
        assertEquals(single.getMessage().replace(other.toString(), data.toString()), piped.getMessage());

        Recovery.Report a = recovery(data, true).truncateCorruptTail(true).run().report();
        Recovery.Report b = recovery(other, false).truncateCorruptTail(true).run().report();
        assertEquals(n, a.eventsReplayed());
        assertEquals(b.eventsReplayed(), a.eventsReplayed());
        assertEquals(b.lastSequence(), a.lastSequence());
        assertEquals(b.lastIndex(), a.lastIndex());
        assertEquals(b.truncation().fromIndex(), a.truncation().fromIndex());
        assertEquals(b.truncation().problem(), a.truncation().problem());
        assertEquals(b.truncation().documentsCut(), a.truncation().documentsCut());
        assertEquals(b.truncation().documentsKept(), a.truncation().documentsKept());
        assertEquals(JournalHistory.replay(LIVE.events, n).digest(), recovery(data, true).run().machine().digest());
        assertFalse(readerThreadAlive());
    }

    /** Flips a byte inside plain event {@code sequence}'s bytes on disk. */
    private static void damageOnDisk(Path dir, int sequence) throws IOException {
        byte[] event = LIVE.events.get(sequence - 1);
        for (Path f : JournalHistory.files(JournalFiles.journalDir(dir))) {
            if (!f.toString().endsWith(".cq4")) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(f);
            int at = JournalHistory.indexOf(bytes, event, 0);
            if (at >= 0) {
                bytes[at + event.length / 2] ^= 0x04;
                Files.write(f, bytes);
                return;
            }
        }
        throw new AssertionError("event " + sequence + " not found on disk");
    }

    /** Runs a pipelined replay (a ring of {@link #SMALL_RING} groups) of the journal in {@code dir} into {@code machine}. */
    private static JournalReader.Outcome replay(Path dir, StateMachine machine, IntConsumer applied,
                                                Function<JournalReader, Function<JournalReader.Visitor,
                                                    JournalReader.Outcome>> read, JournalReader[] used) {
        try (SingleChronicleQueue queue = JournalFiles.openReadOnly(JournalFiles.journalDir(dir));
             JournalReader reader = new JournalReader(queue, JournalHistory.CIPHER)) {
            used[0] = reader;
            PipelinedReplay replay = new PipelinedReplay(machine, applied, SMALL_RING);
            JournalReader.Outcome outcome = replay.replay(read.apply(reader));
            replay.finish();
            return outcome;
        }
    }

    private static Function<JournalReader, Function<JournalReader.Visitor, JournalReader.Outcome>> readAll(long from) {
        return reader -> visitor -> {
            reader.seek(from, -1);
            return reader.read(visitor);
        };
    }

    @Test
    void aSmallRingWrappingDozensOfTimesStillAppliesEveryEventInOrder() {
        int n = LIVE.events.size();
        journal(data, n);
        StateMachine machine = new StateMachine(JournalHistory.CIPHER.stateConfig());
        long[] applied = {0};
        JournalReader[] reader = new JournalReader[1];
        assertEquals(JournalReader.Outcome.END, replay(data, machine, k -> applied[0] += k, readAll(1), reader));
        assertTrue(n > 50 * SMALL_RING_EVENTS, "wraps: " + n);
        assertEquals(n, applied[0]);
        assertEquals(n, reader[0].eventsDelivered());
        assertEquals(LIVE.machine.digest(), machine.digest());
        assertFalse(readerThreadAlive());
    }

    @Test
    void aBadRecordInTheMiddleComesBackAsCorruptWithEveryEventBeforeItApplied() throws IOException {
        int n = LIVE.events.size();
        List<Long> indexes = journal(data, n);
        int victim = 5 * SMALL_RING_EVENTS + SMALL_RING_EVENTS / 2 + 5; // mid-group, the small ring wrapped
        while (EventType.of(LIVE.events.get(victim - 1)[0]).holdsCodes()) {
            victim++;
        }
        damageOnDisk(data, victim);

        StateMachine machine = new StateMachine(JournalHistory.CIPHER.stateConfig());
        long[] applied = {0};
        JournalReader[] reader = new JournalReader[1];
        JournalReader.Outcome outcome = replay(data, machine, k -> applied[0] += k, readAll(1), reader);
        assertEquals(JournalReader.Outcome.CORRUPT, outcome);
        BadRecord bad = reader[0].badRecord();
        assertEquals(indexes.get(victim - 1), bad.index());
        assertEquals(victim - 1, bad.lastGoodSequence());
        assertFalse(bad.isTail());
        assertEquals(victim - 1, machine.lastSequence());
        assertEquals(victim - 1, applied[0]);
        assertEquals(JournalHistory.replay(LIVE.events, victim - 1).digest(), machine.digest());

        journal(other, n);
        damageOnDisk(other, victim);
        CorruptJournalException piped = assertThrows(CorruptJournalException.class, () -> recovery(data, true).run());
        CorruptJournalException single = assertThrows(CorruptJournalException.class, () -> recovery(other, false).run());
        assertEquals(single.getMessage().replace(other.toString(), data.toString()), piped.getMessage());
        assertFalse(readerThreadAlive());
    }

    @Test
    void whatTheReaderThreadThrowsArrivesAfterEveryEventBeforeItIsApplied() {
        journal(data, LIVE.events.size());
        IllegalStateException thrown = new IllegalStateException("the reader failed");
        StateMachine machine = new StateMachine(JournalHistory.CIPHER.stateConfig());
        int before = 3 * SMALL_RING_EVENTS + 9;
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> replay(data, machine, k -> { }, reader -> visitor -> {
                reader.seek(1, -1);
                reader.read(visitor, before);
                throw thrown;
            }, new JournalReader[1]));
        assertSame(thrown, e);
        assertEquals(before, machine.lastSequence());
        assertFalse(readerThreadAlive());
    }

    @Test
    void aRefusalOnTheApplyingSideStopsTheReaderThread() {
        int n = LIVE.events.size();
        journal(data, n);
        StateMachine ahead = JournalHistory.replay(LIVE.events, 3); // so event 1 is refused
        JournalReader[] reader = new JournalReader[1];
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> replay(data, ahead, k -> { }, readAll(1), reader));
        assertTrue(e.getMessage().contains("event 1 at index"), e.getMessage());
        assertTrue(e.getMessage().contains("refused it"), e.getMessage());
        assertFalse(readerThreadAlive());
        assertTrue(reader[0].eventsDelivered() <= SMALL_RING_EVENTS + 2 * ReplayBatch.SIZE,
            "the reader stopped when the applier did: " + reader[0].eventsDelivered() + " of " + n);
        assertEquals(3, ahead.lastSequence());
    }

    @Test
    void anExceptionOfTheApplyingSideLeavesAndStopsTheReaderThread() {
        int n = LIVE.events.size();
        journal(data, n);
        RuntimeException thrown = new RuntimeException("progress listener failed");
        StateMachine machine = new StateMachine(JournalHistory.CIPHER.stateConfig());
        JournalReader[] reader = new JournalReader[1];
        long[] applied = {0};
        RuntimeException e = assertThrows(RuntimeException.class, () -> replay(data, machine, k -> {
            applied[0] += k;
            if (applied[0] >= 3 * ReplayBatch.SIZE) {
                throw thrown;
            }
        }, readAll(1), reader));
        assertSame(thrown, e);
        assertFalse(readerThreadAlive());
        assertEquals(3 * ReplayBatch.SIZE, machine.lastSequence());
        assertTrue(reader[0].eventsDelivered() < n, "the reader stopped early: " + reader[0].eventsDelivered());
    }

    @Test
    void anEmptyJournalEndsWithNothingApplied() {
        journal(data, 0);
        StateMachine machine = new StateMachine(JournalHistory.CIPHER.stateConfig());
        long[] applied = {0};
        JournalReader[] reader = new JournalReader[1];
        assertEquals(JournalReader.Outcome.END, replay(data, machine, k -> applied[0] += k, readAll(1), reader));
        assertEquals(0, machine.lastSequence());
        assertEquals(0, applied[0]);
        assertNull(reader[0].badRecord());
        assertFalse(readerThreadAlive());
    }
}
