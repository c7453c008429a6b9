package dev.surge.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.delivery.WireJson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request body that is one flat JSON object (strings, integers, booleans, nulls), read with the
 * supplier protocol's parser ({@link WireJson}: duplicate keys are an error), and its typed
 * fields. Every refusal is an IllegalArgumentException whose message names the field, which the
 * simulators answer with 400. Not thread-safe; one per request.
 */
final class FlatJson {
    private final Map<String, Object> fields;

    private FlatJson(Map<String, Object> fields) {
        this.fields = fields;
    }

    static FlatJson parse(byte[] body) {
        Map<String, Object> m = new LinkedHashMap<>();
        try (JsonParser p = WireJson.parser(body, 0, body.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (t) {
                    case VALUE_STRING -> m.put(name, p.getText());
                    case VALUE_NUMBER_INT -> m.put(name, p.getNumberValue());
                    case VALUE_TRUE, VALUE_FALSE -> m.put(name, t == JsonToken.VALUE_TRUE);
                    case VALUE_NULL -> m.put(name, null);
                    default -> throw new IllegalArgumentException(name + ": must be a string, an integer or a boolean");
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("the body must be one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        return new FlatJson(m);
    }

    /** A string field, or null when absent or null. */
    String string(String name) {
        Object v = fields.get(name);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException(name + ": must be a string");
        }
        return (String) v;
    }

    String requiredString(String name) {
        String s = string(name);
        if (s == null) {
            throw new IllegalArgumentException(name + ": required");
        }
        return s;
    }

    /** An integer field within [min, max], or {@code absent} when absent or null. */
    long integer(String name, long absent, long min, long max) {
        Object v = fields.get(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new IllegalArgumentException(name + ": must be an integer in " + min + ".." + max);
        }
        long n = ((Number) v).longValue();
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + ": must be an integer in " + min + ".." + max);
        }
        return n;
    }
}
