package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventTranslatorOneArg;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.StateMachine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleJournalTest {
    @TempDir
    Path data;

    /** Reads the whole journal back: event bytes and Chronicle indexes, in order. */
    static List<byte[]> readAll(Path data, List<Long> indexes) {
        List<byte[]> out = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            JournalReader.Outcome o = reader.read((index, event) -> {
                byte[] copy = new byte[event.length()];
                event.buffer().getBytes(event.offset(), copy);
                out.add(copy);
                if (indexes != null) {
                    indexes.add(index);
                }
                return true;
            });
            assertEquals(JournalReader.Outcome.END, o, String.valueOf(reader.badRecord()));
        }
        return out;
    }

    @Test
    void eventsReadBackEqualAndReplayToTheLiveDigest() {
        EngineDriver live = JournalHistory.run(1, 400);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 7);
            assertEquals(live.events.size(), journal.lastSequence());
        }
        List<Long> indexes = new ArrayList<>();
        List<byte[]> back = readAll(data, indexes);
        assertEquals(live.events.size(), back.size());
        for (int i = 0; i < back.size(); i++) {
            assertArrayEquals(live.events.get(i), back.get(i), "event " + (i + 1));
            // one document per batch of 7: its events share its index
            assertEquals(i % 7 == 0, i == 0 || indexes.get(i) > indexes.get(i - 1), "index of event " + (i + 1));
        }
        assertEquals(live.machine.digest(), JournalHistory.replay(back, back.size()).digest());
    }

    @Test
    void syncDurabilityWritesTheSameJournal() {
        EngineDriver live = JournalHistory.run(2, 100);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 16);
        }
        assertEquals(live.machine.digest(), JournalHistory.replay(readAll(data, null), live.events.size()).digest());
    }

    @Test
    void reopeningContinuesTheSequenceAndRefusesAnythingElse() {
        EngineDriver live = JournalHistory.run(3, 100);
        int half = live.events.size() / 2;
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            byte[] e = live.events.get(1);
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> journal.append(2, new UnsafeBuffer(e), 0, e.length));
            assertTrue(refused.getMessage().contains("continues at event 1"), refused.getMessage());
            JournalHistory.append(journal, live.events, 0, half, 10);
        }
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            assertEquals(half, journal.lastSequence());
            assertTrue(journal.lastIndex() >= 0);
            byte[] first = live.events.get(0);
            assertThrows(IllegalStateException.class, () -> journal.append(1, new UnsafeBuffer(first), 0, first.length),
                "a fresh state machine must not write into an existing journal");
            JournalHistory.append(journal, live.events, half, live.events.size(), 10);
        }
        assertEquals(live.events.size(), readAll(data, null).size());
    }

    @Test
    void anEventWhoseHeaderDisagreesWithItsSequenceIsRefused() {
        EngineDriver live = JournalHistory.run(4, 5);
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            byte[] e = live.events.get(1); // header says 2
            assertThrows(IllegalArgumentException.class, () -> journal.append(1, new UnsafeBuffer(e), 0, e.length));
        }
    }

    private static final EventTranslatorOneArg<CommandSlot, Consumer<CommandSlot>> FILL = (slot, seq, fill) -> fill.accept(slot);

    @Test
    void underTheRealRingEveryDecisionIsJournaledAndReplays() throws Exception {
        int claims = 2_000;
        CountDownLatch replied = new CountDownLatch(claims + 2);
        AtomicInteger notJournaled = new AtomicInteger();
        StateMachine machine = new StateMachine(JournalHistory.CIPHER.stateConfig());
        ChronicleJournal journal = new ChronicleJournal(data, Durability.SYNC, JournalHistory.CIPHER);
        try (EngineRing ring = new EngineRing(machine, journal, slot -> {
            if (!slot.journaled) {
                notJournaled.incrementAndGet();
            }
            replied.countDown();
        }, DeliveryPort.NONE, 1024, EngineRing.Wait.BLOCKING).start()) {
            CommandWriter w = new CommandWriter();
            var spec = EngineDriver.campaign("c", 1);
            EngineDriver.sku(spec, "s", dev.surge.engine.SkuKind.CODE);
            publish(ring, slot -> w.upsertCampaign(slot, 1, spec));
            publish(ring, slot -> w.loadCodes(slot, 1, "c", "s", EngineDriver.codes(JournalHistory.CODE_MARK, 500)));
            for (int i = 0; i < claims; i++) {
                int n = i;
                publish(ring, slot -> w.claim(slot, 2 + n, "u" + n % 900, "k" + n, "c", "s", "", null, ""));
            }
            assertTrue(replied.await(20, TimeUnit.SECONDS));
            assertFalse(ring.health().halted(), "ring halted");
        } // closes the journal on this thread, after the journal thread has stopped
        assertEquals(0, notJournaled.get());
        List<byte[]> back = readAll(data, null);
        assertEquals(claims + 2, back.size());
        StateMachine replayed = JournalHistory.replay(back, back.size());
        assertEquals(machine.digest(), replayed.digest());
        assertEquals(500, replayed.campaign("c").skus().get(0).granted());
    }

    private static void publish(EngineRing ring, Consumer<CommandSlot> fill) {
        while (!ring.tryPublish(FILL, fill)) {
            Thread.onSpinWait();
        }
    }
}
