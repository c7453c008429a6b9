package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.SkuKind;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CodeIndexTest {
    private final EngineState state = new EngineState(StateConfig.randomKey());

    @Test
    void findsEveryCodeOfEveryPoolAcrossLoadsThatGrowTheTable() {
        Campaign c = state.addCampaign("spring");
        Sku video = state.addSku(c, "video", SkuKind.CODE);
        Sku music = state.addSku(c, "music", SkuKind.CODE);
        int[] loads = {1, 300, 700, 5, 2_000, 511, 4_096};
        for (int n = 0; n < loads.length; n++) {
            load(n % 2 == 0 ? video : music, "L" + n + "-", loads[n]);
        }
        int total = 0;
        for (int n = 0; n < loads.length; n++) {
            Sku sku = n % 2 == 0 ? video : music;
            for (int i = 0; i < loads[n]; i++) {
                long entry = find("L" + n + "-" + i);
                assertEquals(sku.index, (int) (entry >>> 32), "L" + n + "-" + i);
                assertEquals("L" + n + "-" + i, sku.pool.text((int) entry));
            }
            total += loads[n];
        }
        assertEquals(total, state.codes.size());
        assertEquals(CodeIndex.MISSING, find("L0-1"));
        assertEquals(CodeIndex.MISSING, find("nope"));
        assertEquals(7_613, total);
        assertEquals(8L * 16_384, state.codes.bytesRetained(), "the least power of two at most half full");
    }

    /** An upload that outgrows the pool's arrays and the index stops the writer: counted, as /metrics shows it. */
    @Test
    void uploadsThatGrowThePoolAndTheIndexAreCounted() {
        Sku video = state.addSku(state.addCampaign("spring"), "video", SkuKind.CODE);
        load(video, "A-", 10);
        assertEquals(0, state.growth.count(), "ten codes fit the first arrays and table");
        load(video, "B-", 2_000); // the pool's ends past 64, its arena past 1 KiB, the index past 512 codes
        long grown = state.growth.count();
        assertTrue(grown >= 3, "pool and index growths counted: " + grown);
        assertTrue(state.growth.longestNanos() > 0 && state.growth.totalNanos() >= state.growth.longestNanos());
    }

    @Test
    void aDeferredIndexIsBuiltAtItsFinalSizeByTheFirstFind() {
        Campaign c = state.addCampaign("spring");
        Sku video = state.addSku(c, "video", SkuKind.CODE);
        load(video, "A-", 100);
        state.codes.defer();
        load(video, "B-", 3_000);
        assertEquals(3_100, state.codes.size());
        assertEquals(8L * 1_024, state.codes.bytesRetained(), "not grown while deferred");
        assertEquals(100, (int) find("B-0"));
        assertEquals(8L * 8_192, state.codes.bytesRetained());
        load(video, "C-", 10);
        assertEquals(3_109, (int) find("C-9"), "indexed as loaded again");
        assertEquals(0, (int) find("A-0"));
    }

    private void load(Sku sku, String prefix, int n) {
        int first = sku.pool.size;
        for (int i = 0; i < n; i++) {
            byte[] b = (prefix + i).getBytes(StandardCharsets.UTF_8);
            sku.pool.add(new UnsafeBuffer(b), 0, b.length);
        }
        state.codes.addAll(sku.index, first, sku.pool.size);
    }

    private long find(String code) {
        byte[] b = code.getBytes(StandardCharsets.UTF_8);
        return state.codes.find(new UnsafeBuffer(b), 0, b.length);
    }
}
