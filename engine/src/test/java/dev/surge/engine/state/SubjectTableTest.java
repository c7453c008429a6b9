package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
            SubjectTable table = new SubjectTable(new TableGrowth());
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
    void aSubjectsKeysShareItsHomeBitsAndDifferByWhatAndWhere() {
        long user = Hashing.mix(42);
        long campaignCount = SubjectTable.key(EngineState.CAMPAIGN_USER, 3, user);
        long skuCount = SubjectTable.key(EngineState.SKU_USER, 7, user);
        long device = SubjectTable.key(EngineState.CAMPAIGN_DEVICE, 3, user);
        for (long k : new long[] {campaignCount, skuCount, device}) {
            assertEquals((int) user, (int) k, "low bits are the subject's, so its entries sit together");
        }
        assertNotEquals(campaignCount, skuCount);
        assertNotEquals(campaignCount, device);
        assertNotEquals(SubjectTable.key(EngineState.CAMPAIGN_USER, 3, user),
            SubjectTable.key(EngineState.CAMPAIGN_USER, 4, user));
    }

    @Test
    void clearEmptiesIt() {
        SubjectTable table = new SubjectTable(new TableGrowth());
        table.reserve(100_000);
        table.increment(SubjectTable.key(1, 1, 99));
        table.clear();
        assertEquals(0, table.size());
        assertEquals(0, table.get(SubjectTable.key(1, 1, 99)));
    }
}
