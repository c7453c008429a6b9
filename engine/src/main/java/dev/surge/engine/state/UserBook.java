package dev.surge.engine.state;

import dev.surge.engine.util.Hashing;

/**
 * What a claim reads and writes of its user, in the user's one cache line ({@link UserLines}):
 * the grants counted against one campaign's and one SKU's per-user limits, the user's newest
 * grant (the head of their list in {@link GrantBook}), and one claim's Idempotency-Key record.
 * A flash-sale user claims in one campaign, one SKU, under one key at a time, so a claim
 * misses the cache once for its user instead of once per number (docs/architecture.md).
 *
 * <p>Whatever does not fit spills to the shared tables: a second campaign's or SKU's counter to
 * the {@link SubjectTable}, a second live key's record to the {@link IdempotencyTable}, and a
 * flag in the line says so, so a user who never spilled is never looked up there. A counter's
 * word, once a campaign's or SKU's, stays theirs (at zero too); the key record's slot is
 * reused once its record has expired. Where a number lives follows from the events alone, so a
 * replay puts every number where the live run put it.
 *
 * <p>Line layout, 8 longs: identity low, identity high, campaign counter, SKU counter,
 * {@code flags:32 | newest grant + 1:32}, key identity (low half), request fingerprint, outcome
 * ({@link IdempotencyTable#outcome}); a counter is {@code index + 1:32 | count:32}. The key is
 * kept by its low half only: the line is already the user's by both halves, so the key's 64
 * bits tell apart only that user's own keys. Confined to the writer thread.
 */
final class UserBook {
    static final int NONE = -1;
    private static final int CAMPAIGN = 2;
    private static final int SKU = 3;
    private static final int NEWEST = 4;
    private static final int KEY = 5;
    private static final int FINGERPRINT = 6;
    private static final int OUTCOME = 7;
    private static final long COUNTERS_SPILLED = 1L << 32;
    private static final long KEYS_SPILLED = 1L << 33;
    private static final long NEWEST_MASK = 0xFFFF_FFFFL;

    final UserLines lines;
    private final SubjectTable spilledCounters;
    private final IdempotencyTable spilledKeys;

    /**
     * The last user looked up and their line (MISSING: none yet), valid while {@link #remembered}:
     * a claim's decision and its apply ask for the same user several times.
     */
    private long lastHigh;
    private long lastLow;
    private int last;
    private boolean remembered;

    // the record the last findKey found
    private long foundFingerprint;
    private long foundOutcome;

    /** Users whose lines' index records in {@code growth} each time it doubles on the writer. */
    UserBook(SubjectTable spilledCounters, IdempotencyTable spilledKeys, TableGrowth growth) {
        this.spilledCounters = spilledCounters;
        this.spilledKeys = spilledKeys;
        this.lines = new UserLines(growth);
    }

    private int line(long high, long low) {
        if (!remembered || lastLow != low || lastHigh != high) {
            memo(high, low, lines.find(high, low));
        }
        return last;
    }

    private int lineOrNew(long high, long low) {
        int line = line(high, low);
        if (line == UserLines.MISSING) {
            line = lines.add(high, low);
            memo(high, low, line);
        }
        return line;
    }

    private void memo(long high, long low, int line) {
        lastHigh = high;
        lastLow = low;
        last = line;
        remembered = true;
    }

    /** Grants of the user counted in a campaign ({@code EngineState.CAMPAIGN_USER}) or SKU ({@code SKU_USER}). */
    long count(long dimension, int scope, long high, long low) {
        int line = line(high, low);
        if (line == UserLines.MISSING) {
            return 0;
        }
        long counter = lines.get(line, word(dimension));
        if ((counter >>> 32) == scope + 1L) {
            return (int) counter;
        }
        return (lines.get(line, NEWEST) & COUNTERS_SPILLED) == 0 ? 0
            : spilledCounters.get(EngineState.limitKey(dimension, scope, low));
    }

    /** Adds {@code by} (+1, or -1 to release one) to {@link #count}. */
    void add(long dimension, int scope, long high, long low, int by) {
        int line = lineOrNew(high, low);
        int word = word(dimension);
        long counter = lines.get(line, word);
        long tag = scope + 1L;
        if (counter == 0 || (counter >>> 32) == tag) {
            lines.set(line, word, (tag << 32) | (((int) counter + by) & 0xFFFF_FFFFL));
            return;
        }
        lines.set(line, NEWEST, lines.get(line, NEWEST) | COUNTERS_SPILLED);
        long key = EngineState.limitKey(dimension, scope, low);
        spilledCounters.put(key, spilledCounters.get(key) + by);
    }

    private static int word(long dimension) {
        if (dimension == EngineState.CAMPAIGN_USER) {
            return CAMPAIGN;
        }
        if (dimension == EngineState.SKU_USER) {
            return SKU;
        }
        throw new IllegalArgumentException("not a per-user limit: " + dimension);
    }

    /** The user's newest grant, or NONE. */
    int newest(long high, long low) {
        int line = line(high, low);
        return line == UserLines.MISSING ? NONE : (int) (lines.get(line, NEWEST) & NEWEST_MASK) - 1;
    }

    /** Makes {@code g} (or NONE) the user's newest grant; returns the one it replaces. */
    int newest(long high, long low, int g) {
        int line = lineOrNew(high, low);
        long word = lines.get(line, NEWEST);
        lines.set(line, NEWEST, (word & ~NEWEST_MASK) | ((g + 1L) & NEWEST_MASK));
        return (int) (word & NEWEST_MASK) - 1;
    }

