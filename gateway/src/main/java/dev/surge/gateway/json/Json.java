package dev.surge.gateway.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The one Jackson streaming factory (no databind) and small helpers around it. Parsers reject
 * duplicate keys; generators write UTF-8 straight into a Netty buffer. Thread-safe.
 */
public final class Json {
    public static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private Json() {
    }

    public static JsonGenerator generator(ByteBuf out) {
        try {
            return FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(out), JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
        return FACTORY.createParser(bytes, offset, length);
    }

    /** ISO-8601 UTC, or null for "never" (Long.MAX_VALUE) and "not set" (0 where asked). */
    public static String time(long epochMillis) {
        return epochMillis == Long.MAX_VALUE ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Writes one element of an array. */
    @FunctionalInterface
    public interface ElementWriter<T> {
        void write(JsonGenerator g, T element) throws IOException;
    }

    /** Writes {@code "name": [...]}, one element after another. */
    public static <T> void arrayField(JsonGenerator g, String name, List<T> elements, ElementWriter<T> writer)
        throws IOException {
        g.writeArrayFieldStart(name);
        for (T e : elements) {
            writer.write(g, e);
        }
        g.writeEndArray();
    }

    public static void timeField(JsonGenerator g, String name, long epochMillis) throws IOException {
        String t = time(epochMillis);
        if (t == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, t);
        }
    }
}
