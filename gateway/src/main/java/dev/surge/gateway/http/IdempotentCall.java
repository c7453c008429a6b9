package dev.surge.gateway.http;

import dev.surge.engine.reply.ReplyView;
import dev.surge.gateway.error.ErrorCode;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * An {@link ExchangeCall} for a decision that takes an optional Idempotency-Key (claims and
 * redemptions): the key, the server's metrics for first answers, the 409 for a key reused on a
 * different request, and the Idempotent-Replayed mark on a repeated one.
 */
abstract class IdempotentCall extends ExchangeCall {
    protected final ServerContext server;
    /**
     * The request's Idempotency-Key, or null: possibly a view over the request's bytes, read only
     * while the command is written (inside {@link #publish}).
     */
    protected final CharSequence key;

    IdempotentCall(Exchange x, ServerContext server, CharSequence key) {
        super(x);
        this.server = server;
        this.key = key;
    }

    /** The answer when the engine reports IDEMPOTENCY_KEY_REUSED. */
    protected FullHttpResponse keyReused() {
        return error(ErrorCode.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key: already used for a different request",
            "Idempotency-Key");
    }

    /** {@code r}, marked Idempotent-Replayed when the engine answered from its idempotency table. */
    protected static FullHttpResponse markIfReplayed(FullHttpResponse r, ReplyView v) {
        if (v.replayed) {
            Responses.markReplayed(r);
        }
        return r;
    }
}
