package dev.surge.gateway.admin;

import dev.surge.engine.ResultCode;
import dev.surge.engine.util.GrantIds;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.ParsedCall;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.JsonBody;
import dev.surge.gateway.json.SupplierJson;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /admin/refunds/redrive} (docs/api.md#admin-api-admin, docs/refunds.md): the FAILED
 * refunds of an order and a payment provider (or all) are owed again. A ring command journaled with
 * who asked, as a delivery re-drive is; the refund agent reads the re-driven refunds back from
 * the engine when it sees the event.
 */
public final class RefundAdminApi {

    /** A re-drive as journaled: of one order unless {@code anyOrder}, of a provider unless empty. */
    private record Redrive(boolean anyOrder, long orderHi, int orderLo, String provider, String actor) {
    }

    public void redrive(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> parse(body, offset, length, DeliveryAdminApi.address(x.clientIp())),
            (p, slot, r) -> p.writer.redriveRefunds(slot, p.now(), r.actor, r.anyOrder, r.orderHi, r.orderLo,
                r.provider),
            (call, slot, v, r) -> v.result != ResultCode.OK ? call.invalid(v.message)
                : Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeNumberField("redriven", v.count);
                    g.writeStringField("requestedBy", r.actor);
                    g.writeEndObject();
                }));
    }

    /** Strict like the other admin bodies: an unknown field is an error naming it. */
    private static Redrive parse(byte[] body, int offset, int length, String address) throws BadRequest {
        String[] text = {null, "", null};
        JsonBody.readObject(body, offset, length, (name, p) -> {
            switch (name) {
                case "orderId" -> text[0] = JsonBody.string(p, "orderId");
                case "provider" -> {
                    String provider = JsonBody.id(p, "provider");
                    text[1] = provider == null ? "" : provider;
                }
                case "requestedBy" -> text[2] = JsonBody.text(p, "requestedBy", SupplierJson.MAX_REQUESTED_BY);
                default -> {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field");
                }
            }
        });
        JsonBody.required(text[2], "requestedBy");
        long[] id = new long[2];
        if (text[0] != null && !GrantIds.parseOrder(text[0], id)) {
            throw BadRequest.invalid("orderId", "not an order id (o_...)");
        }
        return new Redrive(text[0] == null, id[0], (int) id[1], text[1], text[2] + " via " + address);
    }
}
