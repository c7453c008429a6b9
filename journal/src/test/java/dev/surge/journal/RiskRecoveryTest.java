package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.RiskWorkload;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Risk decisions survive the journal: the scripted bot attack (rules, a blocklist change, about
 * a thousand refusals) written to Chronicle Queue recovers to the live digest, from the start
 * and from a snapshot (format 3) plus the tail.
 */
class RiskRecoveryTest {
    @TempDir
    Path data;

    @Test
    void aJournalOfRiskDecisionsRecoversToTheLiveDigestWithAndWithoutASnapshot() {
        EngineDriver live = RiskWorkload.run(4, JournalHistory.CIPHER.stateConfig()).driver();
        int n = live.events.size();
        List<Long> indexes;
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            indexes = JournalHistory.append(journal, live.events, 0, n, 50);
        }
        assertEquals(live.machine.digest(), new Recovery(data, JournalHistory.CIPHER).run().machine().digest(),
            "full replay from Chronicle");

        int half = n / 2;
        new SnapshotStore(data, JournalHistory.CIPHER).write(JournalHistory.replay(live.events, half), indexes.get(half - 1));
        Recovery.Result r = new Recovery(data, JournalHistory.CIPHER).run();
        assertEquals(half, r.report().snapshotSequence());
        assertEquals(live.machine.digest(), r.machine().digest(), "snapshot + tail");
    }
}
