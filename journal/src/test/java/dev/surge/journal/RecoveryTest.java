package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.event.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RecoveryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T20:00:05Z"), ZoneOffset.UTC);

    @TempDir
    Path data;

    private final EngineDriver live = JournalHistory.run(31, 300);

    /** Journals events [0, n) and returns their Chronicle indexes. */
    private List<Long> journal(int n) {
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            return JournalHistory.append(journal, live.events, 0, n, 9);
        }
    }

    private Recovery recovery() {
        return new Recovery(data, JournalHistory.CIPHER).clock(CLOCK);
    }

    private long digestAt(int n) {
        return JournalHistory.replay(live.events, n).digest();
    }

    @Test
    void anEmptyDataDirectoryRecoversAnEmptyState() {
        Recovery.Result r = recovery().run();
        assertEquals(0, r.machine().lastSequence());
        assertEquals(0, r.report().eventsReplayed());
        assertNull(r.report().snapshot());
    }

    @Test
    void fullReplayEqualsTheLiveStateAndReportsProgress() {
        int n = live.events.size();
        journal(n);
        List<Long> progress = new ArrayList<>();
        Recovery.Result r = recovery().onProgress(progress::add, 100).run();
        assertEquals(live.machine.digest(), r.machine().digest());
        assertEquals(n, r.report().eventsReplayed());
        assertEquals(n, r.report().lastSequence());
        assertEquals(0, r.report().snapshotSequence());
        assertTrue(r.report().eventsPerSecond() > 0);
        assertEquals(100L, progress.get(0));
        assertEquals((long) n, progress.get(progress.size() - 1));
        assertTrue(r.report().toString().contains("recovered to event " + n), r.report().toString());
    }

    @Test
    void snapshotPlusTailEqualsFullReplayAndADamagedNewestSnapshotFallsBack() throws IOException {
        int n = live.events.size();
        List<Long> indexes = journal(n);
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        int older = n / 3;
        int newer = 2 * n / 3;
        store.write(JournalHistory.replay(live.events, older), indexes.get(older - 1));
        SnapshotInfo newest = store.write(JournalHistory.replay(live.events, newer), indexes.get(newer - 1));

        Recovery.Result r = recovery().run();
        assertEquals(live.machine.digest(), r.machine().digest());
        assertEquals(newer, r.report().snapshotSequence());
        assertEquals(n - newer, r.report().eventsReplayed());
        assertEquals(indexes.get(n - 1), r.report().lastIndex());

        byte[] bytes = Files.readAllBytes(newest.path());
        bytes[bytes.length / 2] ^= 1;
        Files.write(newest.path(), bytes);
        r = recovery().run();
        assertEquals(live.machine.digest(), r.machine().digest());
        assertEquals(older, r.report().snapshotSequence());
        assertEquals(n - older, r.report().eventsReplayed());
    }

    @Test
    void aSnapshotWithAWrongIndexHintIsStillRecoveredCorrectly() {
        int n = live.events.size();
        List<Long> indexes = journal(n);
        new SnapshotStore(data, JournalHistory.CIPHER).write(JournalHistory.replay(live.events, 100), indexes.get(10));
        Recovery.Result r = recovery().run();
        assertEquals(live.machine.digest(), r.machine().digest());
        assertEquals(n - 100, r.report().eventsReplayed());
    }

    /** A record that is a cut-off prefix of the next valid record: a torn write at the codec level. */
    private long appendTornRecord(int next) {
        byte[] record = JournalReaderTest.encode(live.events.get(next));
        JournalReaderTest.appendRaw(data, List.of(Arrays.copyOf(record, record.length / 2)));
        try (var q = JournalFiles.open(JournalFiles.journalDir(data), null)) {
            return q.lastIndex();
        }
    }

    @Test
    void aTornTailStopsRecoveryNamingItsIndexUnlessAskedToTruncate() throws IOException {
        int n = 120;
        List<Long> indexes = journal(n);
        long torn = appendTornRecord(n);
        assertEquals(indexes.get(n - 1) + 1, torn);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> recovery().run());
        String m = e.getMessage();
        assertTrue(m.contains("Chronicle index " + BadRecord.describeIndex(torn)), m);
        assertTrue(m.contains("last good event is sequence " + n), m);
        assertTrue(m.contains("record is truncated"), m);
        assertTrue(m.contains("--truncate-corrupt-tail to discard the bad record at index "
            + BadRecord.describeIndex(torn) + " and everything after it (its document and 0 document(s) after it)"), m);
        assertTrue(m.contains(data.resolve("journal.corrupt-") + "<timestamp>"), m);
        assertTrue(e.truncatable());
        assertEquals(RecordProblem.TRUNCATED, e.badRecord().problem());
        assertFalse(Files.exists(data.resolve("journal.corrupt-20260301T200005Z")), "nothing changed yet");

        Recovery.Result r = recovery().truncateCorruptTail(true).run();
        assertEquals(digestAt(n), r.machine().digest());
        Recovery.Truncation t = r.report().truncation();
        assertNotNull(t);
        assertEquals(torn, t.fromIndex());
        assertEquals(1, t.documentsCut());
        long documents = new java.util.HashSet<>(indexes).size(); // batches of 9
        assertEquals(documents, t.documentsKept());
        Path aside = data.resolve("journal.corrupt-20260301T200005Z");
        assertEquals(aside, t.originalKeptAt());
        assertTrue(Files.isDirectory(aside));

        // the original still holds the torn record; the new journal keeps every index
        assertEquals(documents + 1, countDocuments(aside));
        List<Long> kept = new ArrayList<>();
        ChronicleJournalTest.readAll(data, kept);
        assertEquals(indexes, kept);

        // and the engine can carry on from there
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            assertEquals(n, journal.lastSequence());
            JournalHistory.append(journal, live.events, n, live.events.size(), 10);
        }
        assertEquals(live.machine.digest(), recovery().run().machine().digest());
    }

    private static long countDocuments(Path queueDir) {
        try (var q = JournalFiles.openReadOnly(queueDir); var t = q.createTailer()) {
            long count = 0;
            while (true) {
                try (var dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return count;
                    }
                    count++;
                }
            }
        }
    }

    /** Flips one byte inside event {@code sequence}'s bytes in the queue's cycle file. */
    private void damageOnDisk(int sequence) throws IOException {
        byte[] event = live.events.get(sequence - 1);
        assertFalse(EventType.of(event[0]).holdsCodes(), "pick a plain event");
        for (Path f : JournalHistory.files(JournalFiles.journalDir(data))) {
            if (!f.toString().endsWith(".cq4")) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(f);
            int at = JournalHistory.indexOf(bytes, event, 0);
            if (at >= 0) {
                assertEquals(-1, JournalHistory.indexOf(bytes, event, at + 1), "event bytes are unique");
                bytes[at + event.length / 2] ^= 0x04;
                Files.write(f, bytes);
                return;
            }
        }
        throw new AssertionError("event " + sequence + " not found on disk");
    }

    @Test
    void aLastRecordDamagedOnDiskIsDetectedAndCanBeCutOff() throws IOException {
        int n = live.events.size();
        List<Long> indexes = journal(n);
        damageOnDisk(n);

        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> recovery().run());
        assertEquals(RecordProblem.BAD_CHECKSUM, e.badRecord().problem());
        assertEquals(indexes.get(n - 1), e.badRecord().index());
        assertEquals(n - 1, e.badRecord().lastGoodSequence());
        assertTrue(e.getMessage().contains(BadRecord.describeIndex(indexes.get(n - 1))), e.getMessage());
        assertTrue(e.truncatable());

        Recovery.Result r = recovery().truncateCorruptTail(true).run();
        assertEquals(digestAt(n - 1), r.machine().digest());
        assertEquals(n - 1, r.report().lastSequence());
    }

    @Test
    void theWarningAboutACutTailSaysWhyInTheCallersWords() throws IOException {
        int n = live.events.size();
        journal(n);
        damageOnDisk(n);
        Logger log = (Logger) LoggerFactory.getLogger(Recovery.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            Recovery.Result r = recovery().cutDamagedTail("(the replicated log refills it)").run();
            assertEquals(n - 1, r.report().lastSequence());
        } finally {
            log.detachAppender(seen);
        }
        List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cutting the damaged journal tail (the replicated log refills it): "),
            warnings.get(0));
        assertFalse(warnings.get(0).contains("--truncate-corrupt-tail"), "a flag this caller does not have");
    }

    @Test
    void damageInTheMiddleIsRefusedEvenWhenAskedToTruncate() throws IOException {
        int n = live.events.size();
        List<Long> indexes = journal(n);
        int victim = n / 2;
        while (EventType.of(live.events.get(victim - 1)[0]).holdsCodes()) {
            victim++;
        }
        damageOnDisk(victim);
        byte[][] before = snapshotFiles();

        for (boolean truncate : new boolean[] {false, true}) {
            CorruptJournalException e = assertThrows(CorruptJournalException.class,
                () -> recovery().truncateCorruptTail(truncate).run());
            assertFalse(e.truncatable());
            assertEquals(indexes.get(victim - 1), e.badRecord().index());
            assertTrue(e.getMessage().contains("middle"), e.getMessage());
            assertTrue(e.getMessage().contains("never truncated automatically"), e.getMessage());
            assertTrue(e.getMessage().contains(BadRecord.describeIndex(indexes.get(victim))), "names the next valid one");
        }
        try (var list = Files.list(data)) {
            assertEquals(List.of("journal"), list.map(p -> p.getFileName().toString()).sorted().toList());
        }
        byte[][] after = snapshotFiles();
        assertEquals(before.length, after.length);
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i], "the journal is untouched");
        }
    }

    private byte[][] snapshotFiles() throws IOException {
        List<Path> files = JournalHistory.files(JournalFiles.journalDir(data));
        files.sort(null);
        byte[][] out = new byte[files.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Files.readAllBytes(files.get(i));
        }
        return out;
    }

    @Test
    void anotherCodeKeyIsNeverMistakenForATailToCut() {
        journal(live.events.size());
        CorruptJournalException e = assertThrows(CorruptJournalException.class,
            () -> new Recovery(data, CodeCipher.of(JournalHistory.key(555))).truncateCorruptTail(true).run());
        assertEquals(RecordProblem.CANNOT_DECRYPT, e.badRecord().problem());
        assertFalse(e.truncatable());
        assertTrue(e.getMessage().contains("SURGE_CODE_KEY is most likely not the key"), e.getMessage());
    }

    @Test
    void aSnapshotAheadOfTheJournalIsSetAsideAndTheJournalWins() {
        int k = 150;
        journal(k);
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        store.write(JournalHistory.replay(live.events, 100), -1);
        store.write(JournalHistory.replay(live.events, 250), -1); // e.g. the journal lost its unsynced end
        Recovery.Result r = recovery().run();
        assertEquals(digestAt(k), r.machine().digest());
        assertEquals(100, r.report().snapshotSequence());
        assertEquals(1, r.report().discardedSnapshots().size());
        assertTrue(Files.exists(store.directory().resolve("snapshot-250.bin.discarded")));
        assertEquals(100, store.loadNewest().info().sequence());
    }

    @Test
    void aTornTailBelowTheNewestSnapshotFallsBackToAnOlderSnapshot() {
        int n = 200;
        List<Long> indexes = journal(n);
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        store.write(JournalHistory.replay(live.events, 50), indexes.get(49));
        store.write(JournalHistory.replay(live.events, 200), indexes.get(199));
        appendTornRecord(n);
        // the newest snapshot covers everything before the torn record: recovery needs no cut of
        // events it holds, but the torn record must still go
        Recovery.Result r = recovery().truncateCorruptTail(true).run();
        assertEquals(digestAt(n), r.machine().digest());
        assertEquals(200, r.report().snapshotSequence());
        assertEquals(0, r.report().eventsReplayed());
        assertNotNull(r.report().truncation());
    }

    @Test
    void anInterruptedTailCutIsFinishedOrUndoneAtTheNextStart() throws IOException {
        int n = 80;
        journal(n);
        Path stray = data.resolve(JournalFiles.REWRITE_PREFIX + "20260301T000000Z");
        Files.createDirectories(stray);
        Files.write(stray.resolve("20260301-00F.cq4"), new byte[100]);
        assertEquals(digestAt(n), recovery().run().machine().digest());
        assertFalse(Files.exists(stray), "a half-made copy is deleted while the original is in place");

        Files.move(JournalFiles.journalDir(data), stray); // crashed between the two renames
        assertEquals(digestAt(n), recovery().run().machine().digest());
        assertTrue(Files.isDirectory(JournalFiles.journalDir(data)));
        assertFalse(Files.exists(stray));
    }

    @Test
    void aJournalWithoutEventsRecoversAnEmptyState() {
        new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER).close();
        assertEquals(0, recovery().run().machine().lastSequence());
    }

    @Test
    void aTornFirstRecordLeavesAnEmptyJournalAfterTheCut() {
        appendTornRecord(0);
        CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> recovery().run());
        assertEquals(-1, e.badRecord().lastGoodIndex());
        Recovery.Result r = recovery().truncateCorruptTail(true).run();
        assertEquals(0, r.machine().lastSequence());
        assertEquals(0, r.report().truncation().documentsKept());
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 10);
        }
        assertEquals(live.machine.digest(), recovery().run().machine().digest());
    }

    @Test
    void aCutKeepsEveryChronicleIndexAcrossCycleFiles() {
        // a journal written over four hours: one cycle file per hour
        int n = 100;
        long hour = 3_600_000L;
        long[] now = {Instant.parse("2026-03-01T17:10:00Z").toEpochMilli()};
        List<Long> indexes = new ArrayList<>();
        try (var q = JournalFiles.openForCopy(JournalFiles.journalDir(data), JournalFiles.ROLL_CYCLE, () -> now[0]);
             var appender = q.createAppender()) {
            for (int i = 0; i < n; i++) {
                now[0] += (i % 25 == 24) ? hour : 1000;
                byte[] record = JournalReaderTest.encode(live.events.get(i));
                try (var dc = appender.writingDocument()) {
                    dc.wire().bytes().write(record);
                }
                indexes.add(appender.lastIndexAppended());
            }
        }
        assertTrue(JournalHistory.files(JournalFiles.journalDir(data)).stream().filter(p -> p.toString().endsWith(".cq4"))
            .count() >= 4, "several cycle files");
        long torn = appendTornRecord(n);
        Recovery.Result r = recovery().truncateCorruptTail(true).run();
        assertEquals(torn, r.report().truncation().fromIndex());
        assertEquals(digestAt(n), r.machine().digest());
        List<Long> kept = new ArrayList<>();
        ChronicleJournalTest.readAll(data, kept);
        assertEquals(indexes, kept);
    }
}
