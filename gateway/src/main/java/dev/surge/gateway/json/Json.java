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

    public static void timeField(JsonGenerator g, String name, long epochMillis) throws IOException {
        String t = time(epochMillis);
        if (t == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, t);
        }
    }
}
