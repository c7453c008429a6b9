package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.surge.engine.EngineDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
