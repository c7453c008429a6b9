package dev.surge.gateway.error;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The {@code error.code} values of docs/api.md#error-codes and the HTTP status each is sent with. */
public enum ErrorCode {
    MALFORMED_JSON(400),
    INVALID_FIELD(400),
    MISSING_FIELD(400),
    MALFORMED_REQUEST(400),
    UNAUTHORIZED(401),
    /** A payment notification whose provider is unknown or whose signature is wrong (docs/payments.md). */
    BAD_SIGNATURE(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    REQUEST_TIMEOUT(408),
    CONFLICT(409),
    BODY_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    IDEMPOTENCY_KEY_REUSED(422),
    /** A payment notification whose amount or currency is not its order's: refused, journaled. */
    AMOUNT_MISMATCH(422),
    RATE_LIMITED(429),
    HEADERS_TOO_LARGE(431),
    INTERNAL(500),
    NOT_IMPLEMENTED(501),
    OVERLOADED(503),
    NOT_READY(503),
    /** The engine halted (its journal failed): nothing more is acknowledged until a restart. */
    UNAVAILABLE(503);

    public final HttpResponseStatus status;

    ErrorCode(int status) {
        this.status = HttpResponseStatus.valueOf(status);
    }
}
