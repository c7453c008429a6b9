package dev.surge.gateway.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.gateway.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static String json(History h, Predicate<String> keys) throws IOException {
        ByteBuf b = Unpooled.buffer();
        try (JsonGenerator g = Json.generator(b)) {
            h.write(g, keys);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static void sample(History h, long time, String key, double value) {
        h.begin(time);
        h.put(key, value);
        h.end();
    }

    @Test
    void keepsTheLastSamplesOldestFirst() throws IOException {
        History h = new History(3, 10);
        for (int i = 1; i <= 5; i++) {
            sample(h, i * 1000L, "s", i * 10);
        }
        assertEquals(3, h.size());
        assertEquals("{\"t\":[3000,4000,5000],\"series\":{\"s\":[30,40,50]}}", json(h, k -> true));
    }

    @Test
    void aSeriesMissingFromASampleIsGoneAndANewOneStartsWithGaps() throws IOException {
        History h = new History(4, 10);
        h.begin(1);
        h.put("old", 1);
        h.put("kept", 1);
        h.end();
        h.begin(2);
        h.put("kept", 2.5);
        h.put("new", 7);
        h.end();
        assertEquals("{\"t\":[1,2],\"series\":{\"kept\":[1,2.5],\"new\":[null,7]}}", json(h, k -> true));
        assertEquals("{\"t\":[1,2],\"series\":{\"new\":[null,7]}}", json(h, k -> k.equals("new")));
    }

    @Test
    void seriesAreBoundedAndNaNIsAGap() throws IOException {
        History h = new History(2, 2);
        h.begin(1);
        h.put("a", Double.NaN);
        h.put("b", 1.0 / 3);
        h.put("c", 3); // over the bound: not kept
        h.end();
        assertEquals(2, h.seriesCount());
        assertEquals("{\"t\":[1],\"series\":{\"a\":[null],\"b\":[0.33]}}", json(h, k -> true));
    }
}
