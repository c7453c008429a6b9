package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ReplayBatchTest {
    /** Claims of many users (granted and rejected, with keys, devices and addresses), and a code load. */
    private static EngineDriver history() {
        EngineDriver d = new EngineDriver(7);
        CampaignSpec spec = EngineDriver.campaign("sale", 2);
        spec.perDeviceLimit = 3;
        EngineDriver.sku(spec, "card", SkuKind.CODE).perUserLimit = 1;
        CampaignSpec.SkuSpec vip = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        vip.stock = 150;
        vip.suppliers.add("primary");
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        assertEquals(ResultCode.OK, d.load("sale", "card", EngineDriver.codes("C-", 200)).result);
        for (int i = 0; i < 500; i++) {
            d.now += 3;
            byte[] ip = {10, 1, (byte) (i % 7), (byte) i};
            d.claim("u" + i % 180, "k" + i, "sale", i % 3 == 0 ? "vip" : "card", "dev" + i % 50, ip,
                i % 3 == 0 ? "1390000" + i : "");
        }
        return d;
    }

    @Test
    void aBatchPreparedWithIdentitiesOfItsOwnUnderTheMachinesKeyAppliesAsOneEventAtATime() {
        EngineDriver d = history();
        long live = d.machine.digest();
        assertEquals(live, d.replay().digest());
        assertEquals(live, d.replayPrepared(null).digest());
        assertEquals(live, d.replayPrepared(d.machine).digest(), "any preparer under the same key");
    }

    @Test
    void aPreparerUnderAnotherKeyWouldGiveAnotherState() {
        // what the digest checks above would catch: hashes handed in are trusted, not recomputed
        EngineDriver d = history();
        assertNotEquals(d.machine.digest(), d.replayPrepared(new StateMachine()).digest());
    }

    @Test
    void batchesPreparedOnAnotherThreadApplyAsOnOne() throws Exception {
        EngineDriver d = history();
        StateMachine copy = new StateMachine(d.machine.config());
        ReplayGroup group = copy.replayGroup();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            ReplayPreparer preparer = other.submit(copy::replayPreparer).get();
            ReplayBatch batch = new ReplayBatch();
            int i = 0;
            while (i < d.events.size()) {
                batch.clear();
                while (i < d.events.size() && !batch.add(new UnsafeBuffer(d.events.get(i)), 0, d.events.get(i).length, i)) {
                    i++;
                }
                i++;
                Future<?> prepared = other.submit(() -> preparer.prepare(batch));
                prepared.get();
                assertEquals(ReplayGroup.ALL_APPLIED, group.apply(batch));
            }
        } finally {
            other.shutdownNow();
        }
        group.finish();
        assertEquals(d.machine.digest(), copy.digest());
    }

    @Test
    void aRefusedEventIsNamedAndNothingFromItOnIsApplied() {
        EngineDriver d = history();
        StateMachine copy = new StateMachine(d.machine.config());
        ReplayGroup group = copy.replayGroup();
        ReplayBatch batch = new ReplayBatch();
        for (int i = 0; i < 5; i++) {
            batch.add(new UnsafeBuffer(d.events.get(i)), 0, d.events.get(i).length, 100 + i);
        }
        batch.add(new UnsafeBuffer(d.events.get(6)), 0, d.events.get(6).length, 106); // 6 skipped
        batch.add(new UnsafeBuffer(d.events.get(5)), 0, d.events.get(5).length, 105);
        copy.replayPreparer().prepare(batch);
        assertEquals(5, group.apply(batch));
        assertEquals(106, batch.tag(5));
        assertEquals(7, batch.sequence(5));
        assertEquals(5, copy.lastSequence());
    }

    @Test
    void clearLetsAnOutsizedEventBufferGoButKeepsWhatWasInItReadable() {
        EngineDriver d = new EngineDriver(3);
        CampaignSpec spec = EngineDriver.campaign("big", 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        assertEquals(ResultCode.OK, d.load("big", "card", EngineDriver.codes("LONG-CODE-", 3_000)).result);
        byte[] load = d.events.get(1);
        assertTrue(load.length > 16 * 1024, "a load larger than a batch keeps: " + load.length);
        ReplayBatch batch = new ReplayBatch();
        batch.add(new UnsafeBuffer(d.events.get(0)), 0, d.events.get(0).length, 0);
        batch.add(new UnsafeBuffer(load), 0, load.length, 1);
        batch.clear();
        assertEquals(0, batch.size());
        assertEquals(2, batch.sequence(1));
        assertEquals(1, batch.tag(1));
        StateMachine copy = new StateMachine(d.machine.config());
        batch.add(new UnsafeBuffer(d.events.get(0)), 0, d.events.get(0).length, 0);
        batch.add(new UnsafeBuffer(load), 0, load.length, 1);
        assertEquals(ReplayGroup.ALL_APPLIED, copy.replayGroup().apply(batch), "an unprepared batch applies too");
        assertEquals(d.machine.digest(), copy.digest());
    }

    @Test
    void aFullBatchTakesNoMore() {
        ReplayBatch batch = new ReplayBatch();
        byte[] e = history().events.get(0);
        for (int i = 0; i < ReplayBatch.SIZE - 1; i++) {
            assertEquals(false, batch.add(new UnsafeBuffer(e), 0, e.length, i));
        }
        assertTrue(batch.add(new UnsafeBuffer(e), 0, e.length, 15));
        assertThrows(IllegalStateException.class, () -> batch.add(new UnsafeBuffer(e), 0, e.length, 16));
    }
}
