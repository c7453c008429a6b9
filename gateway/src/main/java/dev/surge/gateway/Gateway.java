package dev.surge.gateway;

import dev.surge.cluster.ClusterEngineClient;
import dev.surge.delivery.DeliveryAdapter;
import dev.surge.delivery.DeliveryAgent;
import dev.surge.delivery.RefundAgent;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.state.Partners;
import dev.surge.engine.state.RedeemerKey;
import dev.surge.engine.state.StateMachine;
import dev.surge.gateway.auth.AdminAuth;
import dev.surge.gateway.auth.RedeemerDirectory;
import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.dashboard.DashboardAgent;
import dev.surge.gateway.engine.ClusterEngine;
import dev.surge.gateway.engine.Engine;
import dev.surge.gateway.engine.EngineProxy;
import dev.surge.gateway.engine.OrderSweeper;
import dev.surge.gateway.engine.ReplyAdapter;
import dev.surge.gateway.http.GatewayMetrics;
import dev.surge.gateway.http.HttpServer;
import dev.surge.gateway.http.ServerContext;
import dev.surge.gateway.json.Json;
import dev.surge.journal.PrivateFiles;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Surge's gateway assembled: the HTTP server first (so {@code /health/live} answers and the
 * rest says NOT_READY while recovery runs), then the engine ring once the state is recovered,
 * with the supplier and refund dispatchers on its delivery stage, then readiness. In front of a
 * cluster ({@link #startCluster}) there is no ring, journal, supplier or refund dispatcher, or order sweeper: the
 * commands go to the cluster, and readiness waits for what the gateway keeps of its state
 * (docs/cluster.md). {@link #shutdown} reverses it: stop accepting, drain in-flight requests,
 * close connections, stop the dispatchers, close the ring (which flushes and closes the journal)
 * or the cluster client, stop the event loops.
 *
 * <p>Threading: lifecycle methods from one controlling thread (main, or the shutdown hook).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Configuration config;
    private final ServerContext context;
    /** How often unpaid orders past their payBy are looked for (docs/payments.md): the expiry's precision. */
    static final long ORDER_SWEEP_PERIOD_MS = 250;
    private final HttpServer server;
    private OrderSweeper sweeper;
    private final UserTokens userTokens;
    private final DashboardAgent dashboard;
    private EngineRing ring;
    private DeliveryAgent deliveries;
    private RefundAgent refunds;
    private final DefaultEventExecutor dispatcher;
    private Engine engine;
    private ClusterEngine cluster;
    private PartnerSync partners;
    private InetSocketAddress address;
    private boolean closed;

    public Gateway(Configuration config) {
        this.config = config;
        this.userTokens = new UserTokens(config.userTokenSecret(), Json.FACTORY);
        this.context = new ServerContext(config, userTokens, new AdminAuth(config.adminToken()),
            new RedeemerDirectory(), new GatewayMetrics());
        // one background thread: the dashboard's sampling and slow answers (/metrics, the dashboard's history) from
        // the start, then the supplier and refund dispatchers (each only enqueues, sends on the event loops and
        // journals) and the snapshot replica
        this.dispatcher = new DefaultEventExecutor(new DefaultThreadFactory("surge-dispatch", true));
        this.dashboard = new DashboardAgent(context, dispatcher);
        // the dispatcher's per-supplier counters; an empty list (no panel) until a supplier is configured
        this.dashboard.section("suppliers", context.deliveries::writeSuppliers);
        this.context.api(new GatewayApi(context, dashboard, dispatcher, config.delivery().allowLinkLocal()));
        this.server = new HttpServer(context, config.ioThreads(), config.transport());
    }

    /**
     * The {@code surge-dispatch} thread: the dashboard's sampling, the supplier and refund
     * dispatchers, the snapshot replica, and the answers too slow to render on an event loop
     * ({@code /metrics}, the dashboard's history): work no claim may wait for (docs/architecture.md,
     * "Threads").
     */
    public Executor background() {
        return dispatcher;
    }

    /** Binds the HTTP port. Until {@link #startEngine} the API answers 503 NOT_READY. */
    public InetSocketAddress startServer() throws InterruptedException {
        address = server.start(config.host(), config.port());
        dashboard.start(); // frames from now on: they show recovery progress until the engine runs
        return address;
    }

    /**
     * What to tell the operator at start about redeemer keys journaled before keys had scopes: they
     * redeem nothing now (the secure default; they used to redeem any campaign's codes). Null when
     * there are none.
     */
    static String unscopedKeysWarning(List<RedeemerKey> redeemers) {
        int unscoped = 0;
        Set<String> merchants = new TreeSet<>();
        for (RedeemerKey k : redeemers) {
            if (k.unscoped()) {
                unscoped++;
                merchants.add(k.redeemer());
            }
        }
        return unscoped == 0 ? null : unscoped + " redeemer key(s) of merchants " + merchants + " predate campaign "
            + "scopes and now redeem nothing: create scoped keys with POST /admin/redeemers "
            + "{\"merchantId\": \"...\", \"campaigns\": [\"...\"]}";
    }

    /**
     * Starts the ring on the recovered state and opens the API. The machine must not be used
     * by this thread afterwards: the ring's writer thread owns it from here.
     */
    public EngineProxy startEngine(StateMachine machine, EngineStorage storage, DeliveryPort deliveries) {
        List<RedeemerKey> redeemers = machine.redeemers(); // before the ring: still this thread's machine
        context.redeemers.load(redeemers);
        context.payments.load(machine.suppliers()); // payment providers are configured as suppliers
        String unscoped = unscopedKeysWarning(redeemers);
        if (unscoped != null) {
            LOG.warn("{}", unscoped);
        }
        // hosted: the stages run as one event loop's tasks (process durability only: EngineRing)
        ring = new EngineRing(machine, storage.journal(), new ReplyAdapter(context.payments), deliveries, config.ringSize(),
            config.waitStrategy(), config.engineOnEventLoop() ? server.workers().next() : null);
        ring.start();
        storage.onStarted(ring, dispatcher); // the snapshot replica tails the journal as its tasks
        machine.growth().reset(); // what recovery grew kept no claim waiting
        EngineProxy proxy = new EngineProxy(ring, config.clock(), machine::edge, machine.growth()); // edge(): safe from any thread
        engine = proxy;
        context.engine(engine);
        sweeper = new OrderSweeper(proxy, machine, config.clock()::time, server.workers().next(),
            ORDER_SWEEP_PERIOD_MS);
        return proxy;
    }

    /**
     * In front of a cluster ({@code --engine cluster}): one client of the configured members, the
     * redeemer keys and payment providers loaded from the cluster's state (waiting as long as the
     * cluster takes to answer), then the API opens; the copies are refreshed every
     * {@code --cluster-refresh-ms}. Deliveries, refunds and order expiry are the cluster's, not
     * this gateway's: no dispatcher or sweeper runs here. Returns null when shut down while waiting.
     */
    public ClusterEngine startCluster() throws InterruptedException {
        PrivateFiles.directory(config.clusterAeronDir().toAbsolutePath().getParent()); // owner-only, as a member's
        ClusterEngineClient client = new ClusterEngineClient(ClusterEngineClient.Settings.of(config.clusterMembers(),
            config.clusterEgressHost(), config.clusterAeronDir()));
        synchronized (this) {
            if (closed) {
                client.close();
                return null;
            }
            cluster = new ClusterEngine(client, config.clusterMaxInFlight(), config.clusterMembersText(),
                config.clock());
            engine = cluster;
            partners = new PartnerSync(cluster, context.redeemers, context.payments, config.clusterMembersText());
        }
        Partners loaded = partners.load();
        if (loaded == null) {
            return null;
        }
        String unscoped = unscopedKeysWarning(loaded.redeemers());
        if (unscoped != null) {
            LOG.warn("{}", unscoped);
        }
        partners.start(server.workers().next(), config.clusterRefreshMs());
        context.engine(cluster); // ready: the API takes requests from now on
        return cluster;
    }

    /**
     * {@link #startEngine(StateMachine, EngineStorage, DeliveryPort)} with the supplier and refund
     * dispatchers behind the delivery port: they learn the recovered suppliers (payment providers
     * among them) and routes before the ring starts, then read back and resume every recharge the
     * journal left PENDING and every refund it owes (docs/delivery.md, docs/refunds.md).
     */
    public EngineProxy startEngine(StateMachine machine, EngineStorage storage) {
        deliveries = new DeliveryAgent(config.delivery(), dispatcher, server.workers(), server.clientChannelType(),
            config.clock(), context.deliveries);
        refunds = new RefundAgent(config.delivery(), dispatcher, server.workers(), server.clientChannelType(),
            config.clock(), context.refunds);
        deliveries.load(machine.suppliers(), machine.supplierRoutes()); // before the ring: still this thread's machine
        refunds.load(machine.suppliers());
        EngineProxy proxy = startEngine(machine, storage, new DeliveryAdapter(deliveries, refunds));
        deliveries.start(ring);
        refunds.start(ring);
        return proxy;
    }

    /** Drains and stops everything; idempotent. */
    public synchronized void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        context.draining(true);
        server.stopAccepting();
        dashboard.close(); // no more queries into a ring about to close
        if (sweeper != null) {
            sweeper.close();
        }
        if (partners != null) {
            partners.close();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.drainTimeoutMs());
        while (context.inFlight.sum() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long left = context.inFlight.sum();
        if (left > 0) {
            LOG.warn("{} requests still in flight after {} ms; closing anyway", left, config.drainTimeoutMs());
        }
        server.closeConnections();
        if (deliveries != null) {
            deliveries.close(); // requests still out resume after a restart (asking first where they may have landed)
        }
        if (refunds != null) {
            refunds.close(); // the same for refunds: owed in the journal, resumed after a restart
        }
        if (ring != null) {
            ring.close(); // every published slot finishes, then the journal is flushed and closed
        }
        if (cluster != null) {
            cluster.close(); // commands still unanswered are answered UNAVAILABLE; the cluster keeps what it committed
        }
        dispatcher.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        server.close();
    }

    @Override
    public void close() {
        shutdown();
    }

    public InetSocketAddress address() {
        return address;
    }

    public ServerContext context() {
        return context;
    }

    /** The engine requests go to: the ring's proxy, or the cluster's; null before either started. */
    public Engine engine() {
        return engine;
    }

    /** The cluster engine in front of which this gateway runs, or null with a ring of its own. */
    public ClusterEngine cluster() {
        return cluster;
    }

    public DashboardAgent dashboard() {
        return dashboard;
    }

    public EngineRing ring() {
        return ring;
    }

    public UserTokens userTokens() {
        return userTokens;
    }

    public Configuration config() {
        return config;
    }

    /** The sockets' transport in use (docs/architecture.md). */
    public dev.surge.gateway.config.Transport transport() {
        return server.transport();
    }
}
