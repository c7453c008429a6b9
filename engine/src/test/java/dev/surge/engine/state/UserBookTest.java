package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.util.Hashing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A user's line and what spills from it answer as one map would, and a copy of the lines answers the same. */
class UserBookTest {
    private static final long WINDOW_MS = 5 * IdempotencyTable.MINUTE_MS;

    private static UserBook book() {
        return new UserBook(new SubjectTable(new TableGrowth()), new IdempotencyTable(WINDOW_MS), new TableGrowth());
    }

    @Test
    void aSecondCampaignAndSkuSpillAndCountApart() {
        UserBook users = book();
        users.add(EngineState.CAMPAIGN_USER, 0, 1, 2, +1);
        users.add(EngineState.CAMPAIGN_USER, 5, 1, 2, +1);
        users.add(EngineState.CAMPAIGN_USER, 5, 1, 2, +1);
        users.add(EngineState.SKU_USER, 0, 1, 2, +1);
        users.add(EngineState.CAMPAIGN_USER, 0, 1, 2, -1);
        assertEquals(0, users.count(EngineState.CAMPAIGN_USER, 0, 1, 2), "the line's campaign, at zero");
        assertEquals(2, users.count(EngineState.CAMPAIGN_USER, 5, 1, 2), "the spilled one");
        assertEquals(1, users.count(EngineState.SKU_USER, 0, 1, 2), "a SKU's counter is not a campaign's");
        assertEquals(0, users.count(EngineState.CAMPAIGN_USER, 5, 9, 2), "another user with the same low half");
    }

    @Test
    void aSecondLiveKeySpillsAndAnExpiredOneGivesUpTheLine() {
        UserBook users = book();
        users.remember(1, 2, 10, 11, 100, 3, 7, 0);
        users.remember(1, 2, 20, 21, 200, 4, 8, 0);
        assertTrue(users.findKey(1, 2, 10, 11, 0));
        assertEquals(100, users.foundFingerprint());
        assertTrue(users.findKey(1, 2, 20, 21, 0));
        assertEquals(4, users.foundResult());
        assertEquals(8, users.foundReference());
        assertFalse(users.findKey(9, 2, 10, 11, 0), "the user decides, not the key alone");
        users.remember(1, 2, 10, 11, 999, 5, 9, 0);
        assertTrue(users.findKey(1, 2, 10, 11, 0));
        assertEquals(100, users.foundFingerprint(), "a live record keeps its first decision");
        long later = WINDOW_MS + IdempotencyTable.MINUTE_MS;
        assertFalse(users.findKey(1, 2, 10, 11, later), "forgotten after the window");
        users.remember(1, 2, 30, 31, 300, 6, 1, later);
        assertTrue(users.findKey(1, 2, 30, 31, later));
        assertEquals(1, users.liveKeys(later), "the new key took the expired one's place in the line");
    }

    @Test
    void reservingAllocatesTheUsersLinesUpFrontAndNothingForNone() {
        UserLines none = new UserLines(new TableGrowth());
        none.reserve(0);
        assertTrue(none.bytes() < 1 << 20, "no users, no page of lines (2 MiB): " + none.bytes());
        UserLines some = new UserLines(new TableGrowth());
        some.reserve(100_000);
        long reserved = some.bytes();
        assertTrue(reserved >= 100_000L * 64 + 100_000L * 8, "lines and index for 100,000 users: " + reserved);
        for (int i = 0; i < 100_000; i++) {
            some.add(i * 31L, Hashing.mix(i));
        }
        assertEquals(reserved, some.bytes(), "reaching them allocates nothing more");
        assertEquals(99_999, some.find(99_999 * 31L, Hashing.mix(99_999)));
    }

    /** Random counters, grants and keys of a few hundred users against maps; then a copy of the lines. */
    @Test
    void answersAsMapsDoAndACopyAnswersTheSame() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            UserBook users = book();
            Map<List<Long>, Long> counts = new HashMap<>();
            Map<List<Long>, Integer> newest = new HashMap<>();
            Map<List<Long>, long[]> keys = new HashMap<>();
            int userCount = 20 + random.nextInt(300);
            long time = 0;
            for (int op = 0; op < 5_000; op++) {
                long low = Hashing.mix(seed * 7919 + random.nextInt(userCount));
                long high = low * 31;
                time += random.nextInt(20_000);
                switch (random.nextInt(4)) {
                    case 0 -> {
                        long dimension = random.nextBoolean() ? EngineState.CAMPAIGN_USER : EngineState.SKU_USER;
                        int scope = random.nextInt(3);
                        List<Long> k = List.of(high, low, dimension, (long) scope);
                        int by = counts.getOrDefault(k, 0L) > 0 && random.nextInt(4) == 0 ? -1 : 1;
                        users.add(dimension, scope, high, low, by);
                        counts.merge(k, (long) by, Long::sum);
                    }
                    case 1 -> {
                        int g = random.nextInt(1000);
                        Integer before = newest.put(List.of(high, low), g);
                        assertEquals(before == null ? UserBook.NONE : before, users.newest(high, low, g));
                    }
                    default -> {
                        long key = random.nextInt(6);
                        List<Long> k = List.of(high, low, key);
                        long[] seen = keys.get(k);
                        boolean live = seen != null && live(seen[3], time);
                        assertEquals(live, users.findKey(high, low, key * 3, key ^ low, time), "seed " + seed);
                        if (live) {
                            assertEquals(seen[0], users.foundFingerprint());
                            assertEquals(seen[1], users.foundResult());
                            assertEquals(seen[2], users.foundReference());
                        } else {
                            long fingerprint = random.nextLong();
                            int result = random.nextInt(100);
                            int reference = random.nextInt();
                            users.remember(high, low, key * 3, key ^ low, fingerprint, result, reference, time);
                            keys.put(k, new long[] {fingerprint, result, reference, time});
                        }
                    }
                }
            }
            for (Map.Entry<List<Long>, Long> e : counts.entrySet()) {
                List<Long> k = e.getKey();
                assertEquals(e.getValue(), users.count(k.get(2), k.get(3).intValue(), k.get(0), k.get(1)));
            }
            for (Map.Entry<List<Long>, Integer> e : newest.entrySet()) {
                assertEquals(e.getValue(), users.newest(e.getKey().get(0), e.getKey().get(1)));
            }
            UserBook copy = new UserBook(new SubjectTable(new TableGrowth()), new IdempotencyTable(WINDOW_MS), new TableGrowth());
            List<long[]> lines = new ArrayList<>();
            for (int line = 0; line < users.lines.size(); line++) {
                long[] words = new long[UserLines.WORDS];
                users.words(line, words);
                lines.add(words);
            }
            lines.forEach(copy::restore);
            assertEquals(users.lines.size(), copy.lines.size());
            for (long[] words : lines) {
                assertEquals(UserBook.NONE, copy.newest(words[UserLines.HIGH], words[UserLines.LOW]),
                    "newest grants are rebuilt with the grants, not copied");
            }
        }
    }

    private static boolean live(long decidedAt, long time) {
        return Math.floorDiv(time, IdempotencyTable.MINUTE_MS) - Math.floorDiv(decidedAt, IdempotencyTable.MINUTE_MS)
            < WINDOW_MS / IdempotencyTable.MINUTE_MS;
    }
}
