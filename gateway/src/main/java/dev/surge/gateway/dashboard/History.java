package dev.surge.gateway.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The last {@code capacity} samples of named series (stock left per SKU, claims per second...),
 * so that a page opened mid-sale draws the sell-down from before it was opened. One value per
 * series per sample, NaN where a series has none; a series missing from a sample is dropped (its
 * campaign or SKU is gone). Bounded: {@code capacity} samples of at most {@code maxSeries} series.
 *
 * <p>Threading: thread-safe (synchronized): the dashboard agent appends once a second, history
 * requests read.
 */
final class History {
    private final int capacity;
    private final int maxSeries;
    private final long[] times;
    private final Map<String, Series> series = new LinkedHashMap<>();
    /** Index of the newest sample; samples held; samples begun so far. */
    private int head = -1;
    private int size;
    private long sample;

    /** One series' values, aligned with {@link #times}, and the last sample that mentioned it. */
    private static final class Series {
        final double[] values;
        long lastSample;

        Series(int capacity) {
            values = new double[capacity];
            Arrays.fill(values, Double.NaN);
        }
    }

    History(int capacity, int maxSeries) {
        this.capacity = capacity;
        this.maxSeries = maxSeries;
        this.times = new long[capacity];
    }

    /** Starts a sample at {@code time} (epoch ms); {@link #put} its values, then {@link #end}. */
    synchronized void begin(long time) {
        head = (head + 1) % capacity;
        size = Math.min(size + 1, capacity);
        times[head] = time;
        sample++;
        for (Series v : series.values()) {
            v.values[head] = Double.NaN;
        }
    }

    /** A value of the current sample. A new series beyond {@code maxSeries} is ignored. */
    synchronized void put(String key, double value) {
        Series v = series.get(key);
        if (v == null) {
            if (series.size() >= maxSeries) {
                return;
            }
            v = new Series(capacity);
            series.put(key, v);
        }
        v.values[head] = value;
        v.lastSample = sample;
    }

    /** Ends the current sample: series it did not mention are gone. */
    synchronized void end() {
        series.values().removeIf(v -> v.lastSample != sample);
    }

    synchronized int size() {
        return size;
    }

    synchronized int seriesCount() {
        return series.size();
    }

    /** {@code {"t": [times...], "series": {key: [values or null...]}}}, oldest first, for the keys asked. */
    synchronized void write(JsonGenerator g, Predicate<String> keys) throws IOException {
        int first = (head - size + 1 + capacity) % capacity;
        g.writeStartObject();
        g.writeArrayFieldStart("t");
        for (int i = 0; i < size; i++) {
            g.writeNumber(times[(first + i) % capacity]);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("series");
        for (Map.Entry<String, Series> e : series.entrySet()) {
            if (!keys.test(e.getKey())) {
                continue;
            }
            g.writeArrayFieldStart(e.getKey());
            double[] values = e.getValue().values;
            for (int i = 0; i < size; i++) {
                number(g, values[(first + i) % capacity]);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Whole numbers without a fraction, others to two decimals, NaN as null: the shortest JSON. */
    static void number(JsonGenerator g, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNull();
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(Math.round(v * 100) / 100.0);
        }
    }
}
