package dev.surge.gateway.json;

import dev.surge.gateway.error.ErrorCode;

/**
 * A request that cannot reach a decision: its error code, a message for the caller and the
 * field at fault. Thrown while parsing a body on the event loop and caught right there; it
 * records no stack trace (it reports a client's mistake, not a bug).
 */
public final class BadRequest extends Exception {
    private final ErrorCode code;
    private final String field;

    public BadRequest(ErrorCode code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    public static BadRequest missing(String field) {
        return new BadRequest(ErrorCode.MISSING_FIELD, field + ": is required", field);
    }

    public static BadRequest invalid(String field, String what) {
        return new BadRequest(ErrorCode.INVALID_FIELD, field + ": " + what, field);
    }

    /** From an engine message of the form "field: what is wrong". */
    public static BadRequest fromEngine(String message) {
        return new BadRequest(ErrorCode.INVALID_FIELD, message, fieldOf(message));
    }

    /** The field named before the first ": " of an engine message, or null. */
    public static String fieldOf(String message) {
        int colon = message == null ? -1 : message.indexOf(": ");
        if (colon <= 0) {
            return null;
        }
        String field = message.substring(0, colon);
        return field.indexOf(' ') >= 0 ? null : field;
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }
}
