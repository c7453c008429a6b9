package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.surge.engine.EngineDriver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel is told not to read ahead where the journal is written at SYNC durability and where
 * a reader follows the writer (NoReadAhead): Linux shows that hint as {@code rr} in the mapping's
 * VmFlags in /proc/self/smaps.
 */
class NoReadAheadTest {
    private static final Path SMAPS = Path.of("/proc/self/smaps");

    @TempDir
    Path data;

    @BeforeEach
    void linux() {
        assumeTrue(Files.isReadable(SMAPS), "no /proc/self/smaps: not Linux");
    }

    @Test
    void aSyncJournalsChunksAreAdvisedAndAProcessJournalsAreNot() throws IOException {
        EngineDriver live = JournalHistory.run(1, 50);
        for (Durability durability : Durability.values()) {
            BackgroundResourceReleaser.releasePendingResources(); // the journal closed before is unmapped now, not later
            Path dir = data.resolve(durability.name());
            try (ChronicleJournal journal = new ChronicleJournal(dir, durability, JournalHistory.CIPHER)) {
                JournalHistory.append(journal, live.events, 0, live.events.size(), 8);
                List<String> flags = cycleFileFlags(dir);
                assertFalse(flags.isEmpty(), "no mapping of a cycle file under " + dir);
                assertEquals(durability == Durability.SYNC, flags.stream().allMatch(f -> f.contains(" rr")),
                    durability + ": " + flags);
            }
        }
    }

    @Test
    void aReaderThatFollowsTheWriterIsAdvisedAndAReaderOfHistoryIsNot() throws IOException {
        EngineDriver live = JournalHistory.run(2, 50);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 8);
        }
        for (boolean follows : new boolean[] {false, true}) {
            // the queues closed before are unmapped now, not later on Chronicle's releaser thread:
            // a mapping of theirs still there would be read as this reader's
            BackgroundResourceReleaser.releasePendingResources();
            try (SingleChronicleQueue queue = JournalFiles.open(JournalFiles.journalDir(data), null);
                 JournalReader reader = new JournalReader(queue, JournalHistory.CIPHER)) {
                if (follows) {
                    reader.followsWriter();
                }
                assertEquals(JournalReader.Outcome.END, reader.read((index, event) -> true));
                List<String> flags = cycleFileFlags(data);
                assertFalse(flags.isEmpty(), "no mapping of a cycle file");
                assertEquals(follows, flags.stream().allMatch(f -> f.contains(" rr")), "follows " + follows + ": " + flags);
            }
        }
    }

    @Test
    void aReopenedSyncJournalDropsWhatThePageCacheHoldsPastItsEnd() throws IOException {
        EngineDriver live = JournalHistory.run(3, 100);
        int half = live.events.size() / 2;
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, half, 8);
        }
        Path file;
        try (Stream<Path> files = Files.list(JournalFiles.journalDir(data))) {
            file = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        long size = Files.size(file);
        assumeTrue(size >= PAST + SPAN, "cycle file of " + size + " bytes");
        // as recovery's read-ahead would after a reboot: the file, far past its events, in the page cache
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < PAST + SPAN; at += buffer.capacity()) {
                buffer.clear();
                channel.read(buffer, at);
            }
        }
        assumeTrue(cachedShare(file) > 0.9, "the page cache kept what was read");

        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, half, live.events.size(), 8);
            assertTrue(cachedShare(file) < 0.1, "share of the pages past the end still cached: " + cachedShare(file));
        }
        assertEquals(live.machine.digest(),
            JournalHistory.replay(ChronicleJournalTest.readAll(data, null), live.events.size()).digest());
    }

    private static final long PAST = 1 << 20;
    private static final long SPAN = 7 << 20;

    /** The share of the pages in [PAST, PAST + SPAN) of {@code file} that the page cache holds (mincore). */
    private static double cachedShare(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, PAST, SPAN);
            int pages = (int) (SPAN / 4096);
            int cached = 0;
            for (int i = 0; i < pages; i++) {
                if (map.slice(i * 4096, 4096).isLoaded()) {
                    cached++;
                }
            }
            return cached / (double) pages;
        }
    }

    /** The VmFlags line of each mapping of a cycle file under {@code dir}. */
    private static List<String> cycleFileFlags(Path dir) throws IOException {
        String under = dir.toRealPath().toString();
        List<String> flags = new ArrayList<>();
        boolean inCycleFile = false;
        for (String line : Files.readAllLines(SMAPS)) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inCycleFile = line.contains(under) && line.endsWith(".cq4");
            } else if (inCycleFile && line.startsWith("VmFlags:")) {
                flags.add(line + " ");
            }
        }
        return flags;
    }
}
