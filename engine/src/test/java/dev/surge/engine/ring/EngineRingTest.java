package dev.surge.engine.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventTranslatorOneArg;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.port.JournalPort;
import dev.surge.engine.port.ReplyPort;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.StateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineRingTest {
    /** Keeps events in memory; "durable" means endOfBatch ran after the append. */
    static class MemoryJournal implements JournalPort {
        final List<byte[]> events = new ArrayList<>();
        final AtomicLong durable = new AtomicLong();
        volatile CountDownLatch stall;
        long appended;
        boolean waitsForDisk = true;

        @Override
        public boolean waitsForDisk() {
            return waitsForDisk;
        }

        @Override
        public void append(long sequence, DirectBuffer event, int offset, int length) {
            byte[] copy = new byte[length];
            event.getBytes(offset, copy);
            synchronized (events) {
                events.add(copy);
            }
            appended = sequence;
        }

        @Override
        public void endOfBatch() {
            CountDownLatch s = stall;
            if (s != null) {
                try {
                    s.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            durable.set(appended);
        }

        @Override
        public void close() {
        }
    }

    private static final EventTranslatorOneArg<CommandSlot, Consumer<CommandSlot>> FILL = (slot, seq, fill) -> fill.accept(slot);

    /** Where the stages run: their own thread (with a journal that syncs, or not), or an executor's tasks. */
    enum Mode {
        SYNCING("surge-engine"), OWN_THREAD("surge-engine"), HOSTED("test-host");

        final String replyThread;

        Mode(String replyThread) {
            this.replyThread = replyThread;
        }
    }

    private ExecutorService host;

    @AfterEach
    void stopHost() {
        if (host != null) {
            host.shutdownNow();
        }
    }

    private EngineRing ring(Mode mode, MemoryJournal journal, ReplyPort replies, int size) {
        journal.waitsForDisk = mode == Mode.SYNCING;
        if (mode == Mode.HOSTED) {
            host = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-host"));
        }
        EngineRing ring = new EngineRing(new StateMachine(), journal, replies, DeliveryPort.NONE, size,
            EngineRing.Wait.PARKING, mode == Mode.HOSTED ? host : null).start();
        assertEquals(mode == Mode.HOSTED, ring.hosted());
        return ring;
    }

    /** One thread for both stages, whether the journal waits for a disk or not (a host's for one that does not). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void repliesComeOnlyAfterTheJournalAndNeverOversell(Mode mode) throws Exception {
        MemoryJournal journal = new MemoryJournal();
        Set<String> replyThreads = ConcurrentHashMap.newKeySet();
        int claimers = 4;
        int perClaimer = 500;
        CountDownLatch done = new CountDownLatch(claimers * perClaimer + 2);
        Set<String> codes = ConcurrentHashMap.newKeySet();
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger early = new AtomicInteger();
        try (EngineRing ring = ring(mode, journal, slot -> {
            if (slot.eventLength > 0 && journal.durable.get() < slot.eventSequence) {
                early.incrementAndGet();
            }
            replyThreads.add(Thread.currentThread().getName());
            ReplyView r = new ReplyView().read(slot.type, slot.reply, slot.replyLength);
            if (r.result == ResultCode.GRANTED) {
                granted.incrementAndGet();
                codes.add(r.items.get(0).code());
            }
            done.countDown();
        }, 256)) {
            CommandWriter admin = new CommandWriter();
            CampaignSpec spec = EngineDriver.campaign("c", 1);
            EngineDriver.sku(spec, "s", SkuKind.CODE);
            publish(ring, slot -> admin.upsertCampaign(slot, 1, spec));
            publish(ring, slot -> admin.loadCodes(slot, 1, "c", "s", EngineDriver.codes("X", 300)));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < claimers; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    CommandWriter w = new CommandWriter();
                    for (int i = 0; i < perClaimer; i++) {
                        String user = "u" + (id * perClaimer + i) % 700;
                        long r = id * 1_000_000L + i;
                        publish(ring, slot -> w.claim(slot, 2, user, "k" + r, "c", "s", "", null, ""));
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(done.await(20, TimeUnit.SECONDS));
        }
        assertEquals(0, early.get(), "a reply went out before its event was durable");
        assertEquals(Set.of(mode.replyThread), replyThreads);
        assertEquals(300, granted.get());
        assertEquals(300, codes.size());
        // the journal holds every decision, in sequence
        StateMachine replayed = new StateMachine();
        for (byte[] e : journal.events) {
            assertTrue(replayed.apply(new UnsafeBuffer(e), 0, e.length));
        }
        assertEquals(2 + claimers * perClaimer, replayed.lastSequence());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFullRingRefusesInsteadOfBlocking(Mode mode) throws Exception {
        MemoryJournal journal = new MemoryJournal();
        journal.stall = new CountDownLatch(1);
        CommandWriter w = new CommandWriter();
        try (EngineRing ring = ring(mode, journal, slot -> {
        }, 8)) {
            int accepted = 0;
            for (int i = 0; i < 100; i++) {
                int n = i;
                if (ring.tryPublish(FILL, slot -> w.claim(slot, 1, "u", "k" + n, "c", "s", "", null, ""))) {
                    accepted++;
                }
            }
            assertTrue(accepted < 100 && accepted >= 8, "accepted " + accepted);
            assertFalse(ring.tryPublish(FILL, slot -> w.claim(slot, 1, "u", "x", "c", "s", "", null, "")));
            journal.stall.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailingJournalHaltsTheEngineAndNothingIsAcknowledged(Mode mode) throws Exception {
        CountDownLatch replies = new CountDownLatch(3);
        MemoryJournal broken = new MemoryJournal() {
            @Override
            public void endOfBatch() {
                throw new IllegalStateException("disk full");
            }
        };
        CommandWriter w = new CommandWriter();
        List<Boolean> journaled = new ArrayList<>();
        List<ResultCode> results = new ArrayList<>();
        try (EngineRing ring = ring(mode, broken, slot -> {
            synchronized (journaled) {
                journaled.add(slot.journaled);
                results.add(slot.result);
            }
            replies.countDown();
        }, 8)) {
            CampaignSpec spec = EngineDriver.campaign("c", 1);
            EngineDriver.sku(spec, "s", SkuKind.CODE);
            publish(ring, slot -> w.upsertCampaign(slot, 1, spec));
            assertTrue(waitFor(ring::health));
            publish(ring, slot -> w.claim(slot, 1, "u", "k", "c", "s", "", null, ""));
            publish(ring, slot -> w.claim(slot, 1, "v", "k", "c", "s", "", null, ""));
            assertTrue(replies.await(10, TimeUnit.SECONDS));
            assertTrue(ring.health().halted());
        }
        assertEquals(List.of(false, true, true), journaled);
        assertEquals(ResultCode.UNAVAILABLE, results.get(1));
        assertEquals(ResultCode.UNAVAILABLE, results.get(2));
    }

    /**
     * Hosted, the requests the host itself publishes during one of its tasks are decided after
     * that task, together: one batch, one flush, no wake-up; then close drains what is left.
     */
    @Test
    void whatTheHostPublishesInOneTaskIsOneBatch() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        CountDownLatch answered = new CountDownLatch(12);
        EngineRing ring = ring(Mode.HOSTED, journal, slot -> answered.countDown(), 256);
        CommandWriter w = new CommandWriter();
        CampaignSpec spec = EngineDriver.campaign("c", 1);
        EngineDriver.sku(spec, "s", SkuKind.CODE);
        host.submit(() -> publish(ring, slot -> w.upsertCampaign(slot, 1, spec))).get();
        host.submit(() -> publish(ring, slot -> w.loadCodes(slot, 1, "c", "s", EngineDriver.codes("X", 20)))).get();
        host.submit(() -> { }).get(); // queued after the drain that the publish scheduled
        long batches = ring.metrics().batches();
        host.submit(() -> {
            for (int i = 0; i < 10; i++) {
                String user = "u" + i;
                publish(ring, slot -> w.claim(slot, 2, user, "k", "c", "s", "", null, ""));
            }
        }).get();
        assertTrue(answered.await(10, TimeUnit.SECONDS));
        assertEquals(batches + 1, ring.metrics().batches(), "ten claims, one batch");
        assertEquals(10, ring.metrics().maxBatch());
        host.submit(() -> publish(ring, slot -> w.claim(slot, 2, "late", "k", "c", "s", "", null, ""))).get();
        ring.close(); // the slot just published is decided and journaled before the journal closes
        assertEquals(13, journal.events.size());
    }

    /**
     * With a journal that does not wait for a disk, a backlog is journaled and answered in
     * batches of at most {@link JournalHandler#IN_CACHE_BATCH} slots, each released to
     * publishers as it ends; with one that syncs, the batch is the whole backlog (one sync).
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"OWN_THREAD", "SYNCING"})
    void aBacklogIsJournaledInBatchesThatStayInCacheUnlessEachSyncs(Mode mode) throws Exception {
        MemoryJournal journal = new MemoryJournal();
        journal.stall = new CountDownLatch(1);
        int backlog = 900;
        CountDownLatch answered = new CountDownLatch(backlog + 1);
        CommandWriter w = new CommandWriter();
        try (EngineRing ring = ring(mode, journal, slot -> answered.countDown(), 1024)) {
            CampaignSpec spec = EngineDriver.campaign("c", 1);
            EngineDriver.sku(spec, "s", SkuKind.CODE);
            publish(ring, slot -> w.upsertCampaign(slot, 1, spec)); // its batch stalls in endOfBatch
            for (int i = 0; i < backlog; i++) {
                String user = "u" + i;
                publish(ring, slot -> w.claim(slot, 2, user, "k", "c", "s", "", null, ""));
            }
            journal.stall.countDown();
            assertTrue(answered.await(10, TimeUnit.SECONDS));
            if (mode == Mode.OWN_THREAD) {
                assertEquals(JournalHandler.IN_CACHE_BATCH, ring.metrics().maxBatch());
                assertTrue(ring.metrics().batches() >= 1 + backlog / JournalHandler.IN_CACHE_BATCH,
                    ring.metrics().batches() + " batches");
            } else {
                assertTrue(ring.metrics().maxBatch() > JournalHandler.IN_CACHE_BATCH,
                    "max batch " + ring.metrics().maxBatch());
            }
        }
    }

    private static boolean waitFor(java.util.function.Supplier<RingHealth> health) throws InterruptedException {
        for (int i = 0; i < 500 && !health.get().halted(); i++) {
            Thread.sleep(10);
        }
        return health.get().halted();
    }

    private static void publish(EngineRing ring, Consumer<CommandSlot> fill) {
        while (!ring.tryPublish(FILL, fill)) {
            Thread.onSpinWait();
        }
    }
}
