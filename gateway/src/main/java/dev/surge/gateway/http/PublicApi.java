package dev.surge.gateway.http;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.GrantSummary;
import dev.surge.engine.util.GrantIds;
import dev.surge.gateway.engine.Publisher;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.ClaimBody;
import dev.surge.gateway.json.ClaimReplyJson;
import dev.surge.gateway.json.Json;
import dev.surge.gateway.json.JsonBody;
import dev.surge.gateway.json.ReplyJson;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The public API ({@code /v1}, docs/api.md#public-api-v1): claims, redemptions and the owner's grant views.
 * Bodies are parsed on the event loop; each request becomes one ring command; the answer is
 * rendered on the journal thread. The user id always comes from the token, never the body.
 */
public final class PublicApi {
    public static final int DEFAULT_PAGE = 20;
    public static final int MAX_PAGE = 100;
    public static final int MAX_ACCOUNT = 64;
    public static final int MAX_CODE = 128;
    /** A user id, as a token's {@code sub}. */
    public static final int MAX_USER = 64;
    private static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("Idempotency-Key");

    private final ServerContext server;

    public PublicApi(ServerContext server) {
        this.server = server;
    }

    // ---- POST /v1/claims ---------------------------------------------------------------------

    public void claim(Exchange x, byte[] body, int offset, int length) {
        ClaimCall call = new ClaimCall(x, server, x.header(IDEMPOTENCY_KEY));
        try {
            ClaimBody read = ClaimBody.get();
            if (!read.read(body, offset, length, MAX_ACCOUNT)) {
                read.readWithJackson(body, offset, length, MAX_ACCOUNT);
            }
            // maybe views over the body: valid until the command is written, inside publish
            call.campaign = read.campaign();
            call.sku = read.sku();
            call.device = read.device();
            call.account = read.account();
        } catch (BadRequest e) {
            x.respond(Responses.error(x.alloc(), e));
            return;
        }
        call.publish();
    }

    static final class ClaimCall extends IdempotentCall {
        CharSequence campaign;
        CharSequence sku;
        CharSequence device;
        CharSequence account;

        ClaimCall(Exchange x, ServerContext server, CharSequence key) {
            super(x, server, key);
        }

        @Override
        public void writeCommand(Publisher p, CommandSlot slot) {
            p.writer.claim(slot, p.now(), x.user, key, campaign, sku, device, x.clientIp, account, x.tokenIssuedAt);
        }

        /** A decision's answer, written from the reply bytes into a pooled buffer by {@link ClaimReplyJson}. */
        @Override
        protected FullHttpResponse renderDirect(CommandSlot slot) {
            ClaimReplyJson json = ClaimReplyJson.get();
            ByteBuf body = x.alloc().buffer(256);
            try {
                if (!json.write(slot.reply, slot.replyLength, body)) {
                    body.release();
                    return null;
                }
            } catch (RuntimeException e) {
                body.release();
                throw e;
            }
            if (!json.replayed()) {
                String campaign = json.campaign(slot.reply);
                server.metrics.decision(campaign, json.result());
                if (json.result() == ResultCode.RISK_REJECTED) {
                    server.metrics.riskRejection(campaign, json.reason());
                }
            }
            return new JsonReply(body, json.replayed());
        }

        @Override
        protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
            switch (v.result) {
                case IDEMPOTENCY_KEY_REUSED -> {
                    return keyReused();
                }
                case ACCOUNT_REQUIRED -> {
                    return error(ErrorCode.MISSING_FIELD, "account: required for a DIRECT_RECHARGE SKU", "account");
                }
                case INVALID -> {
                    return invalid(v.message);
                }
                default -> {
                    if (!v.replayed) {
                        server.metrics.decision(v.campaign, v.result);
                        if (v.result == ResultCode.RISK_REJECTED) {
                            server.metrics.riskRejection(v.campaign, v.reason);
                        }
                    }
                    FullHttpResponse r = Responses.json(x.alloc(), HttpResponseStatus.OK, g -> ReplyJson.claim(g, v));
                    return markIfReplayed(r, v);
                }
            }
        }
    }

    // ---- POST /v1/redemptions -------------------------------------------------------------------

    public void redeem(Exchange x, byte[] body, int offset, int length) {
        String[] fields = new String[2];
        try {
            JsonBody.readObject(body, offset, length, (name, p) -> {
                switch (name) {
                    case "grantId" -> fields[0] = JsonBody.string(p, "grantId");
                    case "code" -> fields[1] = JsonBody.text(p, "code", MAX_CODE);
                    default -> p.skipChildren();
                }
            });
        } catch (BadRequest e) {
            x.respond(Responses.error(x.alloc(), e));
            return;
        }
        RedeemCall call = new RedeemCall(x, server, x.header(IDEMPOTENCY_KEY));
        if (x.redeemer != null) {
            if (fields[1] == null) {
                x.respond(Responses.error(x.alloc(), ErrorCode.MISSING_FIELD,
                    "code: required when redeeming with a redeemer key", "code"));
                return;
            }
            call.code = fields[1];
        } else {
            if (fields[0] == null) {
                x.respond(Responses.error(x.alloc(), ErrorCode.MISSING_FIELD,
                    "grantId: required when redeeming with a user token (merchants redeem codes with a redeemer key)",
                    "grantId"));
                return;
            }
            long[] id = new long[2];
            if (!GrantIds.parse(fields[0], id)) {
                x.respond(Responses.error(x.alloc(), ErrorCode.INVALID_FIELD, "grantId: not a grant id", "grantId"));
                return;
            }
            call.grantHi = id[0];
            call.grantLo = (int) id[1];
        }
        call.publish();
    }

    static final class RedeemCall extends IdempotentCall {
        String code;
        long grantHi;
        int grantLo;

        RedeemCall(Exchange x, ServerContext server, CharSequence key) {
            super(x, server, key);
        }

        @Override
        public void writeCommand(Publisher p, CommandSlot slot) {
            if (code != null) {
                p.writer.redeemCode(slot, p.now(), x.redeemer, x.redeemerKeyHash, key, code);
            } else {
                p.writer.redeemGrant(slot, p.now(), x.user, key, grantHi, grantLo);
            }
        }

        @Override
        protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
            if (v.result == ResultCode.IDEMPOTENCY_KEY_REUSED) {
                return keyReused();
            }
            if (v.result == ResultCode.INVALID) {
                return invalid(v.message);
            }
            if (!v.replayed) {
                server.metrics.redemption(v.result);
            }
            boolean hasGrant = v.grantHi != 0 || v.grantLo != 0;
            // a code's grant is shown only to the merchant who holds the code; a user sees their own
            return decision(x, v, g -> {
                g.writeStartObject();
                g.writeStringField("result", v.result.name());
                if (hasGrant && v.result != ResultCode.NOT_OWNER) {
                    g.writeStringField("grantId", v.grantId());
                }
                g.writeEndObject();
            });
        }
    }

    /**
     * A decision's body: 200, except REVOKED, which is 409 (the grant's state forbids what was
     * asked; docs/lifecycle.md) with the same body, so that a client reading only the status does
     * not take a revoked code for used.
     */
    static FullHttpResponse decision(Exchange x, ReplyView v, Responses.JsonBodyWriter body) {
        if (v.result == ResultCode.REVOKED) {
            FullHttpResponse r = Responses.json(x.alloc(), HttpResponseStatus.CONFLICT, body);
            return v.replayed ? markReplayed(r) : r;
        }
        return new JsonReply(Responses.jsonBody(x.alloc(), body), v.replayed);
    }

    private static FullHttpResponse markReplayed(FullHttpResponse r) {
        Responses.markReplayed(r);
        return r;
    }

    // ---- POST /v1/grants/{grantId}/transfer ------------------------------------------------------

    /** The owner gives a grant to another user (docs/lifecycle.md); the body names the recipient. */
    public void transfer(Exchange x, byte[] body, int offset, int length) {
        String[] to = new String[1];
        long[] id = new long[2];
        try {
            JsonBody.readObject(body, offset, length, (name, p) -> {
                if (name.equals("to")) {
                    to[0] = JsonBody.text(p, "to", MAX_USER);
                } else {
                    p.skipChildren();
                }
            });
            JsonBody.required(to[0], "to");
            if (!GrantIds.parse(x.param1(), id)) {
                throw new BadRequest(ErrorCode.NOT_FOUND, "grant not found", null);
            }
        } catch (BadRequest e) {
            x.respond(Responses.error(x.alloc(), e));
            return;
        }
        TransferCall call = new TransferCall(x, server, x.header(IDEMPOTENCY_KEY));
        call.grantHi = id[0];
        call.grantLo = (int) id[1];
        call.to = to[0];
        call.publish();
    }

    static final class TransferCall extends IdempotentCall {
        long grantHi;
        int grantLo;
        String to;

        TransferCall(Exchange x, ServerContext server, CharSequence key) {
            super(x, server, key);
        }

        @Override
        public void writeCommand(Publisher p, CommandSlot slot) {
            p.writer.transferGrant(slot, p.now(), x.user, key, grantHi, grantLo, to);
        }

        @Override
        protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
            if (v.result == ResultCode.IDEMPOTENCY_KEY_REUSED) {
                return keyReused();
            }
            if (v.result == ResultCode.INVALID) {
                return invalid(v.message);
            }
            boolean hasGrant = v.grantHi != 0 || v.grantLo != 0;
            return decision(x, v, g -> {
                g.writeStartObject();
                g.writeStringField("result", v.result.name());
                if (hasGrant) {
                    g.writeStringField("grantId", v.grantId());
                }
                if (v.result == ResultCode.TRANSFERRED) {
                    g.writeStringField("to", to);
                }
                g.writeEndObject();
            });
        }
    }

    // ---- GET /v1/grants/{grantId} ----------------------------------------------------------------

    public void grant(Exchange x) {
        ParsedCall.publish(x,
            () -> {
                long[] id = new long[2];
                if (!GrantIds.parse(x.param1(), id)) {
                    throw new BadRequest(ErrorCode.NOT_FOUND, "grant not found", null);
                }
                return id;
            },
            (p, slot, id) -> p.writer.queryGrant(slot, p.now(), x.user, id[0], (int) id[1]),
            (call, slot, v, id) -> v.result != ResultCode.FOUND
                ? call.error(ErrorCode.NOT_FOUND, "grant not found", null)
                : Responses.json(x.alloc(), HttpResponseStatus.OK, g -> ReplyJson.grant(g, v)));
    }

    // ---- GET /v1/me/grants?limit=&after= ----------------------------------------------------------

    /** One page of the owner's grants: its size, and the grant it starts after (0, 0 for the first). */
    private record Page(int limit, long afterHi, int afterLo) {
    }

    public void myGrants(Exchange x) {
        ParsedCall.publish(x,
            () -> page(x),
            (p, slot, page) -> p.writer.queryUserGrants(slot, p.now(), x.user, page.limit, page.afterHi, page.afterLo),
            (call, slot, v, page) -> {
                List<GrantSummary> grants = ExchangeCall.listAnswer(slot);
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    Json.arrayField(g, "grants", grants, ReplyJson::grant);
                    if (grants.size() == page.limit) {
                        g.writeStringField("next", grants.get(grants.size() - 1).grantId());
                    } else {
                        g.writeNullField("next");
                    }
                    g.writeEndObject();
                });
            });
    }

    private static Page page(Exchange x) throws BadRequest {
        int limit = DEFAULT_PAGE;
        long[] after = new long[2];
        String l = Router.query(x.uri(), "limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_PAGE) {
                throw BadRequest.invalid("limit", "must be 1-" + MAX_PAGE);
            }
        }
        String a = Router.query(x.uri(), "after");
        if (a != null && !a.isEmpty() && !GrantIds.parse(a, after)) {
            throw BadRequest.invalid("after", "not a grant id");
        }
        return new Page(limit, after[0], (int) after[1]);
    }
}
