package dev.surge.gateway.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.risk.Blocklist;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.RedeemerKey;
import dev.surge.gateway.auth.AdminAuth;
import dev.surge.gateway.engine.Publisher;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.ExchangeCall;
import dev.surge.gateway.http.ParsedCall;
import dev.surge.gateway.http.Router;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.http.UploadSink;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.BlocklistJson;
import dev.surge.gateway.json.CampaignJson;
import dev.surge.gateway.json.Json;
import dev.surge.gateway.json.JsonBody;
import dev.surge.gateway.json.ReplyJson;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API (docs/api.md#admin-api-admin). Every change is a ring command, journaled like a claim, so replay
 * rebuilds it; reads are ring queries answered by the writer thread. An unknown campaign or SKU
 * is 404 here (these are resources, not decisions); a change the engine refuses is 400 naming
 * the field, or 409 for a closed campaign.
 */
public final class AdminApi {
    private final ServerContext server;

    public AdminApi(ServerContext server) {
        this.server = server;
    }

    private static FullHttpResponse campaignNotFound(ExchangeCall call, String id) {
        return call.error(ErrorCode.NOT_FOUND, "campaign " + id + " not found", "id");
    }

    // ---- PUT /admin/campaigns/{id} ----------------------------------------------------------------

    public void putCampaign(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> CampaignJson.parse(CampaignJson.pathId(x.param1(), "id"), body, offset, length),
            (p, slot, spec) -> p.writer.upsertCampaign(slot, p.now(), spec),
            (call, slot, v, spec) -> v.result == ResultCode.INVALID ? call.invalid(v.message) : ok(x, spec.id, null));
    }

    private static FullHttpResponse ok(Exchange x, String campaign, String status) {
        return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeStringField("result", "OK");
            g.writeStringField("campaignId", campaign);
            if (status != null) {
                g.writeStringField("status", status);
            }
            g.writeEndObject();
        });
    }

    // ---- POST /admin/campaigns/{id}/pause|resume|close ---------------------------------------------

    public void setStatus(Exchange x, CampaignStatus status) {
        ParsedCall.publish(x,
            () -> CampaignJson.pathId(x.param1(), "id"),
            (p, slot, id) -> p.writer.setStatus(slot, p.now(), id, status),
            (call, slot, v, id) -> switch (v.result) {
                case UNKNOWN_CAMPAIGN -> campaignNotFound(call, id);
                case INVALID -> call.error(ErrorCode.CONFLICT, v.message, null);
                default -> ok(x, id, status.name());
            });
    }

    // ---- POST /admin/campaigns/{id}/skus/{sku}/stock ------------------------------------------------

    private record StockChange(String campaign, String sku, long delta) {
    }

    public void adjustStock(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> stockChange(x, body, offset, length),
            (p, slot, c) -> p.writer.adjustStock(slot, p.now(), c.campaign, c.sku, c.delta),
            (call, slot, v, c) -> switch (v.result) {
                case UNKNOWN_CAMPAIGN -> campaignNotFound(call, c.campaign);
                case UNKNOWN_SKU ->
                    call.error(ErrorCode.NOT_FOUND, "SKU " + c.sku + " not found in " + c.campaign, "sku");
                case INVALID -> call.invalid(v.message);
                default -> Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeStringField("campaignId", c.campaign);
                    g.writeStringField("skuId", c.sku);
                    g.writeNumberField("delta", c.delta);
                    g.writeEndObject();
                });
            });
    }

    private static StockChange stockChange(Exchange x, byte[] body, int offset, int length) throws BadRequest {
        String id = CampaignJson.pathId(x.param1(), "id");
        String sku = CampaignJson.pathId(x.param2(), "sku");
        long delta = JsonBody.onlyField(body, offset, length, "delta",
            (p, field) -> JsonBody.integer(p, field, -(1L << 40), 1L << 40));
        if (delta == 0) {
            throw BadRequest.invalid("delta", "must not be 0");
        }
        return new StockChange(id, sku, delta);
    }

    // ---- POST /admin/campaigns/{id}/skus/{sku}/codes ---------------------------------------------------

    public UploadSink uploadCodes(Exchange x) {
        try {
            String id = CampaignJson.pathId(x.param1(), "id");
            String sku = CampaignJson.pathId(x.param2(), "sku");
            String until = Router.query(x.uri(), "validUntil"); // the upload's validity, docs/lifecycle.md
            long validUntil = until == null || until.isEmpty() ? Long.MAX_VALUE : CampaignJson.time(until, "validUntil");
            return new CodeUpload(x, server, id, sku, validUntil);
        } catch (BadRequest e) {
            x.respond(Responses.error(x.alloc(), e));
            return null;
        }
    }

    // ---- GET /admin/campaigns, GET /admin/campaigns/{id} -----------------------------------------------

    public void campaigns(Exchange x, boolean one) {
        ParsedCall.publish(x,
            () -> one ? CampaignJson.pathId(x.param1(), "id") : "",
            (p, slot, id) -> p.writer.queryCampaigns(slot, p.now(), id),
            (call, slot, v, id) -> {
                if (one) {
                    if (!(slot.answer instanceof CampaignCounters c)) {
                        return campaignNotFound(call, id);
                    }
                    return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> ReplyJson.campaign(g, c));
                }
                List<CampaignCounters> all = ExchangeCall.listAnswer(slot);
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    Json.arrayField(g, "campaigns", all, ReplyJson::campaign);
                    g.writeEndObject();
                });
            });
    }

    // ---- POST /admin/redeemers -------------------------------------------------------------------------

    /**
     * A redeemer about to be created: its merchant, its new key, the key's hash the journal keeps,
     * and its scope, the campaigns whose codes it may redeem (any other code is NOT_FOUND to it).
     */
    private record NewRedeemer(String merchant, String key, byte[] hash, List<String> campaigns) {
    }

    public void createRedeemer(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> newRedeemer(body, offset, length),
            (p, slot, r) -> p.writer.createRedeemer(slot, p.now(), r.merchant, r.hash, r.campaigns),
            (call, slot, v, r) -> {
                if (v.result != ResultCode.OK) {
                    return call.invalid(v.message); // an unknown campaign: 400 naming "campaigns"
                }
                server.redeemers.add(r.hash, r.merchant); // usable before the caller even sees it
                return Responses.json(x.alloc(), HttpResponseStatus.CREATED, g -> {
                    g.writeStartObject();
                    g.writeStringField("merchantId", r.merchant);
                    g.writeStringField("key", r.key);
                    g.writeArrayFieldStart("campaigns");
                    for (String campaign : r.campaigns) {
                        g.writeString(campaign);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                });
            });
    }

    private NewRedeemer newRedeemer(byte[] body, int offset, int length) throws BadRequest {
        String[] merchant = new String[1];
        List<String> campaigns = new ArrayList<>();
        boolean[] scoped = new boolean[1];
        JsonBody.readObject(body, offset, length, (name, p) -> {
            switch (name) {
                case "merchantId" -> merchant[0] = JsonBody.id(p, "merchantId");
                case "campaigns" -> {
                    scoped[0] = true;
                    campaigns(p, campaigns);
                }
                default -> {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field");
                }
            }
        });
        JsonBody.required(merchant[0], "merchantId");
        if (!scoped[0]) {
            throw BadRequest.missing("campaigns");
        }
        String key = server.redeemers.newKey();
        return new NewRedeemer(merchant[0], key, AdminAuth.sha256(key), List.copyOf(campaigns));
    }

    /** The scope of a new key: 1-64 campaign ids, each once (the engine checks they exist). */
    private static void campaigns(JsonParser p, List<String> into) throws IOException, BadRequest {
        String field = "campaigns";
        String shape = "1-" + RedeemerKey.MAX_CAMPAIGNS + " campaign ids whose codes the key may redeem";
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw BadRequest.invalid(field, "must be an array of " + shape);
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String id = JsonBody.id(p, field);
            if (id == null) {
                throw BadRequest.invalid(field, "must not hold null");
            }
            if (into.contains(id)) {
                throw BadRequest.invalid(field, id + " is listed twice");
            }
            if (into.size() == RedeemerKey.MAX_CAMPAIGNS) {
                throw BadRequest.invalid(field, "at most " + RedeemerKey.MAX_CAMPAIGNS + " campaigns per key");
            }
            into.add(id);
        }
        if (into.isEmpty()) {
            throw BadRequest.invalid(field, "must list " + shape);
        }
    }

    // ---- PUT /admin/blocklist, GET /admin/blocklist ------------------------------------------------------

    public void putBlocklist(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> BlocklistJson.parse(body, offset, length),
            (p, slot, change) -> p.writer.updateBlocklist(slot, p.now(), change),
            (call, slot, v, change) -> {
                if (v.result != ResultCode.OK || !(slot.answer instanceof Blocklist.Sizes sizes)) {
                    return call.invalid(v.message);
                }
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeStringField("mode", change.mode.name().toLowerCase(java.util.Locale.ROOT));
                    g.writeObjectFieldStart("counts");
                    g.writeNumberField("users", sizes.users());
                    g.writeNumberField("devices", sizes.devices());
                    g.writeNumberField("ips", sizes.ips());
                    g.writeEndObject();
                    g.writeEndObject();
                });
            });
    }

    public void blocklist(Exchange x) {
        new ExchangeCall(x) {
            @Override
            public void writeCommand(Publisher p, CommandSlot slot) {
                p.writer.queryBlocklist(slot, p.now());
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                Blocklist.Entries entries = (Blocklist.Entries) slot.answer;
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> BlocklistJson.write(g, entries));
            }
        }.publish();
    }

    // ---- not built yet ------------------------------------------------------------------------------------

    public void notImplemented(Exchange x, String what) {
        x.respond(Responses.error(x.alloc(), ErrorCode.NOT_IMPLEMENTED, what + " is not implemented yet"));
    }
}
