package dev.surge.gateway.admin;

import dev.surge.delivery.SupplierUrls;
import dev.surge.engine.ResultCode;
import dev.surge.gateway.auth.PaymentProviders;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.ParsedCall;
import dev.surge.gateway.http.Responses;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.CampaignJson;
import dev.surge.gateway.json.SupplierJson;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The delivery side of the admin API (docs/api.md#admin-api-admin, docs/delivery.md): {@code PUT /admin/suppliers/{id}} and
 * {@code POST /admin/deliveries/redrive}. Both are ring commands, journaled like every change: the
 * supplier's configuration (its secret sealed in the journal, never echoed), and the re-drive with
 * who asked for it. The dispatcher picks both up from the journaled events.
 */
public final class DeliveryAdminApi {
    private final boolean allowLinkLocalSuppliers;
    private final PaymentProviders providers;

    /**
     * {@code allowLinkLocalSuppliers}: {@code --allow-link-local-suppliers} (see {@link SupplierUrls});
     * {@code providers}: the gateway's copy of the suppliers' secrets, which a new configuration updates.
     */
    public DeliveryAdminApi(boolean allowLinkLocalSuppliers, PaymentProviders providers) {
        this.allowLinkLocalSuppliers = allowLinkLocalSuppliers;
        this.providers = providers;
    }

    // ---- PUT /admin/suppliers/{id} ----------------------------------------------------------------

    private record SupplierChange(String id, SupplierJson.Supplier config) {
    }

    public void putSupplier(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> new SupplierChange(CampaignJson.pathId(x.param1(), "id"), supplier(body, offset, length)),
            (p, slot, c) -> p.writer.configureSupplier(slot, p.now(), c.id, c.config.url(), c.config.timeoutMs(),
                c.config.maxConcurrency(), c.config.secret()),
            (call, slot, v, c) -> {
                if (v.result != ResultCode.OK) {
                    return call.invalid(v.message);
                }
                // a provider's notifications verify before the caller hears OK, also in front of a
                // cluster, where no journaled event passes this gateway (docs/cluster.md)
                providers.put(c.id, c.config.secret());
                return Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeStringField("supplierId", c.id);
                    g.writeStringField("url", c.config.url());
                    g.writeNumberField("timeoutMs", c.config.timeoutMs());
                    g.writeNumberField("maxConcurrency", c.config.maxConcurrency());
                    g.writeEndObject();
                });
            });
    }

    /**
     * The body's configuration, if its URL may name a supplier: no user info, no link-local or
     * metadata address unless allowed (see {@link SupplierUrls}). Refused before the ring, so a
     * refused URL is never journaled, echoed or logged.
     */
    private SupplierJson.Supplier supplier(byte[] body, int offset, int length) throws BadRequest {
        SupplierJson.Supplier s = SupplierJson.supplier(body, offset, length);
        String problem = SupplierUrls.problem(s.url(), allowLinkLocalSuppliers);
        if (problem != null) {
            throw BadRequest.invalid("url", problem);
        }
        return s;
    }

    // ---- POST /admin/deliveries/redrive --------------------------------------------------------------

    /** A re-drive request and who asked for it, as journaled. */
    private record Redrive(SupplierJson.Redrive request, String actor) {
    }

    public void redrive(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x,
            () -> {
                SupplierJson.Redrive r = SupplierJson.redrive(body, offset, length);
                String by = r.requestedBy() == null ? "admin" : r.requestedBy();
                return new Redrive(r, by + " via " + address(x.clientIp()));
            },
            (p, slot, d) -> p.writer.redriveDeliveries(slot, p.now(), d.actor, d.request.campaign(),
                d.request.supplier(), d.request.from(), d.request.to()),
            (call, slot, v, d) -> switch (v.result) {
                case UNKNOWN_CAMPAIGN ->
                    call.error(ErrorCode.NOT_FOUND, "campaign " + d.request.campaign() + " not found", "campaignId");
                case OK -> Responses.json(x.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("result", "OK");
                    g.writeNumberField("redriven", v.count);
                    g.writeStringField("requestedBy", d.actor);
                    g.writeEndObject();
                });
                default -> call.invalid(v.message);
            });
    }

    /** The client's address as journaled beside who asked (also for the grant admin API). */
    static String address(byte[] ip) {
        try {
            return ip == null ? "unknown" : InetAddress.getByAddress(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
