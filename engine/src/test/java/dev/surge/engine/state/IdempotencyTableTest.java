package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The idempotency table against a plain map, across many growths, with records expiring meanwhile. */
class IdempotencyTableTest {
    private static final long WINDOW_MS = 30 * IdempotencyTable.MINUTE_MS;

    private record Key(long high, long low) {
    }

    /** What the table must answer: the first record of a key, while it is younger than the window. */
    private record Record(long fingerprint, int result, int reference, long minute) {
    }

    @Test
    void growsStepByStepAndAnswersLikeAMapThroughout() {
        for (long seed = 1; seed <= 4; seed++) {
            check(seed, 60_000);
        }
    }

    private static void check(long seed, int puts) {
        SplittableRandom random = new SplittableRandom(seed);
        IdempotencyTable table = new IdempotencyTable(WINDOW_MS);
        Map<Key, Record> model = new HashMap<>();
        List<Key> keys = new ArrayList<>();
        long time = 0;
        boolean grew = false;
        int capacity = table.capacity();
        for (int i = 0; i < puts; i++) {
            time += random.nextInt(seed % 2 == 0 ? 40 : 4_000); // even seeds: nothing expires
            Key key = keys.isEmpty() || random.nextInt(4) > 0
                ? new Key(random.nextLong(), random.nextInt(3) == 0 ? 42 : random.nextLong())
                : keys.get(random.nextInt(keys.size())); // a retry, or a key again after its window
            keys.add(key);
            long minute = Math.floorDiv(time, IdempotencyTable.MINUTE_MS);
            Record seen = model.get(key);
            if (seen == null || minute - seen.minute >= WINDOW_MS / IdempotencyTable.MINUTE_MS) {
                model.put(key, new Record(i, i % 100, i, minute));
            }
            table.put(key.high, key.low, i, i % 100, i, time);
            grew |= table.growing();
            if (i % 997 == 0 || table.growing() && i % 7 == 0) {
                Key probe = keys.get(random.nextInt(keys.size()));
                assertAnswers(table, model, probe, time, minute);
                assertAnswers(table, model, new Key(random.nextLong(), 42), time, minute);
            }
        }
        long minute = Math.floorDiv(time, IdempotencyTable.MINUTE_MS);
        for (Key key : keys) {
            assertAnswers(table, model, key, time, minute);
        }
        assertTrue(grew, "the table grew");
        assertTrue(table.capacity() > capacity);
        assertEquals(0, table.catchUps(), "every growth was spread over the inserts");
        long live = model.values().stream()
            .filter(r -> minute - r.minute < WINDOW_MS / IdempotencyTable.MINUTE_MS).count();
        assertEquals(live, table.liveCount(time), "each live record counted once, growing or not");

        IdempotencyTable copy = new IdempotencyTable(WINDOW_MS); // another layout, the same records
        copy.reserve(4 * keys.size());
        table.forEach(time, copy::restore);
        assertEquals(table.digest(time), copy.digest(time));
    }

    private static void assertAnswers(IdempotencyTable table, Map<Key, Record> model, Key key, long time, long minute) {
        Record r = model.get(key);
        int handle = table.find(key.high, key.low, time);
        if (r == null || minute - r.minute >= WINDOW_MS / IdempotencyTable.MINUTE_MS) {
            assertEquals(IdempotencyTable.MISSING, handle, "forgotten or never seen: " + key);
            return;
        }
        assertFalse(handle == IdempotencyTable.MISSING, "remembered: " + key);
        assertEquals(r.fingerprint, table.fingerprint(handle));
        assertEquals(r.result, table.result(handle));
        assertEquals(r.reference, table.reference(handle));
    }

    @Test
    void aLargeTableGrowsIntoPages() {
        IdempotencyTable table = new IdempotencyTable(WINDOW_MS);
        SplittableRandom random = new SplittableRandom(7);
        int records = IdempotencyTable.PAGE_SLOTS * 2;
        for (int i = 0; i < records; i++) {
            table.put(random.nextLong(), random.nextLong(), i, 1, i, 0);
        }
        assertEquals(0, table.catchUps());
        assertEquals(records, table.liveCount(0));
        assertTrue(table.capacity() >= 4 * IdempotencyTable.PAGE_SLOTS, "more than one page: " + table.capacity());
    }
}
