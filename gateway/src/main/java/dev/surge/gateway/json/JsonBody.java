package dev.surge.gateway.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.surge.engine.util.Ids;
import dev.surge.gateway.error.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON object body field by field with Jackson's streaming parser, turning anything
 * malformed (bad syntax, invalid UTF-8, duplicate keys, trailing data) into
 * {@code MALFORMED_JSON} and wrong value types into {@code INVALID_FIELD} naming the field.
 * Used on event loops; allocates only what it returns.
 */
public final class JsonBody {
    private JsonBody() {
    }

    /** Receives one field; the parser stands on the field's value. */
    @FunctionalInterface
    public interface FieldVisitor {
        void field(String name, JsonParser p) throws IOException, BadRequest;
    }

    /** Reads one field's value; the parser stands on it. */
    @FunctionalInterface
    public interface ValueReader<T> {
        T read(JsonParser p, String field) throws IOException, BadRequest;
    }

    /**
     * The value of the one field a body object holds ({@code {"delta": 5}}): missing is 400
     * MISSING_FIELD, any other field 400 INVALID_FIELD.
     */
    public static <T> T onlyField(byte[] bytes, int offset, int length, String field, ValueReader<T> reader)
        throws BadRequest {
        List<T> value = new ArrayList<>(1);
        readObject(bytes, offset, length, (name, p) -> {
            if (name.equals(field)) {
                value.clear();
                value.add(reader.read(p, field));
            } else {
                p.skipChildren();
                throw BadRequest.invalid(name, "unknown field");
            }
        });
        if (value.isEmpty()) {
            throw BadRequest.missing(field);
        }
        return value.get(0);
    }

    public static void readObject(byte[] bytes, int offset, int length, FieldVisitor visitor) throws BadRequest {
        if (length == 0) {
            throw new BadRequest(ErrorCode.MALFORMED_JSON, "body: a JSON object is required", null);
        }
        try (JsonParser p = Json.parser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequest(ErrorCode.MALFORMED_JSON, "body: must be a JSON object", null);
            }
            readFields(p, visitor);
            if (p.nextToken() != null) {
                throw new BadRequest(ErrorCode.MALFORMED_JSON, "body: unexpected data after the JSON object", null);
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new BadRequest(ErrorCode.MALFORMED_JSON, "body: unreadable JSON", null);
        }
    }

    /** Reads the fields of the object the parser has just entered, up to its end. */
    public static void readFields(JsonParser p, FieldVisitor visitor) throws IOException, BadRequest {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            visitor.field(name, p);
        }
        if (t != JsonToken.END_OBJECT) {
            throw new BadRequest(ErrorCode.MALFORMED_JSON, "body: unterminated object", null);
        }
    }

    static BadRequest malformed(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        String why;
        if (m != null && m.contains("UTF-8")) {
            why = "body: invalid UTF-8";
        } else if (m != null && m.startsWith("Duplicate field")) {
            why = "body: " + m;
        } else if (e instanceof StreamConstraintsException) {
            why = "body: " + m;
        } else if (e instanceof JsonParseException pe && pe.getLocation() != null) {
            why = "body: malformed JSON at line " + pe.getLocation().getLineNr() + ", column "
                + pe.getLocation().getColumnNr();
        } else {
            why = "body: malformed JSON";
        }
        return new BadRequest(ErrorCode.MALFORMED_JSON, why, null);
    }

    /** A string value, or null for JSON null. */
    public static String string(JsonParser p, String field) throws IOException, BadRequest {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw BadRequest.invalid(field, "must be a string");
        }
        return p.getText();
    }

    /** An id of the shape {@link Ids} demands, or null for JSON null. */
    public static String id(JsonParser p, String field) throws IOException, BadRequest {
        String s = string(p, field);
        if (s != null && !Ids.isValid(s)) {
            throw new BadRequest(ErrorCode.INVALID_FIELD, Ids.describe(field), field);
        }
        return s;
    }

    public static long integer(JsonParser p, String field, long min, long max) throws IOException, BadRequest {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            throw BadRequest.invalid(field, "must be a whole number");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw BadRequest.invalid(field, "must be " + min + " to " + max);
        }
        long v = p.getLongValue();
        if (v < min || v > max) {
            throw BadRequest.invalid(field, "must be " + min + " to " + max);
        }
        return v;
    }

    public static <T extends CharSequence> T required(T value, String field) throws BadRequest {
        if (value == null) {
            throw BadRequest.missing(field);
        }
        return value;
    }

    /** 1-{@code max} characters, none of them control characters. */
    public static String text(JsonParser p, String field, int max) throws IOException, BadRequest {
        String s = string(p, field);
        if (s == null) {
            return null;
        }
        if (s.isEmpty() || s.length() > max) {
            throw BadRequest.invalid(field, "must be 1-" + max + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw BadRequest.invalid(field, "must not contain control characters");
            }
        }
        return s;
    }
}
