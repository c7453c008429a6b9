package dev.surge.gateway.admin;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.gateway.http.EngineProxy;
import dev.surge.gateway.http.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.ExchangeCall;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.CampaignJson;
import dev.surge.gateway.json.SupplierJson;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The delivery side of the admin API (SPEC §3, §4): {@code PUT /admin/suppliers/{id}} and
 * {@code POST /admin/deliveries/redrive}. Both are ring commands, journaled like every change: the
 * supplier's configuration (its secret sealed in the journal, never echoed), and the re-drive with
 * who asked for it. The dispatcher picks both up from the journaled events.
 */
public final class DeliveryAdminApi {

    private static void fail(Exchange x, BadRequest e) {
        x.respond(Responses.error(x.alloc(), e.code(), e.getMessage(), e.field()));
    }

    // ---- PUT /admin/suppliers/{id} ----------------------------------------------------------------

    public void putSupplier(Exchange x, byte[] body, int offset, int length) {
        String id;
        SupplierJson.Supplier s;
        try {
            id = CampaignJson.pathId(x.param1(), "id");
            s = SupplierJson.supplier(body, offset, length);
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.configureSupplier(slot, p.now(), id, s.url(), s.timeoutMs(), s.maxConcurrency(), s.secret());
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                if (v.result != ResultCode.OK) {
                    return invalid(v.message);
                }
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeStringField("supplierId", id);
                    g.writeStringField("url", s.url());
                    g.writeNumberField("timeoutMs", s.timeoutMs());
                    g.writeNumberField("maxConcurrency", s.maxConcurrency());
                    g.writeEndObject();
                });
            }
        }.publish();
    }

    // ---- POST /admin/deliveries/redrive --------------------------------------------------------------

    public void redrive(Exchange x, byte[] body, int offset, int length) {
        SupplierJson.Redrive r;
        try {
            r = SupplierJson.redrive(body, offset, length);
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        String actor = (r.requestedBy() == null ? "admin" : r.requestedBy()) + " via " + address(x.clientIp());
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.redriveDeliveries(slot, p.now(), actor, r.campaign(), r.supplier(), r.from(), r.to());
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                return switch (v.result) {
                    case UNKNOWN_CAMPAIGN -> error(ErrorCode.NOT_FOUND, "campaign " + r.campaign() + " not found",
                        "campaignId");
                    case OK -> Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                        g.writeStartObject();
                        g.writeStringField("result", "OK");
                        g.writeNumberField("redriven", v.count);
                        g.writeStringField("requestedBy", actor);
                        g.writeEndObject();
                    });
                    default -> invalid(v.message);
                };
            }
        }.publish();
    }

    private static String address(byte[] ip) {
        try {
            return ip == null ? "unknown" : InetAddress.getByAddress(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
