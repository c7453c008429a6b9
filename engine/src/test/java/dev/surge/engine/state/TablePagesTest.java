package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;

class TablePagesTest {
    @Test
    void aPageWithItsHeaderIsExactlyFourMebibytes() {
        long[] page = TablePages.page();
        assertEquals(4 << 20, BufferUtil.ARRAY_BASE_OFFSET + (long) page.length * Long.BYTES);
        // the slots that fit: all but the last
        assertEquals((IdempotencyTable.PAGE_SLOTS - 1) * 4, page.length - page.length % 4);
    }

    @Test
    void onlyAFullPagesLastSlotIsAbsent() {
        int mask = IdempotencyTable.PAGE_SLOTS - 1;
        assertTrue(TablePages.absent(mask, mask));
        assertTrue(TablePages.absent(3 * IdempotencyTable.PAGE_SLOTS + mask, mask));
        assertFalse(TablePages.absent(mask - 1, mask));
        assertFalse(TablePages.absent(IdempotencyTable.PAGE_SLOTS, mask));
    }
}
