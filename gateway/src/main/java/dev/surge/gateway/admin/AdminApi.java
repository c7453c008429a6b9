package dev.surge.gateway.admin;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.risk.Blocklist;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.gateway.auth.AdminAuth;
import dev.surge.gateway.http.EngineProxy;
import dev.surge.gateway.http.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.ExchangeCall;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.http.UploadSink;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.BlocklistJson;
import dev.surge.gateway.json.CampaignJson;
import dev.surge.gateway.json.JsonBody;
import dev.surge.gateway.json.ReplyJson;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * The admin API of SPEC §3. Every change is a ring command, journaled like a claim, so replay
 * rebuilds it; reads are ring queries answered by the writer thread. An unknown campaign or SKU
 * is 404 here (these are resources, not decisions); a change the engine refuses is 400 naming
 * the field, or 409 for a closed campaign.
 */
public final class AdminApi {
    private final ServerContext server;

    public AdminApi(ServerContext server) {
        this.server = server;
    }

    private static void fail(Exchange x, BadRequest e) {
        x.respond(Responses.error(x.alloc(), e.code(), e.getMessage(), e.field()));
    }

    // ---- PUT /admin/campaigns/{id} ----------------------------------------------------------------

    public void putCampaign(Exchange x, byte[] body, int offset, int length) {
        CampaignSpec spec;
        try {
            String id = CampaignJson.pathId(x.param1(), "id");
            spec = CampaignJson.parse(id, body, offset, length);
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.upsertCampaign(slot, p.now(), spec);
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                if (v.result == ResultCode.INVALID) {
                    return invalid(v.message);
                }
                return ok(x, spec.id, null);
            }
        }.publish();
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
        String id;
        try {
            id = CampaignJson.pathId(x.param1(), "id");
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.setStatus(slot, p.now(), id, status);
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                return switch (v.result) {
                    case UNKNOWN_CAMPAIGN -> error(ErrorCode.NOT_FOUND, "campaign " + id + " not found", "id");
                    case INVALID -> error(ErrorCode.CONFLICT, v.message, null);
                    default -> ok(x, id, status.name());
                };
            }
        }.publish();
    }

    // ---- POST /admin/campaigns/{id}/skus/{sku}/stock ------------------------------------------------

    public void adjustStock(Exchange x, byte[] body, int offset, int length) {
        String id;
        String sku;
        long[] delta = {Long.MIN_VALUE};
        try {
            id = CampaignJson.pathId(x.param1(), "id");
            sku = CampaignJson.pathId(x.param2(), "sku");
            JsonBody.readObject(body, offset, length, (name, p) -> {
                if (name.equals("delta")) {
                    delta[0] = JsonBody.integer(p, "delta", -(1L << 40), 1L << 40);
                } else {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field");
                }
            });
            if (delta[0] == Long.MIN_VALUE) {
                throw BadRequest.missing("delta");
            }
            if (delta[0] == 0) {
                throw BadRequest.invalid("delta", "must not be 0");
            }
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.adjustStock(slot, p.now(), id, sku, delta[0]);
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                return switch (v.result) {
                    case UNKNOWN_CAMPAIGN -> error(ErrorCode.NOT_FOUND, "campaign " + id + " not found", "id");
                    case UNKNOWN_SKU -> error(ErrorCode.NOT_FOUND, "SKU " + sku + " not found in " + id, "sku");
                    case INVALID -> invalid(v.message);
                    default -> Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                        g.writeStartObject();
                        g.writeStringField("result", "OK");
                        g.writeStringField("campaignId", id);
                        g.writeStringField("skuId", sku);
                        g.writeNumberField("delta", delta[0]);
                        g.writeEndObject();
                    });
                };
            }
        }.publish();
    }

    // ---- POST /admin/campaigns/{id}/skus/{sku}/codes ---------------------------------------------------

    public UploadSink uploadCodes(Exchange x) {
        try {
            String id = CampaignJson.pathId(x.param1(), "id");
            String sku = CampaignJson.pathId(x.param2(), "sku");
            return new CodeUpload(x, server, id, sku);
        } catch (BadRequest e) {
            fail(x, e);
            return null;
        }
    }

    // ---- GET /admin/campaigns, GET /admin/campaigns/{id} -----------------------------------------------

    public void campaigns(Exchange x, boolean one) {
        String id;
        try {
            id = one ? CampaignJson.pathId(x.param1(), "id") : "";
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.queryCampaigns(slot, p.now(), id);
            }

            @Override
            @SuppressWarnings("unchecked")
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                if (one) {
                    if (!(slot.answer instanceof CampaignCounters c)) {
                        return error(ErrorCode.NOT_FOUND, "campaign " + id + " not found", "id");
                    }
                    return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> ReplyJson.campaign(g, c));
                }
                List<CampaignCounters> all = slot.answer instanceof List<?> l ? (List<CampaignCounters>) l : List.of();
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("campaigns");
                    for (CampaignCounters c : all) {
                        ReplyJson.campaign(g, c);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                });
            }
        }.publish();
    }

    // ---- POST /admin/redeemers -------------------------------------------------------------------------

    public void createRedeemer(Exchange x, byte[] body, int offset, int length) {
        String[] merchant = new String[1];
        try {
            JsonBody.readObject(body, offset, length, (name, p) -> {
                if (name.equals("merchantId")) {
                    merchant[0] = JsonBody.id(p, "merchantId");
                } else {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field");
                }
            });
            JsonBody.required(merchant[0], "merchantId");
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        String key = server.redeemers.newKey();
        byte[] hash = AdminAuth.sha256(key);
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.createRedeemer(slot, p.now(), merchant[0], hash);
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                if (v.result != ResultCode.OK) {
                    return invalid(v.message);
                }
                server.redeemers.add(hash, merchant[0]); // usable before the caller even sees it
                return Responses.json(x.alloc(), HttpResponseStatus.CREATED, g -> {
                    g.writeStartObject();
                    g.writeStringField("merchantId", merchant[0]);
                    g.writeStringField("key", key);
                    g.writeEndObject();
                });
            }
        }.publish();
    }

    // ---- PUT /admin/blocklist, GET /admin/blocklist ------------------------------------------------------

    public void putBlocklist(Exchange x, byte[] body, int offset, int length) {
        BlocklistChange change;
        try {
            change = BlocklistJson.parse(body, offset, length);
        } catch (BadRequest e) {
            fail(x, e);
            return;
        }
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
                p.writer.updateBlocklist(slot, p.now(), change);
            }

            @Override
            protected FullHttpResponse render(CommandSlot slot, ReplyView v) {
                if (v.result != ResultCode.OK || !(slot.answer instanceof Blocklist.Sizes sizes)) {
                    return invalid(v.message);
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
            }
        }.publish();
    }

    public void blocklist(Exchange x) {
        new ExchangeCall(x) {
            @Override
            public void writeCommand(EngineProxy.Publisher p, CommandSlot slot) {
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
