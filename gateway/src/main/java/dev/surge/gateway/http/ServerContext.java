package dev.surge.gateway.http;

import dev.surge.delivery.DeliveryMetrics;
import dev.surge.delivery.RefundMetrics;
import dev.surge.gateway.auth.AdminAuth;
import dev.surge.gateway.auth.DashboardSessions;
import dev.surge.gateway.auth.PaymentProviders;
import dev.surge.gateway.auth.RedeemerDirectory;
import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.RecoveryProgress;
import java.util.concurrent.atomic.LongAdder;
import org.agrona.concurrent.EpochClock;

/**
 * What every connection shares: settings, router, credentials, limits, metrics, and the engine
 * once recovery has handed it over ({@link #engine()} is null until then: NOT_READY).
 *
 * <p>Threading: thread-safe; the engine and the draining flag are volatile, the rest is final.
 */
public final class ServerContext {
    final int maxBody;
    final int maxHeader;
    final int maxPipelined;
    final long requestTimeoutMs;
    final long idleTimeoutMs;
    final long firstByteTimeoutMs;
    public final int codeBatch;
    public final Router router = new Router();
    public final ClientAddress clientAddress;
    public final RateLimiter limiter;
    /** The caps on open connections, in all and per peer address. */
    public final ConnectionLimiter connections;
    public final UserTokens userTokens;
    public final AdminAuth adminAuth;
    public final RedeemerDirectory redeemers;
    /** Payment providers' signing secrets, for their notifications (docs/payments.md). */
    public final PaymentProviders payments = new PaymentProviders();
    public final GatewayMetrics metrics;
    /** The supplier dispatcher's counters (rendered with the rest on /metrics). */
    public final DeliveryMetrics deliveries = new DeliveryMetrics();
    /** The refund dispatcher's counters (docs/refunds.md), also on /metrics. */
    public final RefundMetrics refunds = new RefundMetrics();
    public final EpochClock clock;
    /** Dashboard logins (session cookies), accepted on admin routes too. */
    public final DashboardSessions sessions = new DashboardSessions();
    /** How far recovery has got (the storage reports it; the dashboard shows it). */
    public final RecoveryProgress recovery = new RecoveryProgress();
    /** Requests read and not yet answered, over all connections (drained before shutdown). */
    public final LongAdder inFlight = new LongAdder();
    final Admission admission;
    final Authenticator authenticator;
    final ContentRules content;
    Api api;
    private volatile Engine engine;
    private volatile boolean draining;

    public ServerContext(Configuration config, UserTokens userTokens, AdminAuth adminAuth,
                         RedeemerDirectory redeemers, GatewayMetrics metrics) {
        this.maxBody = config.maxBody();
        this.maxHeader = config.maxHeader();
        this.maxPipelined = config.maxPipelined();
        this.requestTimeoutMs = config.requestTimeoutMs();
        this.idleTimeoutMs = config.idleTimeoutMs();
        this.firstByteTimeoutMs = config.firstByteTimeoutMs();
        this.codeBatch = config.codeBatch();
        this.clientAddress = new ClientAddress(config.trustedProxies());
        this.limiter = new RateLimiter(config.rateLimit(), config.rateBurst());
        this.connections = new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerIp(), clientAddress);
        this.userTokens = userTokens;
        this.adminAuth = adminAuth;
        this.redeemers = redeemers;
        this.metrics = metrics;
        this.clock = config.clock();
        this.admission = new Admission(router, clientAddress, limiter, metrics, this::ready);
        this.authenticator = new Authenticator(adminAuth, userTokens, redeemers, sessions, clock);
        this.content = new ContentRules(maxBody);
    }

    public void api(Api api) {
        this.api = api;
    }

    /** Recovery is done: the engine takes requests from now on. */
    public void engine(Engine engine) {
        this.engine = engine;
    }

    public Engine engine() {
        return engine;
    }

    public boolean ready() {
        return engine != null;
    }

    public void draining(boolean draining) {
        this.draining = draining;
    }

    public boolean draining() {
        return draining;
    }
}
