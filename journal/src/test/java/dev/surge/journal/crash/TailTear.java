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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Tears a journal's last document (a batch of records) the way a write cut short by a power cut
 * does: its Chronicle frame stays, the second half of its bytes never reached the disk (zeros).
 * Only the bytes of that one document in the last cycle file change; the records wholly in its
 * first half stay good.
 *
 * @param index     Chronicle index of the torn document
 * @param sequence  the event sequence of its first torn record
 * @param grantIds  the grants its torn records recorded
 * @param file      the cycle file it is in
 * @param offset    the document's offset in that file
 * @param torn      the document's bytes after the tear: the first half as written, then zeros
 */
record TailTear(long index, long sequence, List<String> grantIds, Path file, long offset, byte[] torn) {

    static TailTear tearLastRecord(Path dataDir, CodeCipher cipher) throws IOException {
        List<Last> lastDocument = lastDocument(dataDir, cipher);
        Last last = lastDocument.get(0);
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
            // the records back to back: the first one that ends past the half is the first torn
            int torn = 0;
            for (int until = recordLength(record, 0); until <= half; until += recordLength(record, until)) {
                torn++;
            }
            List<String> grants = new ArrayList<>();
            for (Last l : lastDocument.subList(torn, lastDocument.size())) {
                if (l.grantId != null) {
                    grants.add(l.grantId);
                }
            }
            raf.seek(start + half);
            raf.write(new byte[record.length - half]);
            raf.getFD().sync();
            Arrays.fill(record, half, record.length, (byte) 0);
            return new TailTear(last.index, lastDocument.get(torn).sequence, grants, file, start, record);
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

    /** A record's length from its frame header (version, flags, body length, body, checksum). */
    private static int recordLength(byte[] document, int at) {
        return ByteBuffer.wrap(document, at + 2, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 10;
    }

    /** Reads the whole journal (checking it) and describes the events of its last document, in order. */
    private static List<Last> lastDocument(Path dataDir, CodeCipher cipher) {
        List<Last> last = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(dataDir, cipher)) {
            JournalReader.Outcome outcome = reader.read((index, e) -> {
                if (!last.isEmpty() && last.get(0).index != index) {
                    last.clear();
                }
                last.add(new Last(index, e.sequence,
                    e.type == EventType.CLAIM_GRANTED ? GrantIds.format(e.grantHi, e.grantLo) : null));
                return true;
            });
            if (outcome != JournalReader.Outcome.END || last.isEmpty()) {
                throw new IllegalStateException("journal of " + dataDir + " did not read cleanly: " + outcome
                    + " " + reader.badRecord());
            }
        }
        return last;
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
