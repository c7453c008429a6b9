package dev.surge.gateway.http;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.NoAnswer;
import dev.surge.gateway.engine.RingCall;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.json.BadRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;

/**
 * A {@link RingCall} that answers an HTTP {@link Exchange}: renders the engine's reply into a
 * response on the journal thread (or the cluster client's, docs/cluster.md) and hands it to the
 * exchange's event loop. A halted engine, a batch the journal failed or an answer the engine
 * could not give ({@link NoAnswer}) is an error instead.
 */
public abstract class ExchangeCall implements RingCall {
    protected final Exchange x;

    protected ExchangeCall(Exchange x) {
        this.x = x;
    }

    @Override
    public final void onReply(CommandSlot slot, ReplyView view) {
        FullHttpResponse r;
        if (slot.answer instanceof NoAnswer no) {
            r = noAnswer(x, no);
        } else if (slot.result == ResultCode.UNAVAILABLE || !slot.journaled) {
            r = unavailable(x);
        } else {
            try {
                r = renderDirect(slot);
                if (r == null) {
                    view.read(slot.type, slot.reply, slot.replyLength);
                    r = render(slot, view);
                }
            } catch (RuntimeException e) {
                r = Responses.error(x.alloc(), ErrorCode.INTERNAL, "internal error rendering the answer");
                org.slf4j.LoggerFactory.getLogger(ExchangeCall.class).error("rendering {} failed", slot.type, e);
            }
        }
        x.completeFromAnyThread(r);
    }

    /**
     * On the journal thread: the response written straight from the slot's reply bytes, or null
     * to have {@link #render} make it from the reply read into a view.
     */
    protected FullHttpResponse renderDirect(CommandSlot slot) {
        return null;
    }

    /** On the journal thread: the response for the engine's answer. */
    protected abstract FullHttpResponse render(CommandSlot slot, ReplyView view);

    /** Publishes this call, or answers at once when it cannot be. On the event loop. */
    public final void publish() {
        ServerContext s = x.connection().server();
        Engine engine = s.engine();
        if (engine == null) {
            x.respond(Responses.error(x.alloc(), ErrorCode.NOT_READY, "still recovering; retry shortly"));
        } else if (engine.halted()) {
            String why = engine.unavailableReason();
            x.respond(why == null ? unavailable(x) : Responses.error(x.alloc(), ErrorCode.UNAVAILABLE, why));
        } else if (!engine.publish(this)) {
            s.metrics.overloaded();
            x.respond(Responses.error(x.alloc(), ErrorCode.OVERLOADED, "the engine is saturated; retry shortly"));
        }
    }

    public FullHttpResponse error(ErrorCode code, String message, String field) {
        return Responses.error(x.alloc(), code, message, field);
    }

    /** 400 naming the field of an engine message of the form "field: what is wrong". */
    public FullHttpResponse invalid(String engineMessage) {
        return Responses.error(x.alloc(), BadRequest.fromEngine(engineMessage));
    }

    /** A list query's answer: the list the writer thread put in the slot, or empty when it put none. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> listAnswer(CommandSlot slot) {
        return slot.answer instanceof List<?> l ? (List<T>) l : List.of();
    }

    /** The error for an answer the engine could not give (a cluster out of reach, a command or answer too large). */
    static FullHttpResponse noAnswer(Exchange x, NoAnswer no) {
        ErrorCode code = switch (no.reason()) {
            case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            case COMMAND_TOO_LARGE -> ErrorCode.BODY_TOO_LARGE;
            case ANSWER_TOO_LARGE -> ErrorCode.NOT_IMPLEMENTED;
        };
        return Responses.error(x.alloc(), code, no.message());
    }

    static FullHttpResponse unavailable(Exchange x) {
        return Responses.error(x.alloc(), ErrorCode.UNAVAILABLE,
            "the engine has halted and accepts nothing more; restart to recover from the journal");
    }
}
