package dev.surge.engine.state;

import dev.surge.engine.event.EventView;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Up to {@link #SIZE} journaled events, copied in ({@link #add}) and, once a
 * {@link ReplayPreparer} has prepared them, the hashes of their claims' identities: the half of
 * replaying a group that reads no engine state, so that a thread other than the one applying may
 * do it ({@link ReplayGroup#apply(ReplayBatch)} does the other half). Reused: no allocation per
 * event, the buffers grow to the largest event seen ({@link #clear} lets an outsized one go).
 *
 * <p>Threading: one thread at a time; handing a batch to another thread must publish it safely
 * (a volatile write after the last change, read before the first use).
 */
public final class ReplayBatch {
    /**
     * Events per batch. Larger than the decide stage's {@link StateMachine#PREFETCH_GROUP}: replay
     * waits for no one, and a group's reads are still a few dozen lines, which L1 holds.
     */
    public static final int SIZE = 16;
    /**
     * An event buffer grown past this (a code load of thousands of codes) is let go by
     * {@link #clear}, so that many batches in a ring do not each keep one such buffer per position.
     */
    private static final int KEPT_CAPACITY = 4 * 1024;
    private static final int INITIAL_CAPACITY = 512;

    /** Per event: not a claim whose identities replay hashes ahead. */
    static final int NOTHING = 0;
    /** Per event: a rejected claim that is applied with its user and Idempotency-Key. */
    static final int REJECTED_CLAIM = 1;
    /** Per event: a granted claim; its device and address are also hashed. */
    static final int GRANTED_CLAIM = 2;

    final ExpandableArrayBuffer[] bytes = new ExpandableArrayBuffer[SIZE];
    final EventView[] views = new EventView[SIZE];
    final long[] tags = new long[SIZE];
    final boolean[] parsed = new boolean[SIZE];
    /** Per event: {@link #NOTHING}, or which claim it is (what its apply will read). */
    final int[] kind = new int[SIZE];
    final long[] userLow = new long[SIZE];
    final long[] userHigh = new long[SIZE];
    /** The Idempotency-Key's own hash, before it is combined with the user's identity. */
    final long[] keyLow = new long[SIZE];
    final long[] keyHigh = new long[SIZE];
    final long[] device = new long[SIZE];
    final long[] address = new long[SIZE];
    /** A grant's number, decrypted from its id ({@link dev.surge.engine.util.GrantIdCipher}). */
    final int[] grant = new int[SIZE];
    int count;

    public ReplayBatch() {
        for (int i = 0; i < SIZE; i++) {
            bytes[i] = new ExpandableArrayBuffer(INITIAL_CAPACITY);
            views[i] = new EventView();
        }
    }

    /**
     * Queues a copy of the event in {@code [offset, offset + length)} of {@code buffer} (which
     * may be reused as soon as this returns), under {@code tag} (the caller's name for it, e.g. a
     * journal index). Returns true when the batch is full: prepare and apply it before adding more.
     */
    public boolean add(DirectBuffer buffer, int offset, int length, long tag) {
        if (count == SIZE) {
            throw new IllegalStateException("the group is full: apply it first");
        }
        int i = count++;
        bytes[i].putBytes(0, buffer, offset, length);
        parsed[i] = views[i].wrap(bytes[i], 0, length);
        kind[i] = NOTHING; // until prepared
        tags[i] = tag;
        return count == SIZE;
    }

    /** Events queued. */
    public int size() {
        return count;
    }

    /**
     * Empties the batch for reuse. What was in it stays readable through {@link #tag} and
     * {@link #sequence} until the next {@link #add}.
     */
    public void clear() {
        for (int i = 0; i < count; i++) {
            if (bytes[i].capacity() > KEPT_CAPACITY) {
                bytes[i] = new ExpandableArrayBuffer(INITIAL_CAPACITY); // the view keeps the old one until then
            }
        }
        count = 0;
    }

    /** The tag the event at this position was added under. */
    public long tag(int position) {
        return tags[position];
    }

    /** The sequence of the event at this position, -1 when it did not parse. */
    public long sequence(int position) {
        return parsed[position] ? views[position].sequence : -1;
    }
}
