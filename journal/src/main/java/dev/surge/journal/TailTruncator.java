package dev.surge.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a damaged tail off a journal without ever editing the original: the documents before the
 * bad record's are copied verbatim into a fresh queue ({@code journal.rewrite-<time>}), then the
 * good records that precede the bad one in its own document (a document holds a batch) as a
 * document in its place; the copy is synced; then the original is renamed to
 * {@code journal.corrupt-<time>} (kept for forensics) and the copy renamed to {@code journal}.
 * Each document is written into the cycle it came from, so Chronicle indexes (and the snapshot
 * hints that name them) stay valid.
 *
 * <p>A crash at any point leaves either the original journal in place (a half-made copy is
 * deleted at the next start) or no {@code journal} but a complete copy, which
 * {@link #finishInterruptedSwap} renames into place.
 *
 * <p>Threading: runs on the recovering thread while no queue is open on the journal.
 */
final class TailTruncator {
    private static final Logger LOG = LoggerFactory.getLogger(TailTruncator.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC);

    private TailTruncator() {
    }

    /** Where the original will be kept, for messages before the fact. */
    static String asidePattern(Path dataDir) {
        return dataDir.resolve(JournalFiles.CORRUPT_PREFIX).toString() + "<timestamp>";
    }

    /**
     * Keeps the documents before {@code bad.index()} and the records of that document before the
     * bad one ({@code bad.offsetInDocument()} bytes), drops the rest, and returns what it did.
     */
    static Recovery.Truncation truncate(Path dataDir, BadRecord bad, Clock clock) {
        Path journal = JournalFiles.journalDir(dataDir);
        String stamp = STAMP.format(clock.instant());
        Path rewrite = unique(dataDir, JournalFiles.REWRITE_PREFIX + stamp);
        Path aside = unique(dataDir, JournalFiles.CORRUPT_PREFIX + stamp);
        long kept = 0;
        boolean indexesKept = true;
        PrivateFiles.directory(rewrite);
        try (SingleChronicleQueue source = JournalFiles.openReadOnly(journal)) {
            RollCycle rollCycle = source.rollCycle();
            long epoch = source.epoch();
            // Start the copy's clock in the first record's cycle, so that no file is made for "now".
            long first = source.firstIndex();
            long[] now = {first == Long.MAX_VALUE || first < 0 ? System.currentTimeMillis()
                : epoch + (long) rollCycle.toCycle(first) * rollCycle.lengthInMillis()};
            try (SingleChronicleQueue target = JournalFiles.openForCopy(rewrite, rollCycle, () -> now[0]);
                 ExcerptTailer tailer = source.createTailer();
                 ExcerptAppender appender = target.createAppender()) {
                ExpandableArrayBuffer copy = new ExpandableArrayBuffer(1024);
                while (true) {
                    long index;
                    int length;
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent()) {
                            throw new IllegalStateException("journal " + journal + " ended before its bad record at "
                                + BadRecord.describeIndex(bad.index()));
                        }
                        index = dc.index();
                        if (index > bad.index()) {
                            break;
                        }
                        length = DocumentCursor.copyOut(dc.wire().bytes(), copy);
                    }
                    if (index == bad.index()) {
                        length = bad.offsetInDocument(); // its good records only
                        if (length == 0) {
                            break;
                        }
                    }
                    // Time of the document's own cycle: the copy lands in the same cycle file.
                    now[0] = epoch + (long) rollCycle.toCycle(index) * rollCycle.lengthInMillis();
                    try (DocumentContext dc = appender.writingDocument()) {
                        dc.wire().bytes().write(copy.byteArray(), 0, length);
                    }
                    indexesKept &= appender.lastIndexAppended() == index;
                    kept++;
                    if (index == bad.index()) {
                        break;
                    }
                }
                appender.sync();
            }
        }
        if (!indexesKept) {
            LOG.warn("the rewritten journal renumbered its Chronicle indexes; snapshot hints will be re-verified");
        }
        PrivateFiles.filesIn(rewrite); // the cycle files the copy made, before they become the journal
        try {
            JournalFiles.syncTree(rewrite);
            Files.move(journal, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.move(rewrite, journal, StandardCopyOption.ATOMIC_MOVE);
            JournalFiles.syncDirectory(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("swapping the rewritten journal into " + journal + " failed", e);
        }
        LOG.warn("journal tail cut: {} discarded, {} document(s) kept; the original is at {}",
            bad.describeCut(), kept, aside);
        return new Recovery.Truncation(bad.index(), bad.problem(), bad.documentsToCut(), kept, aside);
    }

    /** Completes or undoes a rewrite that a crash interrupted (see the class comment). */
    static void finishInterruptedSwap(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        Path journal = JournalFiles.journalDir(dataDir);
        try (var list = Files.list(dataDir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (!p.getFileName().toString().startsWith(JournalFiles.REWRITE_PREFIX)) {
                    continue;
                }
                if (!Files.exists(journal)) {
                    LOG.warn("finishing an interrupted tail cut: {} becomes {}", p, journal);
                    Files.move(p, journal, StandardCopyOption.ATOMIC_MOVE);
                    JournalFiles.syncDirectory(dataDir);
                } else {
                    LOG.warn("deleting {}, the copy of an interrupted tail cut (the original journal is untouched)", p);
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + dataDir + " for an interrupted tail cut", e);
        }
    }

    private static Path unique(Path dir, String name) {
        Path p = dir.resolve(name);
        for (int i = 1; Files.exists(p); i++) {
            p = dir.resolve(name + "-" + i);
        }
        return p;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
