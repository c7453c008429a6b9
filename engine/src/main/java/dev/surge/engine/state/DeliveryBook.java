package dev.surge.engine.state;

import dev.surge.engine.DeliveryOutcome;
import java.util.Arrays;

/**
 * Where each recharge item's delivery stands beyond its status (kept in {@link GrantBook}): the
 * attempt number, the outcome and the time of its last record. Parallel arrays indexed by item
 * number, grown as records arrive (items never recorded read as 0 / NONE). This is what a
 * restart needs to resume an item where it was, and to ask a supplier first when its last
 * request may have landed. Confined to the writer thread.
 */
final class DeliveryBook {
    /** Items covered by the arrays (the highest recorded item + 1). */
    int size;
    int[] attempts = new int[0];
    byte[] outcome = new byte[0];
    long[] lastAt = new long[0];

    void record(int item, int attempt, int outcomeCode, long time) {
        ensure(item + 1);
        attempts[item] = attempt;
        outcome[item] = (byte) outcomeCode;
        lastAt[item] = time;
    }

    int attempts(int item) {
        return item < size ? attempts[item] : 0;
    }

    DeliveryOutcome outcome(int item) {
        DeliveryOutcome o = item < size ? DeliveryOutcome.of(outcome[item]) : DeliveryOutcome.NONE;
        return o == null ? DeliveryOutcome.NONE : o;
    }

    long lastAt(int item) {
        return item < size ? lastAt[item] : 0;
    }

    void ensure(int items) {
        if (items <= size) {
            return;
        }
        if (items > attempts.length) {
            int n = Math.max(items, Math.max(64, attempts.length * 2));
            attempts = Arrays.copyOf(attempts, n);
            outcome = Arrays.copyOf(outcome, n);
            lastAt = Arrays.copyOf(lastAt, n);
        }
        size = items;
    }
}
