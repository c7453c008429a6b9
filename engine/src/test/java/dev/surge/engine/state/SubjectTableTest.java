package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.util.Hashing;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SubjectTableTest {

    @Test
    void agreesWithAMapThroughGrowthAndReserve() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            SubjectTable table = new SubjectTable();
            Map<Long, Long> model = new HashMap<>();
            long[] subjects = new long[500 + random.nextInt(5000)];
            for (int i = 0; i < subjects.length; i++) {
                subjects[i] = Hashing.mix(seed * 1_000_003 + i);
            }
            for (int op = 0; op < 30_000; op++) {
                long key = SubjectTable.key(1 + random.nextInt(4), random.nextInt(3),
                    subjects[random.nextInt(subjects.length)]);
                switch (random.nextInt(10)) {
                    case 0 -> {
                        long value = random.nextLong();
                        table.put(key, value);
                        model.put(key, value);
                    }
                    case 1 -> table.reserve(random.nextInt(40_000));
                    default -> {
                        table.increment(key);
                        model.merge(key, 1L, Long::sum);
                    }
                }
                assertEquals(model.getOrDefault(key, 0L), table.get(key), "seed " + seed + " op " + op);
            }
            assertEquals(model.size(), table.size());
            Map<Long, Long> seen = new HashMap<>();
            table.forEach(seen::put);
            assertEquals(model, seen, "seed " + seed);
        }
    }

    @Test
    void growsStepByStepAcrossPagesAndStaysExactMidGrowth() {
        SplittableRandom random = new SplittableRandom(7);
        SubjectTable table = new SubjectTable();
        Map<Long, Long> model = new HashMap<>();
        long[] keys = new long[700_000];
        int growthsSeen = 0;
        boolean wasGrowing = false;
        boolean checkedMidMigration = false;
        for (int n = 0; n < keys.length; n++) {
            keys[n] = SubjectTable.key(1 + (n & 3), n % 5, Hashing.mix(n + 1));
            table.increment(keys[n]);
            model.merge(keys[n], 1L, Long::sum);
            // numbers of earlier subjects change while they may still sit in the frozen table
            long earlier = keys[random.nextInt(n + 1)];
            if (random.nextBoolean()) {
                table.increment(earlier);
                model.merge(earlier, 1L, Long::sum);
            } else {
                long value = random.nextLong(1, 1000);
                table.put(earlier, value);
                model.put(earlier, value);
            }
            long probe = keys[random.nextInt(n + 1)];
            assertEquals(model.get(probe), table.get(probe), "key " + probe + " after insert " + n);
            if (table.growing() && !wasGrowing) {
                growthsSeen++;
            }
            wasGrowing = table.growing();
            if (wasGrowing && !checkedMidMigration && table.capacity() > SubjectTable.PAGE_PAIRS && n % 97 == 0) {
                // several pages, both tables in use: every number exactly once, the newest value
                assertEquals(model.size(), table.size());
                Map<Long, Long> seen = new HashMap<>();
                table.forEach((k, v) -> assertEquals(null, seen.put(k, v), "visited twice: " + k));
                assertEquals(model, seen);
                checkedMidMigration = true;
            }
        }
        assertTrue(checkedMidMigration, "the run never looked inside a growth of several pages");
        assertTrue(growthsSeen >= 8, "grew " + growthsSeen + " times");
        assertEquals(0, table.catchUps(), "inserts alone keep the steps ahead of the load");
        assertEquals(model.size(), table.size());
        Map<Long, Long> seen = new HashMap<>();
        table.forEach(seen::put);
        assertEquals(model, seen);
        for (long k : keys) {
            assertEquals(model.get(k), table.get(k));
        }
    }

    @Test
    void aReservedTableReachesItsEntriesWithoutGrowing() {
        SubjectTable table = new SubjectTable();
        table.reserve(300_000);
        int before = table.capacity();
        for (int n = 0; n < 300_000; n++) {
            table.increment(SubjectTable.key(1, 0, Hashing.mix(n + 1)));
            assertFalse(table.growing(), "grew at " + n);
        }
        assertEquals(before, table.capacity());
    }

    @Test
    void aSubjectsKeysShareItsHomeBitsAndDifferByWhatAndWhere() {
        long user = Hashing.mix(42);
        long campaignCount = SubjectTable.key(EngineState.CAMPAIGN_USER, 3, user);
        long skuCount = SubjectTable.key(EngineState.SKU_USER, 7, user);
        long newest = SubjectTable.key(EngineState.NEWEST_GRANT, 0, user);
        for (long k : new long[] {campaignCount, skuCount, newest}) {
            assertEquals((int) user, (int) k, "low bits are the subject's, so its entries sit together");
        }
        assertNotEquals(campaignCount, skuCount);
        assertNotEquals(campaignCount, newest);
        assertNotEquals(SubjectTable.key(EngineState.CAMPAIGN_USER, 3, user),
            SubjectTable.key(EngineState.CAMPAIGN_USER, 4, user));
    }

    @Test
    void clearEmptiesIt() {
        SubjectTable table = new SubjectTable();
        table.reserve(100_000);
        table.increment(SubjectTable.key(1, 1, 99));
        table.clear();
        assertEquals(0, table.size());
        assertEquals(0, table.get(SubjectTable.key(1, 1, 99)));
    }
}
