package dev.surge.gateway.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Every route of docs/api.md (and docs/openapi.yaml), with what the connection checks before the body arrives: who
 * may call it, what body it takes, whether it waits for recovery, whether it is rate limited,
 * and whether it needs an {@code Idempotency-Key}. {@code label} names it in metrics.
 */
public enum Route {
    HEALTH_LIVE(HttpMethod.GET, "/health/live", Auth.NONE, Body.NONE, false, false, false),
    HEALTH_READY(HttpMethod.GET, "/health/ready", Auth.NONE, Body.NONE, false, false, false),
    METRICS(HttpMethod.GET, "/metrics", Auth.NONE, Body.NONE, false, false, false),
    /** The page, or its login form without a session; works while recovering (it shows the progress). */
    DASHBOARD(HttpMethod.GET, "/dashboard", Auth.NONE, Body.NONE, false, false, false),
    DASHBOARD_ASSET(HttpMethod.GET, "/dashboard/assets/{file}", Auth.NONE, Body.NONE, false, false, false),
    /** Rate limited: each attempt at the admin token counts against the client IP. */
    DASHBOARD_LOGIN(HttpMethod.POST, "/dashboard/login", Auth.NONE, Body.JSON, false, true, false),
    DASHBOARD_LOGOUT(HttpMethod.POST, "/dashboard/logout", Auth.SESSION, Body.NONE, false, false, false),
    DASHBOARD_FEED(HttpMethod.GET, "/dashboard/feed", Auth.SESSION, Body.NONE, false, false, false),
    DASHBOARD_HISTORY(HttpMethod.GET, "/dashboard/history", Auth.SESSION, Body.NONE, false, false, false),

    CLAIM(HttpMethod.POST, "/v1/claims", Auth.USER, Body.JSON, true, true, true),
    REDEEM(HttpMethod.POST, "/v1/redemptions", Auth.USER_OR_REDEEMER, Body.JSON, true, true, true),
    GRANT(HttpMethod.GET, "/v1/grants/{grantId}", Auth.USER, Body.NONE, true, true, false),
    MY_GRANTS(HttpMethod.GET, "/v1/me/grants", Auth.USER, Body.NONE, true, true, false),
    ORDER(HttpMethod.GET, "/v1/orders/{orderId}", Auth.USER, Body.NONE, true, true, false),
    /** Cancelling twice answers the same: no Idempotency-Key needed. */
    ORDER_CANCEL(HttpMethod.POST, "/v1/orders/{orderId}/cancel", Auth.USER, Body.NONE, true, true, false),
    /**
     * A payment provider's notification: signed with the provider's secret (checked by the handler,
     * over the raw body), its transaction id the idempotency key; not rate limited (a provider retries).
     */
    PAYMENT_NOTIFY(HttpMethod.POST, "/v1/payments/notify", Auth.NONE, Body.JSON, true, false, false),
    /** A gift by the owner (docs/lifecycle.md). */
    GRANT_TRANSFER(HttpMethod.POST, "/v1/grants/{grantId}/transfer", Auth.USER, Body.JSON, true, true, true),

    CAMPAIGN_PUT(HttpMethod.PUT, "/admin/campaigns/{id}", Auth.ADMIN, Body.JSON, true, true, false),
    CAMPAIGN_GET(HttpMethod.GET, "/admin/campaigns/{id}", Auth.ADMIN, Body.NONE, true, true, false),
    CAMPAIGNS(HttpMethod.GET, "/admin/campaigns", Auth.ADMIN, Body.NONE, true, true, false),
    CAMPAIGN_PAUSE(HttpMethod.POST, "/admin/campaigns/{id}/pause", Auth.ADMIN, Body.NONE, true, true, false),
    CAMPAIGN_RESUME(HttpMethod.POST, "/admin/campaigns/{id}/resume", Auth.ADMIN, Body.NONE, true, true, false),
    CAMPAIGN_CLOSE(HttpMethod.POST, "/admin/campaigns/{id}/close", Auth.ADMIN, Body.NONE, true, true, false),
    STOCK(HttpMethod.POST, "/admin/campaigns/{id}/skus/{sku}/stock", Auth.ADMIN, Body.JSON, true, true, false),
    CODES(HttpMethod.POST, "/admin/campaigns/{id}/skus/{sku}/codes", Auth.ADMIN, Body.TEXT_STREAM, true, true, false),
    REDEEMERS(HttpMethod.POST, "/admin/redeemers", Auth.ADMIN, Body.JSON, true, true, false),
    SUPPLIER_PUT(HttpMethod.PUT, "/admin/suppliers/{id}", Auth.ADMIN, Body.JSON, true, true, false),
    BLOCKLIST_PUT(HttpMethod.PUT, "/admin/blocklist", Auth.ADMIN, Body.JSON, true, true, false),
    BLOCKLIST_GET(HttpMethod.GET, "/admin/blocklist", Auth.ADMIN, Body.NONE, true, true, false),
    DELIVERIES_REDRIVE(HttpMethod.POST, "/admin/deliveries/redrive", Auth.ADMIN, Body.JSON, true, true, false),
    REFUNDS_REDRIVE(HttpMethod.POST, "/admin/refunds/redrive", Auth.ADMIN, Body.JSON, true, true, false),
    GRANT_REVOKE(HttpMethod.POST, "/admin/grants/{grantId}/revoke", Auth.ADMIN, Body.JSON, true, true, false),
    GRANT_REISSUE(HttpMethod.POST, "/admin/grants/{grantId}/reissue", Auth.ADMIN, Body.JSON, true, true, false);

    /**
     * Who may call a route. ADMIN also admits a dashboard session cookie, and SESSION admits
     * nothing else; a session must carry its CSRF header on anything but GET.
     */
    public enum Auth {
        NONE, USER, ADMIN,
        /** A logged-in dashboard (session cookie). */
        SESSION,
        /** A user token, or a merchant's redeemer key (POST /v1/redemptions). */
        USER_OR_REDEEMER
    }

    /** What body a route takes. NONE ignores any body (within the size limit). */
    public enum Body {
        NONE, JSON, TEXT_STREAM
    }

    public final HttpMethod method;
    public final String template;
    public final String[] segments;
    public final Auth auth;
    public final Body body;
    /** 503 NOT_READY until recovery is done. */
    public final boolean gated;
    /** Counted against the client IP's rate. */
    public final boolean limited;
    /** Mutating /v1 call: requires Idempotency-Key. */
    public final boolean idempotent;
    public final String label;

    Route(HttpMethod method, String template, Auth auth, Body body, boolean gated, boolean limited,
          boolean idempotent) {
        this.method = method;
        this.template = template;
        this.segments = template.substring(1).split("/");
        this.auth = auth;
        this.body = body;
        this.gated = gated;
        this.limited = limited;
        this.idempotent = idempotent;
        this.label = name().toLowerCase(java.util.Locale.ROOT);
    }
}
