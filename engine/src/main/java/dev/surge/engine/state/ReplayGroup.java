package dev.surge.engine.state;

import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.Identities;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Applies journaled events to a {@link StateMachine} a group at a time, so that the cache misses
 * of a group overlap: replay's share of the decide stage's {@link StateMachine#prefetch}
 * (docs/architecture.md). A claim replayed into tables of millions misses on its user's counters
 * and newest grant, and on its idempotency record; one after the other, each claim waited for
 * both. Here the events of a group are copied in ({@link #add}), then, before the first is
 * applied, the identities of the claims among them are hashed, all in one pass, and the home
 * lines of their tables read back to back, in a loop with nothing else in it, so that the reads
 * are in flight together; then the events are applied in order. The hashes are handed to
 * {@link Identities} for the event they were computed from ({@link Identities#knownUser} and
 * the like), and the claim's campaign and SKU to {@link KnownIds}, so the applier finds them
 * there instead of hashing and looking them up again. What is applied, and in what order, is
 * exactly what {@link StateMachine#apply} would do one event at a time. From the first event
 * added the machine's code index is only counted, not kept: {@link #finish} builds it (or the
 * first decision that reads it does).
 *
 * <p>No allocation per event: the group's buffers grow to the largest event seen and are reused.
 *
 * <p>Threading: confined to the thread that replays into the machine.
 */
public final class ReplayGroup {
    /**
     * Events per group. Larger than the decide stage's {@link StateMachine#PREFETCH_GROUP}: replay
     * waits for no one, and a group's reads are still a few dozen lines, which L1 holds.
     */
    public static final int SIZE = 16;
    /** What {@link #apply} returns when every queued event was applied. */
    public static final int ALL_APPLIED = -1;

    /**
     * Lines read past a user's home in the subject table: a new user's three entries go to the
     * first free slots of the run there, which near three quarters full reaches a line or two
     * further (reading two more took 10M-event recovery from about 11 to 10 s, a third no further).
     */
    private static final int SUBJECT_LINES_AHEAD = 2;
    private static final int PAIRS = 4;
    private static final int NOTHING = 0;
    private static final int REJECTED_CLAIM = 1;
    private static final int GRANTED_CLAIM = 2;

    private final StateMachine machine;
    private final EngineState state;
    private final Identities identities;
    private final ExpandableArrayBuffer[] bytes = new ExpandableArrayBuffer[SIZE];
    private final EventView[] views = new EventView[SIZE];
    private final long[] tags = new long[SIZE];
    private final boolean[] parsed = new boolean[SIZE];
    /** Per event: NOTHING, or which claim it is (what its apply will read). */
    private final int[] kind = new int[SIZE];
    private final long[] userLow = new long[SIZE];
    private final long[] userHigh = new long[SIZE];
    /** The Idempotency-Key's own hash, before it is combined with the user's identity. */
    private final long[] keyLow = new long[SIZE];
    private final long[] keyHigh = new long[SIZE];
    private final long[] device = new long[SIZE];
    private final long[] address = new long[SIZE];
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
    private int count;
    /** Sum of what the reads ahead read: stored, so that the compiler keeps the reads. */
    private long touched;

    ReplayGroup(StateMachine machine, EngineState state) {
        this.machine = machine;
        this.state = state;
        this.identities = state.identities;
        for (int i = 0; i < SIZE; i++) {
            bytes[i] = new ExpandableArrayBuffer(512);
            views[i] = new EventView();
        }
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
        if (count == SIZE) {
            throw new IllegalStateException("the group is full: apply it first");
        }
        state.codes.defer(); // replay needs no code index: finish() builds it at its final size
        int i = count++;
        bytes[i].putBytes(0, buffer, offset, length);
        parsed[i] = views[i].wrap(bytes[i], 0, length);
        tags[i] = tag;
        return count == SIZE;
    }

    /** Events queued and not yet applied. */
    public int size() {
        return count;
    }

    /**
     * Applies the queued events in order and empties the group. Returns {@link #ALL_APPLIED}, or
     * the position of the first event the machine refused (not well formed, or not the next in
     * sequence: see {@link StateMachine#apply}): nothing from it on was applied, and its
     * {@link #tag} and {@link #sequence} stay readable until the next {@link #add}.
     */
    public int apply() {
        int n = count;
        count = 0;
        for (int i = 0; i < n; i++) {
            hash(i);
        }
        long t = 0;
        for (int i = 0; i < n; i++) { // back to back: the reads of the group are in flight together
            t += touch(i);
        }
        touched += t;
        for (int i = 0; i < n; i++) {
            if (!parsed[i] || !applyOne(i)) {
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

    /** The tag the event at this position was added under. */
    public long tag(int position) {
        return tags[position];
    }

    /** The sequence of the event at this position, -1 when it did not parse. */
    public long sequence(int position) {
        return parsed[position] ? views[position].sequence : -1;
    }

    /** Hashes what the apply of claim {@code i} will hash: its user, Idempotency-Key, device and address. */
    private void hash(int i) {
        kind[i] = NOTHING;
        if (!parsed[i]) {
            return;
        }
        EventView e = views[i];
        if (e.type == EventType.CLAIM_GRANTED) {
            kind[i] = GRANTED_CLAIM;
        } else if (e.type == EventType.CLAIM_REJECTED && e.result != ResultCode.UNKNOWN_CAMPAIGN
            && e.result != ResultCode.UNKNOWN_SKU) { // those are applied without their user (EventApplier)
            kind[i] = REJECTED_CLAIM;
        } else {
            return;
        }
        DirectBuffer b = e.buffer();
        userLow[i] = identities.user(b, e.userOffset, e.userLength);
        userHigh[i] = identities.userHigh();
        if (e.keyLength > 0) {
            keyLow[i] = identities.key(Identities.CLAIMS, 0, 0, b, e.keyOffset, e.keyLength);
            keyHigh[i] = identities.keyHigh();
        }
        if (kind[i] == GRANTED_CLAIM) { // the limits count the device and the address of a grant
            device[i] = e.deviceLength > 0 ? identities.device(b, e.deviceOffset, e.deviceLength) : 0;
            address[i] = e.ipLength > 0 ? identities.address(b, e.ipOffset, e.ipLength) : 0;
        }
    }

    /** Reads the home lines claim {@code i}'s apply will read first. */
    private long touch(int i) {
        if (kind[i] == NOTHING) {
            return 0;
        }
        EventView e = views[i];
        long t = 0;
        if (e.keyLength > 0) {
            t += state.idempotency.touch(keyLow[i] ^ userLow[i]);
        }
        if (kind[i] == GRANTED_CLAIM) {
            t += state.subjects.touch(userLow[i], SUBJECT_LINES_AHEAD); // newest grant and the user's limit counters
            if (e.deviceLength > 0) {
                t += state.subjects.touch(device[i]);
            }
            if (e.ipLength > 0) {
                t += state.subjects.touch(address[i]);
            }
        }
        return t;
    }

    private boolean applyOne(int i) {
        if (kind[i] == NOTHING) {
            return machine.apply(views[i]);
        }
        EventView e = views[i];
        identities.beginDecision(e.buffer()); // the hashes below are of this buffer, which stays as it is
        try {
            knowIds(e);
            identities.knownUser(e.userOffset, e.userLength, userLow[i], userHigh[i]);
            if (e.keyLength > 0) {
                identities.knownKey(Identities.CLAIMS, e.keyOffset, e.keyLength, keyLow[i], keyHigh[i]);
            }
            if (kind[i] == GRANTED_CLAIM && e.deviceLength > 0) {
                identities.knownDevice(e.deviceOffset, e.deviceLength, device[i]);
            }
            if (kind[i] == GRANTED_CLAIM && e.ipLength > 0) {
                identities.knownAddress(e.ipOffset, e.ipLength, address[i]);
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
