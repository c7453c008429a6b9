package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One client, 100,000 Idempotency-Keys computed to land in one slot of the old unkeyed table
 * (under the old hash every one of them has the same low 20 bits, so a 2^18-slot table put them
 * all in one probe chain and each insert walked it: 120 µs each). Under the keyed identities they
 * scatter like random keys. The timings are printed for the record (docs/security.md), never
 * asserted; what is asserted is the structure: the longest probe run stays short.
 */
class HashFloodingTest {
    private static final int KEYS = 100_000;
    private static final long SLOT_BITS = (1 << 20) - 1;

    @Test
    void keysCraftedToCollideUnderTheOldHashScatterUnderTheKeyedOne() {
        UnkeyedHashAttack attack = new UnkeyedHashAttack(7);
        SplittableRandom random = new SplittableRandom(7);
        List<String> crafted = new ArrayList<>(KEYS);
        List<String> plain = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            // any old key whose low 20 bits are 0: the high bits are free, so each key is a fresh solve
            String key = attack.keyFor("mallory", random.nextLong() & ~SLOT_BITS);
            assertEquals(0, UnkeyedHashAttack.oldClaimKey("mallory", key) & SLOT_BITS);
            crafted.add(key);
            plain.add(randomKey(random));
        }
        run(plain.subList(0, 20_000)); // warm-up
        long plainNs = run(plain);
        long craftedNs = run(crafted);
        long plainAgain = run(plain);
        int longest = longestRun(crafted);
        System.out.printf("hash flooding: %,d claims with crafted keys %.0f ns/claim, random keys %.0f ns/claim "
                + "(twice: %.0f), ratio %.2f; longest probe run %d (random keys: %d)%n", KEYS,
            (double) craftedNs / KEYS, (double) plainNs / KEYS, (double) plainAgain / KEYS,
            (double) craftedNs / Math.min(plainNs, plainAgain), longest, longestRun(plain));
        assertTrue(longest < 200, "crafted keys must not pile up in one run: " + longest);
    }

    private static String randomKey(SplittableRandom random) {
        StringBuilder sb = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            sb.append((char) (0x21 + random.nextInt(94)));
        }
        return sb.toString();
    }

    private static EngineDriver sale() {
        EngineDriver d = new EngineDriver(11);
        CampaignSpec spec = EngineDriver.campaign("c2", 1);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        d.upsert(spec);
        d.load("c2", "card", EngineDriver.codes("C-", 10));
        return d;
    }

    /** Nanoseconds to decide one claim per key (each one remembered: LIMIT_REACHED after the first). */
    private static long run(List<String> keys) {
        EngineDriver d = sale();
        long start = System.nanoTime();
        for (String key : keys) {
            d.claim("mallory", key, "c2", "card");
        }
        long ns = System.nanoTime() - start;
        assertEquals(keys.size(), d.machine.idempotencyRecords());
        return ns;
    }

    private static int longestRun(List<String> keys) {
        EngineDriver d = sale();
        for (String key : keys) {
            d.claim("mallory", key, "c2", "card");
        }
        return d.machine.idempotencyLongestRun();
    }
}
