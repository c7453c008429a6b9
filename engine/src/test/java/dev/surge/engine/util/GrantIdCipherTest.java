package dev.surge.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GrantIdCipherTest {
    private final GrantIdCipher cipher = new GrantIdCipher(new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L));

    @Test
    void everyGrantNumberComesBackFromItsId() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            int g = i < 50_000 ? i : r.nextInt(Integer.MAX_VALUE);
            cipher.encrypt(g);
            assertEquals(g, cipher.decrypt(cipher.hi(), cipher.lo()), "grant " + g);
        }
        cipher.encrypt(Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, cipher.decrypt(cipher.hi(), cipher.lo()));
    }

    /**
     * Known answers: the permutation may never change, or the grant ids in a journal would no
     * longer be their grants' (recovery checks each one).
     */
    @Test
    void theIdsOfAKeyNeverChange() {
        int[] numbers = {0, 1, 2, 3, 4, 5, 1_000_003, Integer.MAX_VALUE};
        long[] his = {0x1c17af5236b8700aL, 0x3ac5b84f3bbacb7bL, 0x1231837bfe1e2ffaL, 0x47e180b3c9dafe10L,
            0x6de5f41ae276559dL, 0xa0620c7a95f77c26L, 0xaf645e9c6fd26a33L, 0x4d57e790f55fbc46L};
        int[] los = {0x385bc66a, 0xf591b113, 0x4802595d, 0xe3c9c695, 0x5cb9c1a0, 0x73ad9c85, 0x4e89a6fe, 0xfb5bc706};
        for (int i = 0; i < numbers.length; i++) {
            cipher.encrypt(numbers[i]);
            assertEquals(his[i], cipher.hi(), "hi of " + numbers[i]);
            assertEquals(los[i], cipher.lo(), "lo of " + numbers[i]);
        }
        GrantIdCipher orders = new GrantIdCipher(new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L), "order-ids");
        orders.encrypt(7);
        assertEquals(0x1624b3afd262bc98L, orders.hi());
        assertEquals(0x7e73139d, orders.lo());
    }

    @Test
    void idsNeverCollideAndShowNoCount() {
        Set<String> seen = new HashSet<>();
        long sameTopBits = 0;
        long previousHi = 0;
        for (int g = 0; g < 200_000; g++) {
            cipher.encrypt(g);
            assertTrue(seen.add(cipher.hi() + ":" + cipher.lo()), "id of grant " + g + " repeats");
            // consecutive numbers give unrelated ids: the top 16 bits agree about 1 time in 65,536
            if (g > 0 && (cipher.hi() >>> 48) == (previousHi >>> 48)) {
                sameTopBits++;
            }
            previousHi = cipher.hi();
        }
        assertTrue(sameTopBits < 20, "neighbouring ids share their top bits " + sameTopBits + " times");
    }

    @Test
    void madeUpIdsAndFlippedBitsAreNoGrant() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(GrantIdCipher.NOT_AN_ID, cipher.decrypt(r.nextLong(), r.nextInt()));
        }
        cipher.encrypt(12_345);
        long hi = cipher.hi();
        int lo = cipher.lo();
        for (int bit = 0; bit < 64; bit++) {
            assertEquals(GrantIdCipher.NOT_AN_ID, cipher.decrypt(hi ^ (1L << bit), lo), "hi bit " + bit);
        }
        for (int bit = 0; bit < 32; bit++) {
            assertEquals(GrantIdCipher.NOT_AN_ID, cipher.decrypt(hi, lo ^ (1 << bit)), "lo bit " + bit);
        }
    }

    @Test
    void anotherKeyGivesOtherIdsThatItsCipherDoesNotRead() {
        GrantIdCipher other = new GrantIdCipher(new SipHash(1, 2));
        cipher.encrypt(5);
        other.encrypt(5);
        assertNotEquals(cipher.hi(), other.hi());
        assertEquals(GrantIdCipher.NOT_AN_ID, other.decrypt(cipher.hi(), cipher.lo()));
    }

    @Test
    void anIdIsTheGrantsWhetherJustMadeOrNot() {
        cipher.encrypt(7);
        long hi7 = cipher.hi();
        int lo7 = cipher.lo();
        assertTrue(cipher.isIdOf(hi7, lo7, 7));
        assertFalse(cipher.isIdOf(hi7, lo7, 8));
        assertFalse(cipher.isIdOf(hi7 ^ 1, lo7, 7));
        cipher.encrypt(9);
        assertTrue(cipher.isIdOf(hi7, lo7, 7), "not the last one made: decrypted");
        assertFalse(cipher.isIdOf(cipher.hi(), cipher.lo(), 7));
    }

    @Test
    void theIdDependsOnlyOnKeyAndNumber() {
        GrantIdCipher same = new GrantIdCipher(new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
        cipher.encrypt(99);
        same.encrypt(1);
        same.encrypt(99);
        assertEquals(cipher.hi(), same.hi());
        assertEquals(cipher.lo(), same.lo());
    }

    @Test
    void anIdDecryptedByAnotherCipherUnderTheSameKeyIsKnownAndOnlyForItsGrant() {
        GrantIdCipher reader = new GrantIdCipher(new SipHash(0x1234, 0x5678));
        GrantIdCipher applier = new GrantIdCipher(new SipHash(0x1234, 0x5678));
        reader.encrypt(41);
        long hi = reader.hi();
        int lo = reader.lo();
        applier.known(reader.decrypt(hi, lo), hi, lo);
        assertTrue(applier.isIdOf(hi, lo, 41));
        assertFalse(applier.isIdOf(hi, lo, 42), "the memo holds for its grant only");
        applier.known(GrantIdCipher.NOT_AN_ID, hi ^ 1, lo);
        assertFalse(applier.isIdOf(hi ^ 1, lo, 41), "a made-up id is never taken for a grant's");
    }
}