    /**
     * Whether a claim's Idempotency-Key (identity {@code keyHigh, keyLow}) of this user has a
     * record live at {@code time}: then {@link #foundFingerprint}, {@link #foundResult} and
     * {@link #foundReference} read it.
     */
    boolean findKey(long high, long low, long keyHigh, long keyLow, long time) {
        int line = line(high, low);
        if (line == UserLines.MISSING) {
            return false;
        }
        long outcome = lines.get(line, OUTCOME);
        if (lines.get(line, KEY) == keyLow && spilledKeys.liveAt(outcome, time)) {
            foundFingerprint = lines.get(line, FINGERPRINT);
            foundOutcome = outcome;
            return true;
        }
        if ((lines.get(line, NEWEST) & KEYS_SPILLED) == 0) {
            return false;
        }
        int at = spilledKeys.find(keyHigh, keyLow, time);
        if (at == IdempotencyTable.MISSING) {
            return false;
        }
        foundFingerprint = spilledKeys.fingerprint(at);
        foundOutcome = spilledKeys.outcome(at);
        return true;
    }

    long foundFingerprint() {
        return foundFingerprint;
    }

    int foundResult() {
        return IdempotencyTable.result(foundOutcome);
    }

    int foundReference() {
        return IdempotencyTable.reference(foundOutcome);
    }

    /**
     * Records a claim's first decision under its key; a live record of the key keeps its first
     * decision. A claim is decided afresh only when {@link #findKey} found no record, so the line
     * is checked here only for the key itself, and the idempotency table checks its own.
     */
    void remember(long high, long low, long keyHigh, long keyLow, long fingerprint, int result, int reference,
                  long time) {
        int line = lineOrNew(high, low);
        long outcome = lines.get(line, OUTCOME);
        if (!spilledKeys.liveAt(outcome, time)) {
            lines.set(line, KEY, keyLow);
            lines.set(line, FINGERPRINT, fingerprint);
            lines.set(line, OUTCOME, IdempotencyTable.outcome(result, reference, time));
            return;
        }
        if (lines.get(line, KEY) == keyLow) {
            return; // the line's own live record
        }
        lines.set(line, NEWEST, lines.get(line, NEWEST) | KEYS_SPILLED);
        spilledKeys.put(keyHigh, keyLow, fingerprint, result, reference, time);
    }

    /** Key records held in lines and live at {@code time} (the spilled ones are the idempotency table's). */
    int liveKeys(long time) {
        int live = 0;
        for (int line = 0; line < lines.size(); line++) {
            if (spilledKeys.liveAt(lines.get(line, OUTCOME), time)) {
                live++;
            }
        }
        return live;
    }

    /** Reads the index slot where a lookup of this user starts ({@link StateMachine#prefetch}). */
    long touch(long low) {
        return lines.touch(low);
    }

    /**
     * Reads the user's line, if they have one, and the shared table's line their counters spilled
     * to, if they did: the second read ahead, once {@link #touch} has brought in the index slot
     * that leads there ({@link StateMachine#prefetchLine}). A key's record that may have spilled
     * is read in the first pass instead, without waiting for the line to say so (once any key has
     * spilled): a user who claims again and again under new keys spills every one, and a third
     * read in a chain cost such a claim more than the first pass's extra read costs a new user's.
     */
    long touchLine(long high, long low) {
        int line = lines.find(high, low);
        if (line == UserLines.MISSING) {
            return line;
        }
        long flags = lines.get(line, NEWEST);
        return (flags & COUNTERS_SPILLED) == 0 ? flags : flags + spilledCounters.touch(low);
    }

    void reserve(long users) {
        lines.reserve(users);
    }

    /**
     * Digest of every line in order, a key record that is not live at {@code time} as none: the
     * same events give the same lines, whether applied live, replayed or restored from a snapshot.
     */
    long digest(long time) {
        long d = lines.size();
        for (int line = 0; line < lines.size(); line++) {
            boolean live = spilledKeys.liveAt(lines.get(line, OUTCOME), time);
            for (int w = 0; w < UserLines.WORDS; w++) {
                long v = w >= KEY && !live ? 0 : lines.get(line, w);
                d = Hashing.combine(d, v);
            }
        }
        return d;
    }

    /** Line {@code line}'s words into {@code words} (lines are numbered in the order users first came), for a snapshot. */
    void words(int line, long[] words) {
        for (int w = 0; w < UserLines.WORDS; w++) {
            words[w] = lines.get(line, w);
        }
    }

    /**
     * Puts back a line as {@link #words} gave it, lines in the same order, without its newest
     * grant: the grant lists are rebuilt as the grants are restored ({@link GrantBook#add}).
     */
    void restore(long[] words) {
        remembered = false; // a user remembered as MISSING may be the one restored
        int line = lines.add(words[UserLines.HIGH], words[UserLines.LOW]);
        for (int w = CAMPAIGN; w < UserLines.WORDS; w++) {
            lines.set(line, w, w == NEWEST ? words[w] & ~NEWEST_MASK : words[w]);
        }
    }

    /** Drops every line and gives back the memory (tools that measure what the lines held). */
    void clear() {
        lines.clear();
        remembered = false;
    }
}
