package dev.surge.engine;

import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.ReplayBatch;
import dev.surge.engine.state.ReplayGroup;
import dev.surge.engine.state.ReplayPreparer;
import dev.surge.engine.state.StateConfig;
import dev.surge.engine.state.StateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Drives a {@link StateMachine} directly, one command at a time, and keeps every event it wrote
 * (as a journal would) so tests can replay them. Time is explicit; the seed makes the key.
 */
public final class EngineDriver {
    /** Under a key made from the seed: two drivers of one seed build identical tables. */
    public final StateMachine machine;
    public final List<byte[]> events = new ArrayList<>();
    private final CommandSlot slot = new CommandSlot();
    private final CommandWriter writer;
    public long now = 1_000_000L;

    public EngineDriver(long seed) {
        this(seed, keyOf(seed));
    }

    /** With the state config of a data directory the test recovers later (its cipher's). */
    public EngineDriver(long seed, StateConfig config) {
        this(seed, config, true);
    }

    /**
     * Claims resolved at the edge (as the gateway publishes them: indexes and identities computed
     * by the writer's {@code StateMachine.edge()}) when {@code atEdge}, else left for the engine
     * to resolve by name and hash (as a tool without an edge writes them).
     */
    public EngineDriver(long seed, StateConfig config, boolean atEdge) {
        this.machine = new StateMachine(config);
        this.writer = atEdge ? new CommandWriter(machine.edge()) : new CommandWriter();
    }

    public EngineDriver(long seed, boolean atEdge) {
        this(seed, keyOf(seed), atEdge);
    }

    /** A fixed identity key per seed (tests only: a server's key is its data directory's secret). */
    public static StateConfig keyOf(long seed) {
        byte[] key = new byte[16];
        new SplittableRandom(seed ^ 0x5eed).nextBytes(key);
        return StateConfig.withKey(key);
    }

    public EngineDriver() {
        this(42);
    }

    public ReplyView claim(String user, String key, String campaign, String sku, String device, byte[] ip,
                           String account) {
        writer.claim(slot, now, user, key, campaign, sku, device, ip, account);
        return run();
    }

    public ReplyView claim(String user, String key, String campaign, String sku) {
        return claim(user, key, campaign, sku, "", null, "");
    }

