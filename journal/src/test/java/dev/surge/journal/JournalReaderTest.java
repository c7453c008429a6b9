package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.event.EventType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalReaderTest {
    @TempDir
    Path data;

    /** Writes already-encoded records (possibly doctored) straight into the queue. */
    static void appendRaw(Path data, List<byte[]> records) {
        try (SingleChronicleQueue q = JournalFiles.open(JournalFiles.journalDir(data), null);
             ExcerptAppender a = q.createAppender()) {
            for (byte[] r : records) {
                try (DocumentContext dc = a.writingDocument()) {
                    dc.wire().bytes().write(r);
                }
            }
        }
    }

    /** The journal record of an event, as ChronicleJournal would write it. */
    static byte[] encode(byte[] event) {
        EventEncoder encoder = new EventEncoder(JournalHistory.CIPHER);
        long sequence = new UnsafeBuffer(event).getLong(1, java.nio.ByteOrder.LITTLE_ENDIAN);
        int n = encoder.encode(sequence, new UnsafeBuffer(event), 0, event.length);
        byte[] out = new byte[n];
        encoder.buffer().getBytes(0, out);
        return out;
    }

    private List<Long> write(EngineDriver d) {
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            return JournalHistory.append(journal, d.events, 0, d.events.size(), 1);
        }
    }

    private static List<Long> sequences(JournalReader reader) {
        List<Long> seen = new ArrayList<>();
        reader.read((index, event) -> seen.add(event.sequence));
        return seen;
    }

    @Test
    void seeksWithAVerifiedHintAndFallsBackWithoutOne() {
        EngineDriver d = JournalHistory.run(5, 60);
        List<Long> indexes = write(d);
        int k = 40;
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertTrue(reader.seek(k + 1, indexes.get(k - 1)));
            List<Long> seen = sequences(reader);
            assertEquals(k + 1, seen.get(0));
            assertEquals(d.events.size() - k, seen.size());
        }
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertFalse(reader.seek(k + 1, indexes.get(k - 5)), "a hint of another event is not trusted");
            List<Long> seen = sequences(reader);
            assertEquals(k + 1, seen.get(0));
            assertEquals(d.events.size(), reader.recordsRead());
            assertEquals(d.events.size() - k, reader.eventsDelivered());
        }
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertFalse(reader.seek(k + 1, indexes.get(indexes.size() - 1) + 1000));
            assertEquals(k + 1, sequences(reader).get(0));
        }
    }

    @Test
    void aGapOrARepeatIsCorruptionNamedPrecisely() {
        EngineDriver d = JournalHistory.run(6, 10);
        List<byte[]> gap = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            if (i != 3) {
                gap.add(encode(d.events.get(i)));
            }
        }
        appendRaw(data, gap);
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertEquals(3, sequences(reader).size());
            assertEquals(JournalReader.Outcome.CORRUPT, reader.read((i, e) -> true));
            BadRecord bad = reader.badRecord();
            assertEquals(RecordProblem.SEQUENCE_GAP, bad.problem());
            assertEquals(5, bad.sequence());
            assertEquals(3, bad.lastGoodSequence());
            assertEquals(reader.lastIndex(), bad.lastGoodIndex());
            assertEquals(1, bad.documentsAfter());
            assertTrue(bad.firstValidAfter() > bad.index(), "a valid record follows: not a tail");
            assertFalse(bad.isTail());
            assertTrue(bad.toString().contains("expected event 4, found 5"), bad.toString());
        }
    }

    @Test
    void aRepeatedLastEventIsATailRepeat() {
        EngineDriver d = JournalHistory.run(7, 10);
        appendRaw(data, List.of(encode(d.events.get(0)), encode(d.events.get(1)), encode(d.events.get(1))));
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            assertEquals(2, sequences(reader).size());
            BadRecord bad = reader.badRecord();
            assertEquals(RecordProblem.SEQUENCE_REPEAT, bad.problem());
            assertTrue(bad.isTail());
            assertEquals(1, bad.documentsToCut());
        }
    }

    @Test
    void withoutTheKeyCodeLoadsArriveSealedWithTheirClearPart() {
        EngineDriver d = new EngineDriver();
        CampaignSpecs.oneCodeSku(d);
        d.load("c", "s", EngineDriver.codes(JournalHistory.CODE_MARK, 12));
        d.claim("u", "k", "c", "s");
        write(d);
        List<SealedEvent> sealed = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(data, null)) {
            JournalReader.Outcome o = reader.read(new JournalReader.Visitor() {
                @Override
                public boolean onEvent(long index, dev.surge.engine.event.EventView event) {
                    return plain.add(event.sequence);
                }

                @Override
                public boolean onSealedEvent(long index, SealedEvent event) {
                    return sealed.add(event);
                }
            });
            assertEquals(JournalReader.Outcome.END, o);
        }
        assertEquals(List.of(1L, 3L), plain);
        assertEquals(1, sealed.size());
        SealedEvent s = sealed.get(0);
        assertEquals(EventType.CODES_LOADED, s.type());
        assertEquals(2, s.sequence());
        assertEquals("c", s.campaign());
        assertEquals("s", s.sku());
        assertEquals(12, s.count());
        assertEquals(0, s.duplicatesSkipped());
        // a visitor that does not expect sealed events is told, not silently skipped
        try (JournalReader reader = JournalReader.openReadOnly(data, null)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.read((i, ev) -> true));
            assertTrue(e.getMessage().contains(CodeCipher.ENV), e.getMessage());
        }
    }

    @Test
    void underAnotherKeyTheCodeLoadIsReportedAsCannotDecrypt() {
        EngineDriver d = new EngineDriver();
        CampaignSpecs.oneCodeSku(d);
        d.load("c", "s", EngineDriver.codes("X", 3));
        write(d);
        try (JournalReader reader = JournalReader.openReadOnly(data, CodeCipher.of(JournalHistory.key(1234)))) {
            assertEquals(JournalReader.Outcome.CORRUPT, reader.read((i, e) -> true));
            assertEquals(RecordProblem.CANNOT_DECRYPT, reader.badRecord().problem());
            assertEquals(2, reader.badRecord().sequence());
        }
    }

    @Test
    void readsIncrementallyAsTheJournalGrows() {
        EngineDriver d = JournalHistory.run(8, 50);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER);
             SingleChronicleQueue q = JournalFiles.open(JournalFiles.journalDir(data), null);
             JournalReader reader = new JournalReader(q, JournalHistory.CIPHER)) {
            List<Long> seen = new ArrayList<>();
            JournalHistory.append(journal, d.events, 0, 20, 5);
            assertEquals(JournalReader.Outcome.END, reader.read((i, e) -> seen.add(e.sequence)));
            assertEquals(20, seen.size());
            assertEquals(JournalReader.Outcome.LIMIT, reader.read((i, e) -> true, 0));
            JournalHistory.append(journal, d.events, 20, d.events.size(), 5);
            assertEquals(JournalReader.Outcome.LIMIT, reader.read((i, e) -> seen.add(e.sequence), 3));
            assertEquals(JournalReader.Outcome.STOPPED, reader.read((i, e) -> !seen.add(e.sequence)));
            assertEquals(JournalReader.Outcome.END, reader.read((i, e) -> seen.add(e.sequence)));
            assertEquals(d.events.size(), seen.size());
            assertEquals(d.events.size(), reader.lastSequence());
            assertNotNull(reader.toString());
        }
    }
}
