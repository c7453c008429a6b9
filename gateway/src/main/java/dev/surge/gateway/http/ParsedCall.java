package dev.surge.gateway.http;

import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.gateway.engine.Publisher;
import dev.surge.gateway.json.BadRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * An {@link ExchangeCall} for a request that is parsed first: a request that does not parse is
 * answered with its {@link BadRequest} at once and never reaches the ring; one that does becomes
 * one command, and the engine's answer is rendered from it. Parsing runs on the event loop, the
 * writer on the publishing thread, the renderer on the journal thread; the parsed request is
 * immutable once built, so all three may read it.
 *
 * @param <T> what the parser makes of the request
 */
public final class ParsedCall<T> extends ExchangeCall {

    /** Reads the request (path, query, body). On the event loop. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse() throws BadRequest;
    }

    /** Writes the parsed request's command into the ring slot. On the publishing thread. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(Publisher publisher, CommandSlot slot, T request);
    }

    /** The response for the engine's answer; {@code call} offers its error helpers. On the journal thread. */
    @FunctionalInterface
    public interface Renderer<T> {
        FullHttpResponse render(ExchangeCall call, CommandSlot slot, ReplyView view, T request);
    }

    private final T request;
    private final Writer<T> writer;
    private final Renderer<T> renderer;

    private ParsedCall(Exchange x, T request, Writer<T> writer, Renderer<T> renderer) {
        super(x);
        this.request = request;
        this.writer = writer;
        this.renderer = renderer;
    }

    /** Parses the request, then answers it with 4xx or publishes its command. On the event loop. */
    public static <T> void publish(Exchange x, Parser<T> parser, Writer<T> writer, Renderer<T> renderer) {
        T request;
        try {
            request = parser.parse();
        } catch (BadRequest e) {
            x.respond(Responses.error(x.alloc(), e));
            return;
        }
        new ParsedCall<>(x, request, writer, renderer).publish();
    }

    @Override
    public void writeCommand(Publisher publisher, CommandSlot slot) {
        writer.write(publisher, slot, request);
    }

    @Override
    protected FullHttpResponse render(CommandSlot slot, ReplyView view) {
        return renderer.render(this, slot, view, request);
    }
}
