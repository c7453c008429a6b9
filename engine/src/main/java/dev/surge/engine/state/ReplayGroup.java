package dev.surge.engine.state;

import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Applies journaled events to a {@link StateMachine} a group at a time, so that the cache misses
 * of a group overlap: replay's share of the decide stage's {@link StateMachine#prefetch}
 * (docs/architecture.md). A claim replayed into tables of millions misses on its user's index
 * slot and line ({@link UserBook}), and on its device's and address's counters; one after the
 * other, each claim waited for each. Here the events of a group are copied in and the
 * identities of the claims among them hashed, all in one pass (a {@link ReplayBatch} prepared by
 * a {@link ReplayPreparer}: that half reads no state, so recovery does it on a reader thread of
 * its own); then, before the first is applied, the home lines of their tables are read back to
 * back, in a loop with nothing else in it, so that the reads are in flight together, and the
 * users' lines in a second such loop; then the events are applied in order. The hashes
 * are handed to {@link Identities} for the event they were computed from
 * ({@link Identities#knownUser} and the like), and the claim's campaign and SKU to
 * {@link KnownIds}, so the applier finds them there instead of hashing and looking them up again.
 * What is applied, and in what order, is exactly what {@link StateMachine#apply} would do one
 * event at a time. From the first group applied the machine's code index is only counted, not
 * kept: {@link #finish} builds it (or the first decision that reads it does).
 *
 * <p>{@link #add} and {@link #apply()} do both halves on the calling thread, in a batch of the
 * group's own; {@link #apply(ReplayBatch)} does the second half of a batch prepared elsewhere.
 *
 * <p>Threading: confined to the thread that replays into the machine.
 */
public final class ReplayGroup {
    /** Events per group. */
    public static final int SIZE = ReplayBatch.SIZE;
    /** What {@link #apply} returns when every queued event was applied. */
    public static final int ALL_APPLIED = -1;

    private static final int PAIRS = 4;

    private final StateMachine machine;
    private final EngineState state;
    private final Identities identities;
    /** The batch and preparer of {@link #add} and {@link #apply()}: hashing with the machine's own identities. */
    private final ReplayBatch own = new ReplayBatch();
    private final ReplayPreparer ownPreparer;
    /**
     * The campaigns and SKUs of the last claims applied, {@link #PAIRS} pairs (a sale's claims name
     * a few SKUs in turn), with their ids (campaign's, then SKU's) in {@link #ids}.
     */
    private final Campaign[] campaigns = new Campaign[PAIRS];
    private final Sku[] skus = new Sku[PAIRS];
    private final ExpandableArrayBuffer[] ids = new ExpandableArrayBuffer[PAIRS];
    private final int[] campaignLength = new int[PAIRS];
    private final int[] skuLength = new int[PAIRS];
    /** The pair the next new one replaces. */
    private int nextPair;
    /** Sum of what the reads ahead read: stored, so that the compiler keeps the reads. */
    private long touched;

    ReplayGroup(StateMachine machine, EngineState state) {
        this.machine = machine;
        this.state = state;
        this.identities = state.identities;
        this.ownPreparer = new ReplayPreparer(state.identities, state.grants.ids);
        for (int i = 0; i < PAIRS; i++) {
            ids[i] = new ExpandableArrayBuffer(64);
        }
    }

    /**
     * Queues a copy of the event in {@code [offset, offset + length)} of {@code buffer} (which
     * may be reused as soon as this returns), under {@code tag} (the caller's name for it, e.g. a
     * journal index). Returns true when the group is full: {@link #apply} it before adding more.
     */
    public boolean add(DirectBuffer buffer, int offset, int length, long tag) {
        return own.add(buffer, offset, length, tag);
    }

    /** Events queued and not yet applied. */
    public int size() {
        return own.size();
    }

    /**
     * Hashes and applies the queued events in order and empties the group. Returns
     * {@link #ALL_APPLIED}, or the position of the first event the machine refused (see
     * {@link #apply(ReplayBatch)}); its {@link #tag} and {@link #sequence} stay readable until
     * the next {@link #add}.
     */
    public int apply() {
        ownPreparer.prepare(own);
        int refused = apply(own);
        own.clear();
        return refused;
    }

    /**
     * Applies the events of a prepared batch in order (the batch is left as it is: the caller
     * clears it). Returns {@link #ALL_APPLIED}, or the position of the first event the machine
     * refused (not well formed, or not the next in sequence: see {@link StateMachine#apply}):
     * nothing from it on was applied. A batch nobody prepared is applied all the same, without
     * the reads ahead and the known hashes.
     */
    public int apply(ReplayBatch batch) {
        state.codes.defer(); // replay needs no code index: finish() builds it at its final size
        int n = batch.count;
        long t = 0;
        for (int i = 0; i < n; i++) { // back to back: the reads of the group are in flight together
            t += touch(batch, i);
        }
        for (int i = 0; i < n; i++) { // then the users' lines, through the index slots just read
            if (batch.kind[i] != ReplayBatch.NOTHING) {
                t += state.users.touchLine(batch.userHigh[i], batch.userLow[i]);
            }
        }
        touched += t;
        for (int i = 0; i < n; i++) {
            if (!batch.parsed[i] || !applyOne(batch, i)) {
                return i;
            }
        }
        return ALL_APPLIED;
    }

    /**
     * Ends the replay: does what it left for its end, so that the first decision after it does
     * not (the code index, which only decisions read, is built at its final size). The machine
     * may go on deciding and applying events as usual.
     */
    public void finish() {
        state.codes.build();
    }

    /** The tag the event at this position of the group's own batch was added under. */
    public long tag(int position) {
        return own.tag(position);
    }

    /** The sequence of the event at this position of the group's own batch, -1 when it did not parse. */
    public long sequence(int position) {
        return own.sequence(position);
    }

    /** Reads the home lines claim {@code i}'s apply will read first. */
    private long touch(ReplayBatch b, int i) {
        int kind = b.kind[i];
        if (kind == ReplayBatch.NOTHING) {
            return 0;
        }
        EventView e = b.views[i];
        long user = b.userLow[i];
        long t = state.users.touch(user); // the user's index slot: counters, newest grant, key record
        if (e.keyLength > 0 && !state.idempotency.empty()) {
            t += state.idempotency.touch(b.keyLow[i] ^ user); // the key's record, if it spilled
        }
        if (kind == ReplayBatch.GRANTED_CLAIM) {
            if (e.deviceLength > 0) {
                t += state.subjects.touch(b.device[i]);
            }
            if (e.ipLength > 0) {
                t += state.subjects.touch(b.address[i]);
            }
        }
        return t;
    }

    private boolean applyOne(ReplayBatch b, int i) {
        int kind = b.kind[i];
        EventView e = b.views[i];
        if (kind == ReplayBatch.NOTHING) {
            return machine.apply(e);
        }
        identities.beginDecision(e.buffer()); // the hashes below are of this buffer, which stays as it is
        try {
            knowIds(e);
            identities.knownUser(e.userOffset, e.userLength, b.userLow[i], b.userHigh[i]);
            if (e.keyLength > 0) {
                identities.knownKey(Identities.CLAIMS, e.keyOffset, e.keyLength, b.keyLow[i], b.keyHigh[i]);
            }
            if (kind == ReplayBatch.GRANTED_CLAIM && e.deviceLength > 0) {
                identities.knownDevice(e.deviceOffset, e.deviceLength, b.device[i]);
            }
            if (kind == ReplayBatch.GRANTED_CLAIM && e.ipLength > 0) {
                identities.knownAddress(e.ipOffset, e.ipLength, b.address[i]);
            }
            if (kind == ReplayBatch.GRANTED_CLAIM) {
                state.grants.ids.known(b.grant[i], e.grantHi, e.grantLo);
            }
            return machine.apply(e);
        } finally {
            identities.endDecision();
            state.known.forget();
        }
    }

    /**
     * Tells the applier the claim's campaign and SKU ({@link KnownIds}) when they are those of one
     * of the last claims, as in a sale they mostly are: a compare of their ids instead of a
     * lookup of each.
     */
    private void knowIds(EventView e) {
        DirectBuffer b = e.buffer();
        KnownIds known = state.known;
        for (int p = 0; p < PAIRS && campaigns[p] != null; p++) {
            known.keep(ids[p], campaigns[p], 0, campaignLength[p], skus[p], campaignLength[p], skuLength[p]);
            if (known.holdsCampaign(b, e.campaignOffset, e.campaignLength)
                && known.holdsSku(b, e.skuOffset, e.skuLength)) {
                return;
            }
        }
        known.forget();
        Campaign c = state.campaign(b, e.campaignOffset, e.campaignLength);
        Sku k = c == null ? null : state.sku(c, b, e.skuOffset, e.skuLength);
        if (k == null) {
            return; // the applier finds out by itself
        }
        int p = nextPair;
        nextPair = (p + 1) % PAIRS;
        campaigns[p] = c;
        skus[p] = k;
        campaignLength[p] = e.campaignLength;
        skuLength[p] = e.skuLength;
        ids[p].putBytes(0, b, e.campaignOffset, e.campaignLength);
        ids[p].putBytes(e.campaignLength, b, e.skuOffset, e.skuLength);
        known.keep(ids[p], c, 0, e.campaignLength, k, e.campaignLength, e.skuLength);
    }
}
