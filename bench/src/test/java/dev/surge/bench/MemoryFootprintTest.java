package dev.surge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory tool runs on tiny inputs and reports every figure (their size is measured elsewhere). */
class MemoryFootprintTest {
    @Test
    void measuresUsersAndCodes() throws Exception {
        MemoryFootprint.Result r = MemoryFootprint.measure(20_000, 20_000);
        assertEquals(20_000, r.users());
        assertEquals(20_000, r.codes());
        // whole per-user state includes the limit state, and a code costs at least its text
        assertTrue(Double.isFinite(r.limitBytesPerUser()) && Double.isFinite(r.stateBytesPerUser()), r.toString());
        assertTrue(r.bytesPerCode() >= r.codeTextBytes(), r.toString());
    }

    @Test
    void codesAreDistinctAndShapedLikeCardCodes() {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (long n = 0; n < 50_000; n++) {
            FlashSale.code(a, n);
            assertTrue(a.toString().matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"), a.toString());
            assertTrue(seen.add(a.toString()), "duplicate code " + a);
        }
        FlashSale.code(b, 7);
        FlashSale.code(a, 7);
        assertEquals(a.toString(), b.toString());
    }
}
