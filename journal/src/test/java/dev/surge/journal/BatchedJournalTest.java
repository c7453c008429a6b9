package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journal of one Chronicle document per batch: reading, seeking, damage, and journals of the older layout. */
class BatchedJournalTest {
    @TempDir
    Path data;

    private final EngineDriver live = JournalHistory.run(11, 80);

    private List<Long> journal(int n, int batch) {
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            return JournalHistory.append(journal, live.events, 0, n, batch);
        }
    }

    private static List<Long> sequences(JournalReader reader) {
        List<Long> seen = new ArrayList<>();
        assertEquals(JournalReader.Outcome.END, reader.read((index, event) -> seen.add(event.sequence)));
        return seen;
    }

    private static List<Long> range(long from, long to) {
        List<Long> r = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            r.add(s);
        }
        return r;
    }

    /** The Chronicle documents of the journal, as bytes. */
    private List<byte[]> documents() {
        List<byte[]> docs = new ArrayList<>();
        try (var q = JournalFiles.openReadOnly(JournalFiles.journalDir(data)); var t = q.createTailer()) {
            while (true) {
                try (var dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return docs;
                    }
                    byte[] b = new byte[(int) dc.wire().bytes().readRemaining()];
                    dc.wire().bytes().read(b);
                    docs.add(b);
                }
            }
        }
    }

    /** Records back to back: one batch's document. */
    private static byte[] concat(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private List<byte[]> records(int fromSequence, int toSequence) {
        List<byte[]> r = new ArrayList<>();
        for (int s = fromSequence; s <= toSequence; s++) {
            r.add(JournalReaderTest.encode(live.events.get(s - 1)));
        }
        return r;
    }

    /** The same record as a journal written before batching framed it: version 1, checksum redone. */
    private static byte[] asVersionOne(byte[] record) {
        byte[] v1 = record.clone();
        v1[0] = JournalRecord.VERSION_ALONE;
        CRC32C crc = new CRC32C();
        crc.update(v1, 0, v1.length - 4);
        new UnsafeBuffer(v1).putInt(v1.length - 4, (int) crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        return v1;
    }

    @Test
    void aBatchIsOneDocumentThatReadersSeeOnlyAtItsEnd() {
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER);
             SingleChronicleQueue q = JournalFiles.open(JournalFiles.journalDir(data), null);
             JournalReader reader = new JournalReader(q, JournalHistory.CIPHER)) {
            for (int s = 1; s <= 5; s++) {
                byte[] e = live.events.get(s - 1);
                journal.append(s, new UnsafeBuffer(e), 0, e.length);
            }
            assertEquals(5, journal.lastSequence());
            assertEquals(-1, journal.lastIndex(), "nothing written before the end of the batch");
            assertEquals(List.of(), sequences(reader));
            journal.endOfBatch();
            List<Long> indexes = new ArrayList<>();
            assertEquals(JournalReader.Outcome.END, reader.read((index, event) -> indexes.add(index)));
            assertEquals(List.of(journal.lastIndex(), journal.lastIndex(), journal.lastIndex(), journal.lastIndex(),
                journal.lastIndex()), indexes);
        }
        assertEquals(1, documents().size());
    }

    @Test
    void readingWithALimitOrAStopResumesAtTheNextRecordOfTheSameDocument() {
        List<Long> indexes = journal(50, 10);
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            List<Long> seen = new ArrayList<>();
            assertEquals(JournalReader.Outcome.LIMIT, reader.read((i, e) -> seen.add(e.sequence), 3));
            assertEquals(3, reader.lastSequence());
            assertEquals(indexes.get(2), reader.lastIndex(), "the document holding event 3");
            assertEquals(JournalReader.Outcome.STOPPED, reader.read((i, e) -> seen.add(e.sequence) && e.sequence < 5));
            JournalReader.Outcome o;
            do {
                o = reader.read((i, e) -> seen.add(e.sequence), 7);
            } while (o == JournalReader.Outcome.LIMIT);
            assertEquals(JournalReader.Outcome.END, o);
            assertEquals(range(1, 50), seen);
            assertEquals(50, reader.recordsRead());
            assertEquals(indexes.get(49), reader.lastIndex());
        }
    }

    @Test
    void aHintNamingTheDocumentOfTheLastSnapshotEventSeeksInsideIt() {
        List<Long> indexes = journal(50, 10);
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertTrue(reader.seek(16, indexes.get(14)), "event 15 is mid-document");
            assertEquals(range(16, 50), sequences(reader));
            assertEquals(35, reader.recordsRead(), "events 11-15 were skipped within the document, not read again");
        }
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertTrue(reader.seek(21, indexes.get(19)), "event 20 ends its document");
            assertEquals(range(21, 50), sequences(reader));
        }
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertFalse(reader.seek(16, indexes.get(0)), "the first document does not hold event 15");
            assertEquals(range(16, 50), sequences(reader));
            assertEquals(50, reader.recordsRead());
        }
    }

    @Test
    void aJournalOfTheOlderLayoutIsReadAndContinuedWithoutAnUpgrade() {
        int old = 30;
        List<byte[]> v1 = new ArrayList<>();
        for (byte[] r : records(1, old)) {
            v1.add(asVersionOne(r));
        }
        JournalReaderTest.appendRaw(data, v1); // one version 1 record per document, as before batching
        List<Long> oldIndexes = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            reader.read((index, event) -> oldIndexes.add(index));
        }
        assertEquals(old, new LinkedHashSet<>(oldIndexes).size());

        int n = live.events.size();
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            assertEquals(old, journal.lastSequence(), "the tail of a version 1 journal");
            JournalHistory.append(journal, live.events, old, n, 8);
        }
        List<byte[]> back = ChronicleJournalTest.readAll(data, null);
        assertEquals(n, back.size());
        for (int i = 0; i < n; i++) {
            assertArrayEquals(live.events.get(i), back.get(i), "event " + (i + 1));
        }
        assertEquals(live.machine.digest(), new Recovery(data, JournalHistory.CIPHER).run().machine().digest());
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertTrue(reader.seek(21, oldIndexes.get(19)), "a hint into the older part");
            assertEquals(range(21, n), sequences(reader));
        }
    }

    @Test
    void aBatchBiggerThanADocumentIsSplitAndARecordBiggerThanOneHasItsOwn() {
        EngineDriver d = new EngineDriver();
        CampaignSpecs.oneCodeSku(d);
        d.load("c", "s", EngineDriver.codes("X", 200)); // one record of several KiB
        for (int i = 0; i < 30; i++) {
            d.claim("u" + i, "k" + i, "c", "s");
        }
        int max = 600;
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER, max)) {
            JournalHistory.append(journal, d.events, 0, d.events.size(), d.events.size()); // one batch
        }
        List<byte[]> docs = documents();
        assertTrue(docs.size() > 3, docs.size() + " document(s)");
        boolean sawBigRecord = false;
        for (byte[] doc : docs) {
            int first = new UnsafeBuffer(doc).getInt(2, ByteOrder.LITTLE_ENDIAN) + JournalRecord.OVERHEAD;
            if (doc.length > max) {
                assertEquals(doc.length, first, "only a record bigger than a document fills one alone");
                sawBigRecord = true;
            }
        }
        assertTrue(sawBigRecord);
        List<byte[]> back = ChronicleJournalTest.readAll(data, null);
        assertEquals(d.events.size(), back.size());
        for (int i = 0; i < back.size(); i++) {
            assertArrayEquals(d.events.get(i), back.get(i), "event " + (i + 1));
        }
    }

    /** Events 1-20 in two documents, then events 21-30 in a third whose last record is {@code last}. */
    private long journalEndingWith(byte[] last) {
        journal(20, 10);
        List<byte[]> batch = records(21, 29);
        batch.add(last);
        JournalReaderTest.appendRaw(data, List.of(concat(batch)));
        try (var q = JournalFiles.openReadOnly(JournalFiles.journalDir(data))) {
            return q.lastIndex();
        }
    }

    @Test
    void aDamagedLastRecordOfABatchIsATailCutToTheRecordsBeforeIt() {
        byte[] damaged = JournalReaderTest.encode(live.events.get(29));
        damaged[damaged.length / 2] ^= 0x5A;
        assertDamagedTailIsCut(journalEndingWith(damaged), RecordProblem.BAD_CHECKSUM);
    }

    @Test
    void aTruncatedLastRecordOfABatchIsATailCutToTheRecordsBeforeIt() {
        byte[] record = JournalReaderTest.encode(live.events.get(29));
        assertDamagedTailIsCut(journalEndingWith(Arrays.copyOf(record, record.length / 2)), RecordProblem.TRUNCATED);
    }

    private void assertDamagedTailIsCut(long lastDocument, RecordProblem problem) {
        int goodBytes = concat(records(21, 29)).length;
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertEquals(JournalReader.Outcome.CORRUPT, reader.read((i, e) -> true));
            assertEquals(29, reader.lastSequence());
            BadRecord bad = reader.badRecord();
            assertEquals(problem, bad.problem());
            assertEquals(lastDocument, bad.index());
            assertEquals(lastDocument, bad.lastGoodIndex(), "records before it in its document are good");
            assertEquals(29, bad.lastGoodSequence());
            assertEquals(goodBytes, bad.offsetInDocument());
            assertEquals(0, bad.documentsAfter());
            assertTrue(bad.isTail(), bad.toString());
        }
        CorruptJournalException refused = assertThrows(CorruptJournalException.class,
            () -> new Recovery(data, JournalHistory.CIPHER).run());
        assertTrue(refused.truncatable());
        assertTrue(refused.getMessage().contains("the rest of its document and 0 document(s) after it"),
            refused.getMessage());

        Recovery.Result cut = new Recovery(data, JournalHistory.CIPHER).truncateCorruptTail(true).run();
        Recovery.Truncation t = cut.report().truncation();
        assertNotNull(t);
        assertEquals(lastDocument, t.fromIndex());
        assertEquals(1, t.documentsCut());
        assertEquals(3, t.documentsKept());
        assertEquals(29, cut.machine().lastSequence());
        assertEquals(lastDocument, cut.report().lastIndex(), "the cut document keeps its index");
        List<byte[]> docs = documents();
        assertEquals(3, docs.size());
        assertArrayEquals(concat(records(21, 29)), docs.get(2));

        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            assertEquals(29, journal.lastSequence());
            JournalHistory.append(journal, live.events, 29, live.events.size(), 10);
        }
        assertEquals(live.machine.digest(), new Recovery(data, JournalHistory.CIPHER).run().machine().digest());
    }

    @Test
    void aRecordOfAnUnknownVersionIsNeverCutEvenAtTheTail() {
        byte[] newer = JournalReaderTest.encode(live.events.get(29));
        newer[0] = 9; // a version a later build might write; its checksum is redone, as that build's would be
        CRC32C crc = new CRC32C();
        crc.update(newer, 0, newer.length - 4);
        new UnsafeBuffer(newer).putInt(newer.length - 4, (int) crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        journalEndingWith(newer);
        List<byte[]> before = documents();
        CorruptJournalException refused = assertThrows(CorruptJournalException.class,
            () -> new Recovery(data, JournalHistory.CIPHER).truncateCorruptTail(true).run());
        assertFalse(refused.truncatable(), refused.getMessage());
        assertTrue(refused.getMessage().contains("A newer Surge most likely wrote it"), refused.getMessage());
        List<byte[]> after = documents();
        assertEquals(before.size(), after.size(), "nothing was cut");
        assertArrayEquals(before.get(before.size() - 1), after.get(after.size() - 1), "nothing was cut");
    }

    @Test
    void damageInsideABatchWithValidRecordsAfterItIsNeverCut() {
        journal(20, 10);
        List<byte[]> batch = records(21, 30);
        batch.get(4)[8] ^= 0x01; // event 25's body
        JournalReaderTest.appendRaw(data, List.of(concat(batch)));
        long lastDocument;
        try (var q = JournalFiles.openReadOnly(JournalFiles.journalDir(data))) {
            lastDocument = q.lastIndex();
        }
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertEquals(JournalReader.Outcome.CORRUPT, reader.read((i, e) -> true));
            BadRecord bad = reader.badRecord();
            assertEquals(RecordProblem.BAD_CHECKSUM, bad.problem());
            assertEquals(24, bad.lastGoodSequence());
            assertEquals(lastDocument, bad.firstValidAfter(), "valid records follow it in its own document");
            assertFalse(bad.isTail());
        }
        CorruptJournalException refused = assertThrows(CorruptJournalException.class,
            () -> new Recovery(data, JournalHistory.CIPHER).truncateCorruptTail(true).run());
        assertFalse(refused.truncatable(), refused.getMessage());
    }

    @Test
    void closeWritesABatchThatWasNotEndedAndForceWritesItToo() {
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, 10, 10);
            for (int s = 11; s <= 13; s++) {
                byte[] e = live.events.get(s - 1);
                journal.append(s, new UnsafeBuffer(e), 0, e.length);
            }
            journal.force();
            assertEquals(13, ChronicleJournalTest.readAll(data, null).size(), "force wrote the pending batch");
            for (int s = 14; s <= 16; s++) {
                byte[] e = live.events.get(s - 1);
                journal.append(s, new UnsafeBuffer(e), 0, e.length);
            }
        }
        assertEquals(16, ChronicleJournalTest.readAll(data, null).size(), "close wrote the pending batch");
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            assertEquals(16, journal.lastSequence());
        }
    }
}
