package dev.surge.gateway.admin;

import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.util.GrantIds;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.ExchangeCall;
import dev.surge.gateway.http.ParsedCall;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.JsonBody;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The grant side of the admin API (docs/lifecycle.md, docs/api.md#admin-api-admin):
 * {@code POST /admin/grants/{grantId}/revoke} and {@code /reissue}, each one ring command and one
 * journaled event with who asked and why. A refusal is 409 CONFLICT whose message starts with the
 * engine's result (REVOKED, ALREADY_REDEEMED, SOLD_OUT, NOT_REISSUABLE); an unknown grant is 404.
 */
public final class GrantAdminApi {
    static final int MAX_REASON = 500;
    static final int MAX_REQUESTED_BY = 100;

    /** A change to one grant, with why and who asked (as journaled). */
    private record Change(long hi, int lo, String grantId, String reason, String actor) {
    }

    public void revoke(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> change(x, body, offset, length),
            (p, slot, c) -> p.writer.revokeGrant(slot, p.now(), c.actor, c.reason, c.hi, c.lo),
            (call, slot, v, c) -> v.result == dev.surge.engine.ResultCode.OK
                ? Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeStringField("grantId", c.grantId);
                    g.writeStringField("status", "REVOKED");
                    g.writeStringField("requestedBy", c.actor);
                    g.writeEndObject();
                })
                : refusal(call, v, c));
    }

    public void reissue(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> change(x, body, offset, length),
            (p, slot, c) -> p.writer.reissueGrant(slot, p.now(), c.actor, c.reason, c.hi, c.lo),
            (call, slot, v, c) -> v.result == dev.surge.engine.ResultCode.OK
                ? Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeStringField("grantId", v.grantId());
                    g.writeStringField("reissuedFrom", c.grantId);
                    g.writeStringField("requestedBy", c.actor);
                    g.writeEndObject();
                })
                : refusal(call, v, c));
    }

    private static FullHttpResponse refusal(ExchangeCall call, ReplyView v, Change c) {
        return switch (v.result) {
            case NOT_FOUND -> call.error(ErrorCode.NOT_FOUND, "grant not found", null);
            case REVOKED -> call.error(ErrorCode.CONFLICT, "REVOKED: grant " + c.grantId + " is already revoked", null);
            case ALREADY_REDEEMED -> call.error(ErrorCode.CONFLICT, "ALREADY_REDEEMED: grant " + c.grantId
                + " was redeemed; it can no longer be revoked or re-issued", null);
            case SOLD_OUT -> call.error(ErrorCode.CONFLICT, "SOLD_OUT: no code left in the pool of grant " + c.grantId
                + "'s SKU; upload codes and try again", null);
            case NOT_REISSUABLE -> call.error(ErrorCode.CONFLICT, "NOT_REISSUABLE: only a grant of one CODE item is "
                + "re-issued (a recharge could land twice); revoke it instead", null);
            default -> call.invalid(v.message);
        };
    }

    private static Change change(Exchange x, byte[] body, int offset, int length) throws BadRequest {
        long[] id = new long[2];
        if (!GrantIds.parse(x.param1(), id)) {
            throw new BadRequest(ErrorCode.NOT_FOUND, "grant not found", null);
        }
        String[] text = new String[2];
        JsonBody.readObject(body, offset, length, (name, p) -> {
            switch (name) {
                case "reason" -> text[0] = JsonBody.text(p, "reason", MAX_REASON);
                case "requestedBy" -> text[1] = JsonBody.text(p, "requestedBy", MAX_REQUESTED_BY);
                default -> {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field");
                }
            }
        });
        String reason = JsonBody.required(text[0], "reason");
        String by = text[1] == null ? "admin" : text[1];
        return new Change(id[0], (int) id[1], x.param1(), reason, by + " via " + DeliveryAdminApi.address(x.clientIp()));
    }
}
