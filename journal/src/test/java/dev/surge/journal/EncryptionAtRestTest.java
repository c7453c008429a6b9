package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No card code is ever stored in plaintext: every byte of every file under the data dir is searched. */
class EncryptionAtRestTest {
    @TempDir
    Path data;

    @Test
    void noPlaintextCodeInAnyFileUnderTheDataDirectory() throws IOException {
        EngineDriver live = JournalHistory.run(21, 300);
        byte[] mark = JournalHistory.ascii(JournalHistory.CODE_MARK);

        // Controls: the events and the engine's own snapshot do hold the codes in plaintext, so a
        // search that finds nothing below means they were encrypted, not missing.
        assertTrue(live.events.stream().anyMatch(e -> JournalHistory.indexOf(e, mark, 0) >= 0));
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        live.machine.writeSnapshot(new DataOutputStream(raw));
        assertTrue(JournalHistory.indexOf(raw.toByteArray(), mark, 0) >= 0);

        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 8);
        }
        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        store.write(live.machine, -1);
        ScheduledExecutorService host = Executors.newSingleThreadScheduledExecutor();
        try (SnapshotAgent agent = new SnapshotAgent(data, JournalHistory.CIPHER, store, 50, Duration.ofMinutes(1))
            .start(host)) {
            agent.appliedSequence(); // it writes its own snapshots too
        } finally {
            host.shutdownNow();
        }
        // and the state read back still has them: encrypted, not lost
        Recovery.Result r = new Recovery(data, JournalHistory.CIPHER).run();
        assertEquals(live.machine.digest(), r.machine().digest());

        List<Path> files = JournalHistory.files(data);
        assertTrue(files.stream().anyMatch(p -> p.toString().endsWith(".cq4")), files.toString());
        assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().startsWith("snapshot-")), files.toString());
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            assertEquals(-1, JournalHistory.indexOf(bytes, mark, 0), "plaintext code in " + f);
            // nor any single code's distinctive tail, in case the mark were split
            assertEquals(-1, JournalHistory.indexOf(bytes, JournalHistory.ascii("PLAIN-V-1"), 0), "plaintext code in " + f);
        }
    }
}