    public ReplyView redeemGrant(String user, String key, String grantId) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.redeemGrant(slot, now, user, key, id[0], (int) id[1]);
        return run();
    }

    /** A merchant redeems a code with the key whose SHA-256 is {@code keyHash}. */
    public ReplyView redeemCode(String redeemer, byte[] keyHash, String key, String code) {
        writer.redeemCode(slot, now, redeemer, keyHash, key, code);
        return run();
    }

    /** A redeemer key scoped to {@code campaigns}. */
    public ReplyView createRedeemer(String redeemer, byte[] keyHash, String... campaigns) {
        writer.createRedeemer(slot, now, redeemer, keyHash, List.of(campaigns));
        return run();
    }

    /** A stand-in for the SHA-256 of a redeemer key: 32 bytes of {@code seed}. */
    public static byte[] keyHash(int seed) {
        byte[] hash = new byte[32];
        java.util.Arrays.fill(hash, (byte) seed);
        return hash;
    }

    /** The reply the last command left in the slot, byte for byte. */
    public byte[] replyBytes() {
        byte[] reply = new byte[slot.replyLength];
        slot.reply.getBytes(0, reply);
        return reply;
    }

    public ReplyView upsert(CampaignSpec spec) {
        writer.upsertCampaign(slot, now, spec);
        return run();
    }

    public ReplyView status(String campaign, CampaignStatus status) {
        writer.setStatus(slot, now, campaign, status);
        return run();
    }

    public ReplyView load(String campaign, String sku, List<String> codes) {
        writer.loadCodes(slot, now, campaign, sku, codes);
        return run();
    }

    public ReplyView adjust(String campaign, String sku, long delta) {
        writer.adjustStock(slot, now, campaign, sku, delta);
        return run();
    }

    public ReplyView delivery(String grantId, int item, DeliveryStatus status, String supplier) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.recordDelivery(slot, now, id[0], (int) id[1], item, status, supplier, 1, "");
        return run();
    }

    /** One dispatcher step: what happened at {@code supplier} to item {@code item} of the grant. */
    public ReplyView step(String grantId, int item, DeliveryStatus status, String supplier, int attempt,
                          DeliveryOutcome outcome) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.recordDelivery(slot, now, id[0], (int) id[1], item, status, supplier, attempt, outcome.name(), outcome);
        return run();
    }

    public ReplyView configureSupplier(String id, String url, int timeoutMs, int maxConcurrency, String secret) {
        writer.configureSupplier(slot, now, id, url, timeoutMs, maxConcurrency, secret);
        return run();
    }

    public ReplyView redrive(String actor, String campaign, String supplier, long from, long to) {
        writer.redriveDeliveries(slot, now, actor, campaign, supplier, from, to);
        return run();
    }

    /** A page of pending recharge items (QUERY_PENDING_DELIVERIES through the decider). */
    public dev.surge.engine.state.PendingPage pending(int cursor, int limit) {
        writer.queryPendingDeliveries(slot, now, cursor, limit);
        run();
        return (dev.surge.engine.state.PendingPage) slot.answer;
    }

    public ReplyView query(String user, String grantId) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.queryGrant(slot, now, user, id[0], (int) id[1]);
        return run();
    }

    // ---- paid sales (docs/payments.md) ----

    private static long[] orderId(String orderId) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parseOrder(orderId, id);
        return id;
    }

    public ReplyView cancelOrder(String user, String orderId) {
        long[] id = orderId(orderId);
        writer.cancelOrder(slot, now, user, id[0], (int) id[1]);
        return run();
    }

    public ReplyView notifyPayment(String provider, String transactionId, String orderId, long amount, String currency) {
        long[] id = orderId(orderId);
        writer.notifyPayment(slot, now, provider, transactionId, id[0], (int) id[1], amount, currency);
        return run();
    }

    public ReplyView expireOrders() {
        writer.expireOrders(slot, now);
        return run();
    }

    public ReplyView refundStep(String orderId, int refund, dev.surge.engine.RefundStatus status,
                                DeliveryOutcome outcome, int attempt) {
        long[] id = orderId(orderId);
        writer.recordRefund(slot, now, id[0], (int) id[1], refund, status, attempt, outcome.name(), outcome);
        return run();
    }

    /** Re-drives FAILED refunds: of one order unless {@code orderId} is null, of a provider unless empty. */
    public ReplyView redriveRefunds(String actor, String orderId, String provider) {
        long[] id = orderId == null ? new long[2] : orderId(orderId);
        writer.redriveRefunds(slot, now, actor, orderId == null, id[0], (int) id[1], provider);
        return run();
    }

    public ReplyView order(String user, String orderId) {
        long[] id = orderId(orderId);
        writer.queryOrder(slot, now, user, id[0], (int) id[1]);
        return run();
    }

    public dev.surge.engine.state.PendingRefundPage pendingRefunds(int cursor, int limit) {
        writer.queryPendingRefunds(slot, now, cursor, limit);
        run();
        return (dev.surge.engine.state.PendingRefundPage) slot.answer;
    }

    private ReplyView run() {
        machine.decide(slot);
        if (slot.eventLength > 0) {
            byte[] event = new byte[slot.eventLength];
            slot.event.getBytes(0, event);
            events.add(event);
        }
        return new ReplyView().read(slot.type, slot.reply, slot.replyLength);
    }

    /** A fresh machine with every recorded event applied. */
    public StateMachine replay() {
        StateMachine copy = new StateMachine(machine.config());
        for (byte[] e : events) {
            if (!copy.apply(new UnsafeBuffer(e), 0, e.length)) {
                throw new AssertionError("event did not apply on replay");
            }
        }
        return copy;
    }

    /** The journal replayed a {@link ReplayGroup} at a time, as recovery replays it. */
    public StateMachine replayGrouped() {
        StateMachine copy = new StateMachine(machine.config());
        ReplayGroup group = copy.replayGroup();
        for (byte[] e : events) {
            if (group.add(new UnsafeBuffer(e), 0, e.length, 0)) {
                applyAll(group);
            }
        }
        applyAll(group);
        return copy;
    }

    /**
     * The journal replayed as recovery's reader thread and applier do it: each batch prepared
     * (copied, its identities hashed) by {@code preparerOf}'s {@link ReplayPreparer}, with
     * identities of its own, then applied through {@link ReplayGroup#apply(ReplayBatch)}.
     */
    public StateMachine replayPrepared(StateMachine preparerOf) {
        StateMachine copy = new StateMachine(machine.config());
        ReplayGroup group = copy.replayGroup();
        ReplayPreparer preparer = preparerOf == null ? copy.replayPreparer() : preparerOf.replayPreparer();
        ReplayBatch batch = new ReplayBatch();
        for (int i = 0; i < events.size(); i++) {
            byte[] e = events.get(i);
            if (batch.add(new UnsafeBuffer(e), 0, e.length, i) || i == events.size() - 1) {
                preparer.prepare(batch);
                int refused = group.apply(batch);
                if (refused != ReplayGroup.ALL_APPLIED) {
                    throw new AssertionError("event " + batch.sequence(refused) + " did not apply on prepared replay");
                }
                batch.clear();
            }
        }
        group.finish();
        return copy;
    }

    private static void applyAll(ReplayGroup group) {
        int refused = group.apply();
        if (refused != ReplayGroup.ALL_APPLIED) {
            throw new AssertionError("event " + group.sequence(refused) + " did not apply on grouped replay");
        }
    }

    public static CampaignSpec campaign(String id, int perUserLimit) {
        CampaignSpec spec = new CampaignSpec(id);
        spec.name = "Campaign " + id;
        spec.startsAt = 0;
        spec.endsAt = Long.MAX_VALUE;
        spec.perUserLimit = perUserLimit;
        return spec;
    }

    public static CampaignSpec.SkuSpec sku(CampaignSpec spec, String id, SkuKind kind) {
        CampaignSpec.SkuSpec s = new CampaignSpec.SkuSpec(id, kind);
        spec.skus.add(s);
        return s;
    }

    /** Makes {@code sku} paid (docs/payments.md): {@code price} CNY minor units, a 60 s window, paid through {@code provider}. */
    public static CampaignSpec.SkuSpec paid(CampaignSpec.SkuSpec sku, long price, String provider) {
        sku.price = price;
        sku.currency = "CNY";
        sku.paymentWindowSeconds = 60;
        sku.paymentProvider = provider;
        return sku;
    }

    public static List<String> codes(String prefix, int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(prefix + "-" + i);
        }
        return list;
    }

    // ---- risk control ------------------------------------------------------------------------

    /** A claim whose token was issued at {@code tokenIssuedAt} (epoch ms, or RiskSubject.NO_ISSUED_AT). */
    public ReplyView claim(String user, String key, String campaign, String sku, String device, byte[] ip,
                           String account, long tokenIssuedAt) {
        writer.claim(slot, now, user, key, campaign, sku, device, ip, account,
            tokenIssuedAt);
        return run();
    }

    public ReplyView blocklist(dev.surge.engine.risk.BlocklistChange change) {
        writer.updateBlocklist(slot, now, change);
        return run();
    }

    public dev.surge.engine.risk.Blocklist.Entries blocklistEntries() {
        writer.queryBlocklist(slot, now);
        run();
        return (dev.surge.engine.risk.Blocklist.Entries) slot.answer;
    }

    /** What a gateway in front of a cluster loads (QUERY_PARTNERS through the decider); the reply's result in {@code result}. */
    public dev.surge.engine.state.Partners partners(ResultCode[] result) {
        writer.queryPartners(slot, now);
        result[0] = run().result;
        return (dev.surge.engine.state.Partners) slot.answer;
    }

    // ---- the lifecycle of grants (docs/lifecycle.md) ----------------------------------------

    /** Codes of one upload valid until {@code validUntil} (epoch ms). */
    public ReplyView load(String campaign, String sku, List<String> codes, long validUntil) {
        writer.loadCodes(slot, now, campaign, sku, codes, validUntil);
        return run();
    }

    public ReplyView revoke(String actor, String reason, String grantId) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.revokeGrant(slot, now, actor, reason, id[0], (int) id[1]);
        return run();
    }

    public ReplyView reissue(String actor, String reason, String grantId) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.reissueGrant(slot, now, actor, reason, id[0], (int) id[1]);
        return run();
    }

    public ReplyView transfer(String user, String key, String grantId, String to) {
        long[] id = new long[2];
        dev.surge.engine.util.GrantIds.parse(grantId, id);
        writer.transferGrant(slot, now, user, key, id[0], (int) id[1], to);
        return run();
    }

    /** What the last command left in the slot's answer (queries, blocklist sizes). */
    public Object answer() {
        return slot.answer;
    }
}
