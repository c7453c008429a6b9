package dev.surge.engine.state;

import dev.surge.engine.RefundStatus;
import dev.surge.engine.util.SipHash;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

/**
 * Every payment notification that named a known order (docs/payments.md): paid, refunded or
 * refused for its amount, with the provider's transaction id, which is its idempotency key. A
 * payment is found by a keyed hash of its transaction id, and then by comparing the id's bytes:
 * the hash only picks where to look. A payment that is refunded carries the refund's status; its
 * refund is the order's {@link #refund}-th, so its refund id is {@code <orderId>-<refund>}.
 * Confined to the writer thread.
 */
final class PaymentBook {
    static final int NONE = -1;

    int size;
    int[] order = new int[16];
    long[] amount = new long[16];
    long[] at = new long[16];
    /** The decision: a {@link dev.surge.engine.ResultCode} (PAID, REFUND_REQUIRED, AMOUNT_MISMATCH). */
    byte[] result = new byte[16];
    /** A {@link dev.surge.engine.RefundReason}, NONE(0) when nothing is refunded. */
    byte[] reason = new byte[16];
    /** 1.. for a refunded payment: its number among the order's refunds; 0 otherwise. */
    byte[] refund = new byte[16];
    /** A {@link RefundStatus} code, 0 when nothing is refunded. */
    byte[] refundStatus = new byte[16];
    int[] refundAttempts = new int[16];
    byte[] refundOutcome = new byte[16];
    long[] refundAt = new long[16];
    /** The previous payment of the same order, or NONE. */
    int[] previousOfOrder = new int[16];
    /** The previous payment whose transaction id has the same hash, or NONE. */
    private int[] previousSameHash = new int[16];
    private int[] transactionAt = new int[16];
    private final PagedStrings transactions = new PagedStrings();
    private final Long2LongHashMap byHash = new Long2LongHashMap(NONE);
    /** Keyed, so that no one can choose transaction ids that pile into one chain. */
    private final SipHash hash;

    PaymentBook(SipHash root) {
        this.hash = root.derive("payment-transactions");
    }

    /** The payment with this transaction id, or NONE. */
    int find(DirectBuffer buffer, int offset, int length) {
        int p = (int) byHash.get(hash.hash(buffer, offset, length));
        while (p != NONE && !isTransaction(p, buffer, offset, length)) {
            p = previousSameHash[p];
        }
        return p;
    }

    private boolean isTransaction(int p, DirectBuffer buffer, int offset, int length) {
        return transactions.matches(transactionAt[p], buffer, offset, length);
    }

    int add(DirectBuffer buffer, int offset, int length, int orderNumber, int newestOfOrder) {
        long hash = this.hash.hash(buffer, offset, length);
        if (size == order.length) {
            grow(size * 2);
        }
        int p = size++;
        transactionAt[p] = transactions.add(buffer, offset, length);
        previousSameHash[p] = (int) byHash.get(hash);
        byHash.put(hash, p);
        order[p] = orderNumber;
        previousOfOrder[p] = newestOfOrder;
        refund[p] = 0;
        refundStatus[p] = 0;
        refundAttempts[p] = 0;
        refundOutcome[p] = 0;
        refundAt[p] = 0;
        return p;
    }

    String transaction(int p) {
        return transactions.text(transactionAt[p], java.nio.charset.StandardCharsets.US_ASCII);
    }

    boolean refundPending(int p) {
        return refundStatus[p] == RefundStatus.REQUIRED.code();
    }

    /** The payment that is refund {@code n} of its order, walking the order's payments from {@code newest}. */
    int refundOf(int newest, int n) {
        for (int p = newest; p != NONE; p = previousOfOrder[p]) {
            if (refund[p] == n) {
                return p;
            }
        }
        return NONE;
    }

    private void grow(int n) {
        order = Arrays.copyOf(order, n);
        amount = Arrays.copyOf(amount, n);
        at = Arrays.copyOf(at, n);
        result = Arrays.copyOf(result, n);
        reason = Arrays.copyOf(reason, n);
        refund = Arrays.copyOf(refund, n);
        refundStatus = Arrays.copyOf(refundStatus, n);
        refundAttempts = Arrays.copyOf(refundAttempts, n);
        refundOutcome = Arrays.copyOf(refundOutcome, n);
        refundAt = Arrays.copyOf(refundAt, n);
        previousOfOrder = Arrays.copyOf(previousOfOrder, n);
        previousSameHash = Arrays.copyOf(previousSameHash, n);
        transactionAt = Arrays.copyOf(transactionAt, n);
    }
}
