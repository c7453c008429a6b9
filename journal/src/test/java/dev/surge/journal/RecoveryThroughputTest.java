package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateMachine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery speed on a realistic journal: {@code -Dsurge.recoveryEvents} (default 1,000,000)
 * claims against a flash sale (codes and recharges, sold out part way), journaled through
 * {@link ChronicleJournal}, then recovered by full replay and by snapshot + tail. Prints
 * events/s; asserts only correctness (performance is measured, never asserted).
 *
 * <p>{@code mvn -pl engine,journal verify -Dsurge.includeSlow -Dtest=RecoveryThroughputTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; results in
 * journal/target/surefire-reports/dev.surge.journal.RecoveryThroughputTest-output.txt
 */
@Tag("slow")
class RecoveryThroughputTest {
    private static final int EVENTS = Integer.getInteger("surge.recoveryEvents", 1_000_000);

    @TempDir
    Path data;

    @Test
    void replaysAMillionEvents() {
        StateMachine live = new StateMachine(JournalHistory.CIPHER.stateConfig());
        CommandSlot slot = new CommandSlot();
        CommandWriter w = new CommandWriter();
        long started = System.nanoTime();
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            CampaignSpec spec = EngineDriver.campaign("flash", 1);
            EngineDriver.sku(spec, "card", SkuKind.CODE);
            CampaignSpec.SkuSpec vip = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
            vip.stock = EVENTS / 3;
            vip.suppliers.add("primary");
            w.upsertCampaign(slot, 1, spec);
            decide(live, slot, journal);
            for (int batch = 0; batch < 20; batch++) {
                List<String> codes = new ArrayList<>();
                for (int i = 0; i < EVENTS / 200; i++) {
                    codes.add("CARD-" + batch + "-" + i);
                }
                w.loadCodes(slot, 2, "flash", "card", codes);
                decide(live, slot, journal);
            }
            int users = EVENTS / 2;
            for (long i = 0; live.lastSequence() < EVENTS; i++) {
                boolean code = (i & 1) == 0;
                w.claim(slot, 1_000 + i / 100, "user-" + (i % users), "k" + i, "flash",
                    code ? "card" : "vip", "", null, code ? "" : "1380000" + i);
                decide(live, slot, journal);
                if ((i & 63) == 0) {
                    journal.endOfBatch();
                }
            }
            journal.endOfBatch();
        }
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("journaled %,d events in %.2f s (decide + append, %,.0f events/s)%n", EVENTS, writeSeconds,
            EVENTS / writeSeconds);
        long bytes = JournalHistory.files(data).stream().mapToLong(p -> p.toFile().length()).sum();
        System.out.printf("data dir: %,d bytes (sparse cycle file sizes)%n", bytes);

        for (int round = 0; round < 2; round++) {
            long t = System.nanoTime();
            try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
                reader.read((index, event) -> true);
                double s = (System.nanoTime() - t) / 1e9;
                System.out.printf("read + check only (round %d): %,d events in %.0f ms = %,.0f events/s%n", round + 1,
                    reader.eventsDelivered(), s * 1000, reader.eventsDelivered() / s);
            }
        }
        for (int round = 0; round < 2; round++) { // the second round runs warm
            Recovery.Result full = new Recovery(data, JournalHistory.CIPHER).run();
            assertEquals(live.digest(), full.machine().digest());
            System.out.printf("full replay (round %d): %,d events in %d ms = %,.0f events/s%n", round + 1,
                full.report().eventsReplayed(), full.report().replayNanos() / 1_000_000, full.report().eventsPerSecond());
        }

        SnapshotStore store = new SnapshotStore(data, JournalHistory.CIPHER);
        Recovery.Result full = new Recovery(data, JournalHistory.CIPHER).run();
        long t0 = System.nanoTime();
        SnapshotInfo info = store.write(full.machine(), full.report().lastIndex());
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("snapshot of event %,d: %,d bytes written in %d ms%n", info.sequence(),
            info.path().toFile().length(), writeMs);
        Recovery.Result fromSnapshot = new Recovery(data, JournalHistory.CIPHER).run();
        assertEquals(live.digest(), fromSnapshot.machine().digest());
        System.out.printf("recovery from that snapshot: %d ms (load + verify)%n",
            fromSnapshot.report().elapsedNanos() / 1_000_000);
    }

    private static void decide(StateMachine machine, CommandSlot slot, ChronicleJournal journal) {
        machine.decide(slot);
        if (slot.eventLength > 0) {
            journal.append(slot.eventSequence, slot.event, 0, slot.eventLength);
        }
    }
}
