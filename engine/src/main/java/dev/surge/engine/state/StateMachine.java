package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.GrantStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CampaignDirectory;
import dev.surge.engine.command.ClaimCommand;
import dev.surge.engine.command.ClaimEdge;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.Blocklist;
import dev.surge.engine.util.GrantIdCipher;
import dev.surge.engine.util.GrantIds;
import dev.surge.engine.util.Identities;
import dev.surge.engine.util.SipHash;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * Surge's deterministic issuance state machine. {@link #decide} turns a command into at most
 * one event (written into the slot) and applies it; {@link #apply} applies an event read back
 * from a journal. The same events applied in the same order give the same
 * {@link #digest()} on any machine: time and randomness only ever come from commands.
 *
 * <p>Threading: not thread-safe. Confined to one thread, the ring's writer (or a tool's
 * replaying thread); other threads learn about its decisions only through slots.
 */
public final class StateMachine {
    private final EngineState state;
    private final EventApplier applier;
    private final Decider decider;
    private final EventView view = new EventView();
    private final ClaimCommand ahead = new ClaimCommand();
    /** Sum of what {@link #prefetch} read: stored, so that the compiler keeps the reads. */
    private long touched;

    /**
     * How many slots the decide stage {@link #prefetch}es at once, before deciding the first of
     * them: their reads are independent, so their misses overlap and the group waits about one
     * miss instead of two per claim.
     */
    public static final int PREFETCH_GROUP = 8;

    /**
     * A state machine under a fresh random identity key and the default idempotency window:
     * for state that is never restored from a snapshot or compared with a replay elsewhere.
     * A server's state is built with its data directory's key ({@link #StateMachine(StateConfig)}).
     */
    public StateMachine() {
        this(StateConfig.randomKey());
    }

    public StateMachine(StateConfig config) {
        this(new EngineState(config));
    }

    private StateMachine(EngineState state) {
        this.state = state;
        this.applier = new EventApplier(state);
        this.decider = new Decider(state, applier, this);
    }

    /**
     * Sizes the tables for this many users with a grant each, so that a sale of that size never
     * rehashes them: a rehash of millions of entries stalls the writer for tens of milliseconds,
     * at the worst moment. Costs the memory up front; tables still grow past it.
     */
    public StateMachine reserve(int users) {
        state.reserve(users);
        return this;
    }

    /**
     * How often and how long this state's writer stopped to grow a table by copying it (a sale
     * past its reservation, an upload of codes: {@link TableGrowth}); readable from any thread.
     */
    public TableGrowth growth() {
        return state.growth;
    }

    /**
     * Starts the cache misses of a claim that this thread will decide soon, while it decides
     * others: a claim by a user in tables of millions misses on the user's index slot (and, for
     * a user seen before, their line: {@link #prefetchLine}, {@link UserBook}), on where its key's
     * record is if it spilled from the line, and on its device's and address's counters, a few
     * hundred nanoseconds each; reading the lines of a group of claims back to back lets their
     * misses overlap (docs/architecture.md). Only claims the publisher already hashed (the
     * numbers are in the command); changes nothing.
     */
    public void prefetch(CommandSlot slot) {
        if (slot.type != CommandType.CLAIM || !ahead.wrap(slot.command).hashed()) {
            return;
        }
        long user = ahead.userLow();
        long t = state.users.touch(user);
        long key = ahead.keyLow();
        if (key != 0 && !state.idempotency.empty()) {
            t += state.idempotency.touch(key ^ user); // where the key's record is if it spilled (UserBook#touchLine)
        }
        long device = ahead.device();
        if (device != 0) {
            t += state.subjects.touch(device);
        }
        long address = ahead.address();
        if (address != 0) {
            t += state.subjects.touch(address);
        }
        touched += t;
    }

    /**
     * The second read ahead of a claim, after {@link #prefetch} of its group: the user's line,
     * found through the index slot the first read brought in (a user seen before: a returning
     * claimer, a retry), and the counters it says spilled. Changes nothing.
     */
    public void prefetchLine(CommandSlot slot) {
        if (slot.type != CommandType.CLAIM || !ahead.wrap(slot.command).hashed()) {
            return;
        }
        touched += state.users.touchLine(ahead.userHigh(), ahead.userLow());
    }

    /** Decides the slot's command: writes event (if any) and reply into the slot, and applies it. */
    public void decide(CommandSlot slot) {
        decider.decide(slot);
    }

    /**
     * Applies one journaled event. Returns false, changing nothing, when the bytes are not a
     * well-formed event or not the next in sequence.
     */
    public boolean apply(DirectBuffer buffer, int offset, int length) {
        return view.wrap(buffer, offset, length) && apply(view);
    }

    /** {@link #apply(DirectBuffer, int, int)} of an event already parsed into {@code event}. */
    boolean apply(EventView event) {
        if (event.sequence != state.lastSequence + 1) {
            return false;
        }
        applier.apply(event);
        return true;
    }

    /**
     * A new {@link ReplayGroup} over this machine: for a thread that replays a journal into it,
     * a group at a time so that the misses of a group overlap.
     */
    public ReplayGroup replayGroup() {
        return new ReplayGroup(this, state);
    }

    /**
     * A new {@link ReplayPreparer} under this machine's identity key, for a thread that prepares
     * {@link ReplayBatch}es ahead of the thread that applies them. Safe from any thread: it reads
     * only the key, and the preparer has identities of its own.
     */
    public ReplayPreparer replayPreparer() {
        long key0 = state.config.key0();
        long key1 = state.config.key1();
        return new ReplayPreparer(new Identities(key0, key1), new GrantIdCipher(new SipHash(key0, key1)));
    }

    public long lastSequence() {
        return state.lastSequence;
    }

    public long lastTimestamp() {
        return state.lastTimestamp;
    }

    public long digest() {
        return StateDigest.of(state);
    }

    public void writeSnapshot(DataOutput out) throws IOException {
        StateSnapshot.write(state, out);
    }

    /** Restores a snapshot written under the same identity key (refused otherwise: its tables would not match). */
    public static StateMachine readSnapshot(DataInput in, StateConfig config) throws IOException {
        return new StateMachine(StateSnapshot.read(in, config));
    }

    public StateConfig config() {
        return state.config;
    }

    /**
     * A new {@link ClaimEdge} for one publishing thread: it resolves claims against this machine's
     * directory and hashes their identities under this machine's key, so that the writer thread
     * decides on numbers. Safe from any thread (it reads only the key and the published directory),
     * also after the ring has taken the machine over.
     */
    public ClaimEdge edge() {
        return new ClaimEdge(state.config.key0(), state.config.key1(), () -> state.directory);
    }

    /**
     * The earliest payBy of a reserved order, or a little later, or Long.MAX_VALUE when none
     * waits (safe from any thread): once the clock has passed it, an {@code EXPIRE_ORDERS}
     * command expires what is due (docs/payments.md).
     */
    public long orderDeadline() {
        return state.orderDeadline;
    }

    /** The directory publishers resolve against now (safe from any thread). */
    public CampaignDirectory directory() {
        return state.directory;
    }

    // ---- read-only views, for tools and tests (they allocate) ---------------------------------

    public List<CampaignCounters> campaigns() {
        List<CampaignCounters> list = new ArrayList<>();
        for (int i = 0; i < state.campaignCount(); i++) {
            list.add(counters(state.campaigns[i]));
        }
        return list;
    }

    public CampaignCounters campaign(String id) {
        Campaign c = state.campaign(id);
        return c == null ? null : counters(c);
    }

    private CampaignCounters counters(Campaign c) {
        Map<ResultCode, Long> rejected = new EnumMap<>(ResultCode.class);
        for (int r = 0; r < c.rejected.length; r++) {
            if (c.rejected[r] != 0) {
                rejected.put(ResultCode.of(r), c.rejected[r]);
            }
        }
        List<CampaignCounters.SkuCounters> skus = new ArrayList<>();
        for (int i = 0; i < c.skus.size(); i++) {
            Sku k = state.skus[c.skus.getInt(i)];
            skus.add(new CampaignCounters.SkuCounters(k.id, k.kind, k.granted, k.available(state.skus),
                k.pool == null ? 0 : k.pool.size));
        }
        return new CampaignCounters(c.id, c.name, c.status, c.startsAt, c.endsAt, c.granted, c.redeemed, rejected,
            c.deliveriesPending, c.deliveriesDelivered, c.deliveriesFailed, skus, state.risk.rules(c.index),
            state.risk.refusals(c.index), new CampaignCounters.Orders(
                c.ordersReserved - c.ordersPaid - c.ordersCancelled - c.ordersExpired, c.ordersPaid, c.ordersCancelled,
                c.ordersExpired, c.refundsRequired, c.refundsDone, c.refundsFailed));
    }

    /** The blocklist's entries, in the order they were added. */
    public Blocklist.Entries blocklist() {
        return state.risk.blocklist().entries();
    }

    /** A user's grants, newest first, with codes (the owner's view). */
    public List<GrantSummary> grantsOf(String user, int limit) {
        return grantsOf(user, limit, 0, 0);
    }

    /** A page of a user's grants, newest first, starting after grant (afterHi, afterLo) if given. */
    public List<GrantSummary> grantsOf(String user, int limit, long afterHi, int afterLo) {
        GrantBook grants = state.grants;
        long low = state.identities.user(user);
        long high = state.identities.userHigh();
        int g = grants.newestOf(high, low);
        if (afterHi != 0 || afterLo != 0) {
            int after = grants.find(afterHi, afterLo);
            g = after == GrantBook.NONE || !grants.owns(after, high, low) ? GrantBook.NONE
                : grants.previousOfUser[after];
        }
        List<GrantSummary> list = new ArrayList<>();
        for (; g != GrantBook.NONE && list.size() < limit; g = grants.previousOfUser[g]) {
            list.add(summary(g, true));
        }
        return list;
    }

    public GrantSummary grant(String grantId, boolean withCodes) {
        long[] id = new long[2];
        if (!GrantIds.parse(grantId, id)) {
            return null;
        }
        int g = state.grants.find(id[0], (int) id[1]);
        return g == GrantBook.NONE ? null : summary(g, withCodes);
    }

    private GrantSummary summary(int g, boolean withCodes) {
        GrantBook grants = state.grants;
        Sku sku = state.skus[grants.sku[g]];
        List<GrantSummary.Item> items = new ArrayList<>();
        for (int i = 0; i < grants.itemCount[g]; i++) {
            int item = grants.firstItem[g] + i;
            Sku itemSku = state.skus[grants.itemSku[item]];
            int code = grants.itemCode[item];
            int supplier = grants.itemSupplier[item];
            items.add(new GrantSummary.Item(itemSku.id, code,
                withCodes && code >= 0 ? itemSku.pool.text(code) : null,
                DeliveryStatus.of(grants.itemStatus[item]), supplier < 0 ? null : itemSku.suppliers[supplier],
                CodeValidity.ofItem(state, item)));
        }
        return new GrantSummary(GrantIds.format(grants.idHi[g], grants.idLo[g]), sku.campaign.id, sku.id,
            grants.createdAt[g], grants.redeemedAt[g], items, GrantStatus.of(grants.status[g]));
    }

    /** The text of a pooled code, or null (for tools that reveal codes on request). */
    public String code(String campaign, String sku, int index) {
        Campaign c = state.campaign(campaign);
        Sku k = c == null ? null : state.sku(c, sku);
        return k == null || k.pool == null || index < 0 || index >= k.pool.size ? null : k.pool.text(index);
    }

    /** Status of a campaign, or null when unknown. */
    public CampaignStatus status(String campaign) {
        Campaign c = state.campaign(campaign);
        return c == null ? null : c.status;
    }

    /** Grants whose recharge items are not finished (PENDING), for re-dispatch after a restart. */
    public List<GrantSummary> pendingDeliveries() {
        List<GrantSummary> list = new ArrayList<>();
        GrantBook grants = state.grants;
        for (int g = 0; g < grants.size; g++) {
            for (int i = 0; i < grants.itemCount[g]; i++) {
                if (grants.itemStatus[grants.firstItem[g] + i] == DeliveryStatus.PENDING.code()) {
                    list.add(summary(g, false));
                    break;
                }
            }
        }
        return list;
    }

    /** Grants a pending-deliveries query walks at most per page, so that one query never stalls the writer long. */
    static final int MAX_SCAN = 65_536;

    /**
     * Recharge items without a final outcome, from grant number {@code cursor} on, at most
     * {@code limit} of them, walking at most {@link #MAX_SCAN} grants: what a dispatcher resumes
     * after a restart, a re-drive, or a hand-off it had to drop.
     */
    public PendingPage pendingPage(int cursor, int limit) {
        GrantBook grants = state.grants;
        List<PendingDelivery> list = new ArrayList<>();
        int end = (int) Math.min(grants.size, (long) Math.max(0, cursor) + MAX_SCAN);
        int g = Math.max(0, cursor);
        for (; g < end && list.size() < limit; g++) {
            int first = grants.firstItem[g];
            for (int i = 0; i < grants.itemCount[g]; i++) {
                int item = first + i;
                if (grants.itemStatus[item] != DeliveryStatus.PENDING.code()) {
                    continue;
                }
                Sku sku = state.skus[grants.itemSku[item]];
                list.add(new PendingDelivery(grants.idHi[g], grants.idLo[g], i, sku.campaign.id, sku.id,
                    grants.account(g), List.of(sku.suppliers), Math.max(0, grants.itemSupplier[item]),
                    state.deliveries.attempts(item), state.deliveries.outcome(item),
                    grants.status[g] == GrantStatus.REVOKED.code()));
            }
        }
        return new PendingPage(list, g >= grants.size ? -1 : g);
    }

    /** The configured suppliers, secrets included (for the gateway's dispatcher; never print them). */
    public List<SupplierConfig> suppliers() {
        return List.copyOf(state.suppliers.suppliers);
    }

    /** The suppliers of every DIRECT_RECHARGE SKU, in failover order, keyed {@code campaign/sku}. */
    public Map<String, List<String>> supplierRoutes() {
        Map<String, List<String>> routes = new java.util.LinkedHashMap<>();
        for (int i = 0; i < state.skuCount(); i++) {
            Sku k = state.skus[i];
            if (k.kind == dev.surge.engine.SkuKind.DIRECT_RECHARGE) {
                routes.put(k.campaign.id + "/" + k.id, List.of(k.suppliers));
            }
        }
        return routes;
    }

    /** The last delivery outcome recorded for a grant's item (NONE when none), for tools and tests. */
    public DeliveryOutcome deliveryOutcome(String grantId, int item) {
        long[] id = new long[2];
        if (!GrantIds.parse(grantId, id)) {
            return null;
        }
        int g = state.grants.find(id[0], (int) id[1]);
        return g == GrantBook.NONE || item >= state.grants.itemCount[g] ? null
            : state.deliveries.outcome(state.grants.firstItem[g] + item);
    }

    /** The recharge account of a grant, or null. */
    public String account(String grantId) {
        long[] id = new long[2];
        if (!GrantIds.parse(grantId, id)) {
            return null;
        }
        int g = state.grants.find(id[0], (int) id[1]);
        return g == GrantBook.NONE ? null : state.grants.account(g);
    }

    /** The redeemer keys (hashes only), oldest first: the gateway loads them after recovery. */
    public List<RedeemerKey> redeemers() {
        return List.copyOf(state.redeemers.keys);
    }

    /** Redeemer keys, suppliers and recharge routes in one copy: what a gateway in front of a cluster loads. */
    public Partners partners() {
        return new Partners(redeemers(), suppliers(), supplierRoutes());
    }

    /** Idempotency records live at the last event's time (memory figures, tests). */
    public int idempotencyRecords() {
        return state.idempotency.liveCount(state.lastTimestamp) + state.users.liveKeys(state.lastTimestamp);
    }

    /** Users with a line ({@link UserBook}), and bytes held by the lines and their index. */
    public int userLines() {
        return state.users.lines.size();
    }

    public long userLineBytes() {
        return state.users.lines.bytes();
    }

    /** Heap held by the idempotency table (the claim keys that spilled from users' lines, and every other key), in bytes. */
    public long idempotencyBytes() {
        return state.idempotency.bytes();
    }

    /** The longest run of occupied idempotency slots: what one lookup may walk (flooding tests). */
    public int idempotencyLongestRun() {
        return state.idempotency.longestRun();
    }

    /** (campaign, device) pairs the accounts-per-device rule tracks. */
    public int trackedDevices() {
        return state.risk.devices().devices();
    }

    /** Heap retained by limit counters and code pools, for memory measurements. */
    public long grantCount() {
        return state.grants.size;
    }
}
