package dev.surge.journal.crash;

import dev.surge.engine.event.EventType;
import dev.surge.engine.util.GrantIds;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.JournalFiles;
import dev.surge.journal.JournalReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Tears a journal's last record the way a write cut short by a power cut does: its Chronicle
 * frame stays, the second half of its bytes never reached the disk (zeros). Only the bytes of
 * that one record in the last cycle file change.
 *
 * @param index     Chronicle index of the torn record
 * @param sequence  its event sequence
 * @param grantId   the grant it recorded, or null when it was not a grant
 * @param file      the cycle file it is in
 * @param offset    the record's offset in that file
 * @param torn      the record's bytes after the tear: the first half as written, then zeros
 */
record TailTear(long index, long sequence, String grantId, Path file, long offset, byte[] torn) {

    static TailTear tearLastRecord(Path dataDir, CodeCipher cipher) throws IOException {
        Last last = lastEvent(dataDir, cipher);
        Path journal = JournalFiles.journalDir(dataDir);
        long start;
        long end;
        byte[] record;
        try (SingleChronicleQueue q = JournalFiles.openReadOnly(journal); ExcerptTailer t = q.createTailer()) {
            if (q.lastIndex() != last.index || !t.moveToIndex(last.index)) {
                throw new IllegalStateException("the last index " + q.lastIndex() + " is not the last event's "
                    + last.index);
            }
            try (DocumentContext dc = t.readingDocument()) {
                Bytes<?> bytes = dc.wire().bytes();
                start = bytes.readPosition();
                end = bytes.readLimit();
                record = new byte[(int) (end - start)];
                bytes.read(record);
            }
        }
        Path file = lastCycleFile(journal);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // The tailer's positions are offsets in the mapped cycle file: check that before writing.
            byte[] onDisk = new byte[record.length];
            raf.seek(start);
            raf.readFully(onDisk);
            if (!Arrays.equals(record, onDisk)) {
                throw new IllegalStateException("record at index " + last.index + " is not at offset " + start
                    + " of " + file);
            }
            int half = record.length / 2;
            raf.seek(start + half);
            raf.write(new byte[record.length - half]);
            raf.getFD().sync();
            Arrays.fill(record, half, record.length, (byte) 0);
            return new TailTear(last.index, last.sequence, last.grantId, file, start, record);
        }
    }

    private static Path lastCycleFile(Path journal) throws IOException {
        try (var files = Files.list(journal)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no cycle file in " + journal));
        }
    }

    private record Last(long index, long sequence, String grantId) {
    }

    /** Reads the whole journal (checking it) and describes its last event. */
    private static Last lastEvent(Path dataDir, CodeCipher cipher) {
        Last[] last = new Last[1];
        try (JournalReader reader = JournalReader.openReadOnly(dataDir, cipher)) {
            JournalReader.Outcome outcome = reader.read((index, e) -> {
                last[0] = new Last(index, e.sequence,
                    e.type == EventType.CLAIM_GRANTED ? GrantIds.format(e.grantHi, e.grantLo) : null);
                return true;
            });
            if (outcome != JournalReader.Outcome.END || last[0] == null) {
                throw new IllegalStateException("journal of " + dataDir + " did not read cleanly: " + outcome
                    + " " + reader.badRecord());
            }
        }
        return last[0];
    }

    /** The bytes where the torn record is, in {@code file} (the same cycle file, or a copy of it). */
    byte[] bytesIn(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[torn.length];
            raf.seek(offset);
            raf.readFully(b);
            return b;
        }
    }
}
