package dev.surge.gateway.ops;

import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.http.ServerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.util.concurrent.Executor;

/**
 * Health and metrics, without the ring. Health is answered on the event loop; {@code /metrics} is
 * rendered on the executor given ({@code surge-dispatch}) and handed back: rendered on the event
 * loop while its code was still cold (a scrape every 15 s keeps it cold), it held the claims behind
 * it on that loop for 40-100 ms under load (docs/architecture.md, "Threads").
 * {@code /health/live} is 200 whenever the process serves HTTP; {@code /health/ready} is 200
 * once recovery is done (in front of a cluster: once the gateway has loaded what it keeps of the
 * cluster's state) and while the engine takes commands (the ring has not halted; the cluster
 * client has a session, docs/cluster.md).
 */
public final class OpsApi {
    private static final AsciiString PROMETHEUS = AsciiString.cached("text/plain; version=0.0.4; charset=utf-8");
    private final ServerContext server;
    private final Executor renderer;

    public OpsApi(ServerContext server, Executor renderer) {
        this.server = server;
        this.renderer = renderer;
    }

    public void live(Exchange x) {
        x.respond(status(x, HttpResponseStatus.OK, "UP"));
    }

    public void ready(Exchange x) {
        Engine engine = server.engine();
        String unavailable = engine == null ? null : engine.unavailableReason();
        if (engine == null) {
            x.respond(Responses.error(x.alloc(), ErrorCode.NOT_READY, "still recovering"));
        } else if (unavailable != null) {
            x.respond(Responses.error(x.alloc(), ErrorCode.UNAVAILABLE, unavailable));
        } else {
            x.respond(status(x, HttpResponseStatus.OK, "READY"));
        }
    }

    private static FullHttpResponse status(Exchange x, HttpResponseStatus code, String status) {
        return Responses.json(x.alloc(), code, g -> {
            g.writeStartObject();
            g.writeStringField("status", status);
            g.writeEndObject();
        });
    }

    public void metrics(Exchange x) {
        x.respondFrom(renderer, this::renderMetrics);
    }

    private FullHttpResponse renderMetrics() {
        StringBuilder text = new StringBuilder(server.metrics.render(server.engine(), server.redeemers.size()));
        server.deliveries.render(text);
        server.refunds.render(text);
        return Responses.text(HttpResponseStatus.OK, text.toString(), PROMETHEUS);
    }
}
