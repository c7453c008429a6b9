package dev.surge.gateway;

import dev.surge.engine.CampaignStatus;
import dev.surge.gateway.admin.AdminApi;
import dev.surge.gateway.dashboard.DashboardAgent;
import dev.surge.gateway.dashboard.DashboardApi;
import dev.surge.gateway.admin.DeliveryAdminApi;
import dev.surge.gateway.admin.GrantAdminApi;
import dev.surge.gateway.admin.RefundAdminApi;
import dev.surge.gateway.http.Api;
import dev.surge.gateway.http.Exchange;
import dev.surge.gateway.http.PaymentApi;
import dev.surge.gateway.http.PublicApi;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.http.UploadSink;
import dev.surge.gateway.ops.OpsApi;
import java.util.concurrent.Executor;

/** Sends each admitted request to the part of the API that serves its route. On event loops. */
final class GatewayApi implements Api {
    private final PublicApi v1;
    private final AdminApi admin;
    private final OpsApi ops;
    private final DashboardApi dashboard;
    private final DeliveryAdminApi deliveries;
    private final RefundAdminApi refunds = new RefundAdminApi();
    private final PaymentApi payments;
    private final GrantAdminApi grants = new GrantAdminApi();

    /** {@code background}: where work too slow for an event loop runs ({@code surge-dispatch}). */
    GatewayApi(ServerContext server, DashboardAgent dashboardAgent, Executor background, boolean allowLinkLocalSuppliers) {
        this.v1 = new PublicApi(server);
        this.admin = new AdminApi(server);
        this.ops = new OpsApi(server, background);
        this.dashboard = new DashboardApi(server, dashboardAgent, background);
        this.deliveries = new DeliveryAdminApi(allowLinkLocalSuppliers, server.payments);
        this.payments = new PaymentApi(server);
    }

    @Override
    public void handle(Exchange x, byte[] body, int offset, int length) {
        switch (x.route()) {
            case HEALTH_LIVE -> ops.live(x);
            case HEALTH_READY -> ops.ready(x);
            case METRICS -> ops.metrics(x);
            case DASHBOARD -> dashboard.page(x);
            case DASHBOARD_ASSET -> dashboard.asset(x);
            case DASHBOARD_LOGIN -> dashboard.login(x, body, offset, length);
            case DASHBOARD_LOGOUT -> dashboard.logout(x);
            case DASHBOARD_FEED -> dashboard.feed(x);
            case DASHBOARD_HISTORY -> dashboard.history(x);
            case CLAIM -> v1.claim(x, body, offset, length);
            case REDEEM -> v1.redeem(x, body, offset, length);
            case GRANT -> v1.grant(x);
            case MY_GRANTS -> v1.myGrants(x);
            case ORDER -> payments.order(x);
            case ORDER_CANCEL -> payments.cancel(x);
            case PAYMENT_NOTIFY -> payments.notifyPayment(x, body, offset, length);
            case GRANT_TRANSFER -> v1.transfer(x, body, offset, length);
            case CAMPAIGN_PUT -> admin.putCampaign(x, body, offset, length);
            case CAMPAIGN_GET -> admin.campaigns(x, true);
            case CAMPAIGNS -> admin.campaigns(x, false);
            case CAMPAIGN_PAUSE -> admin.setStatus(x, CampaignStatus.PAUSED);
            case CAMPAIGN_RESUME -> admin.setStatus(x, CampaignStatus.ACTIVE);
            case CAMPAIGN_CLOSE -> admin.setStatus(x, CampaignStatus.CLOSED);
            case STOCK -> admin.adjustStock(x, body, offset, length);
            case REDEEMERS -> admin.createRedeemer(x, body, offset, length);
            case BLOCKLIST_PUT -> admin.putBlocklist(x, body, offset, length);
            case BLOCKLIST_GET -> admin.blocklist(x);
            case SUPPLIER_PUT -> deliveries.putSupplier(x, body, offset, length);
            case DELIVERIES_REDRIVE -> deliveries.redrive(x, body, offset, length);
            case REFUNDS_REDRIVE -> refunds.redrive(x, body, offset, length);
            case GRANT_REVOKE -> grants.revoke(x, body, offset, length);
            case GRANT_REISSUE -> grants.reissue(x, body, offset, length);
            case CODES -> throw new IllegalStateException("the code upload is streamed, never aggregated");
            default -> throw new IllegalStateException("no handler for " + x.route());
        }
    }

    @Override
    public UploadSink openUpload(Exchange x) {
        return admin.uploadCodes(x);
    }
}
