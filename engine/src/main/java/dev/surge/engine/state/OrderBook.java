package dev.surge.engine.state;

import dev.surge.engine.OrderStatus;
import dev.surge.engine.util.GrantIdCipher;
import java.util.Arrays;
import org.agrona.collections.Int2IntHashMap;

/**
 * Every order of a paid SKU (docs/payments.md), as parallel primitive arrays indexed by order
 * number, like {@link GrantBook}. An order's id is its number under a keyed permutation of its
 * own ({@link GrantIdCipher} with the purpose "order-ids"), so finding an order is a decryption
 * and one compare. Reserved orders wait in a {@link DeadlineHeap} by {@code payBy}: the heap is
 * derived (rebuilt on restore, never snapshotted), and an entry whose order is no longer
 * RESERVED is simply dropped when it comes up. Confined to the writer thread.
 */
final class OrderBook {
    static final int NONE = -1;
    /** {@link #counted} bits: which of the claim's subjects the order counts against a limit. */
    static final int COUNTS_DEVICE = 1;
    static final int COUNTS_IP = 2;

    int size;
    long[] idHi = new long[16];
    int[] idLo = new int[16];
    long[] ownerHigh = new long[16];
    long[] ownerLow = new long[16];
    int[] sku = new int[16];
    long[] amount = new long[16];
    long[] createdAt = new long[16];
    long[] payBy = new long[16];
    byte[] status = new byte[16];
    /** The price's currency as fixed at reservation ({@link #packCurrency}). */
    int[] currency = new int[16];
    /** The grant issued when paid, or NONE. */
    int[] grant = new int[16];
    /** The recharge account's offset in the grant book's arena, or NONE. */
    int[] account = new int[16];
    /** The device and address hashes the order's limits count under, and which ({@link #COUNTS_DEVICE}). */
    long[] device = new long[16];
    long[] address = new long[16];
    byte[] counted = new byte[16];
    /** The newest payment of the order ({@link PaymentBook}), or NONE. */
    int[] newestPayment = new int[16];

    final GrantIdCipher ids;
    final DeadlineHeap deadlines = new DeadlineHeap();
    /** Paid orders by their grant (derived, like the heap): a revoked paid grant finds its payment. */
    private final Int2IntHashMap byGrant = new Int2IntHashMap(NONE);

    /** Records each time the arrays grow on the writer. */
    private final TableGrowth growth;

    OrderBook(GrantIdCipher ids, TableGrowth growth) {
        this.ids = ids;
        this.growth = growth;
    }

    int find(long hi, int lo) {
        int o = ids.decrypt(hi, lo);
        return o != GrantIdCipher.NOT_AN_ID && o < size && idHi[o] == hi && idLo[o] == lo ? o : NONE;
    }

    /** Puts the id order number {@code size} gets when reserved now into {@code ids.hi(), ids.lo()}. */
    void nextId() {
        ids.encrypt(size);
    }

    /** A currency code of 1-3 ASCII letters as one int (0 for anything else), so orders compare it without a String. */
    static int packCurrency(org.agrona.DirectBuffer buffer, int offset, int length) {
        if (length < 1 || length > 3) {
            return 0;
        }
        int packed = 0;
        for (int i = 0; i < length; i++) {
            packed = packed << 8 | (buffer.getByte(offset + i) & 0xFF);
        }
        return packed;
    }

    static String currencyText(int packed) {
        StringBuilder b = new StringBuilder(3);
        for (int shift = 16; shift >= 0; shift -= 8) {
            int c = packed >>> shift & 0xFF;
            if (c != 0) {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    int add(long hi, int lo, long ownerHigh, long ownerLow, int skuIndex, long amount, long time, long payBy) {
        if (size == idHi.length) {
            long start = System.nanoTime();
            grow(size * 2);
            growth.grew(start);
        }
        int o = size++;
        idHi[o] = hi;
        idLo[o] = lo;
        this.ownerHigh[o] = ownerHigh;
        this.ownerLow[o] = ownerLow;
        sku[o] = skuIndex;
        this.amount[o] = amount;
        createdAt[o] = time;
        this.payBy[o] = payBy;
        status[o] = OrderStatus.RESERVED.code();
        grant[o] = NONE;
        account[o] = NONE;
        device[o] = 0;
        address[o] = 0;
        counted[o] = 0;
        newestPayment[o] = NONE;
        deadlines.push(o, payBy);
        return o;
    }

    void paid(int o, int g) {
        grant[o] = g;
        byGrant.put(g, o);
    }

    /** The order that grant {@code g} was issued for, or NONE (a free claim's grant). */
    int ofGrant(int g) {
        return g < 0 || byGrant.isEmpty() ? NONE : byGrant.get(g);
    }

    boolean owns(int o, long high, long low) {
        return ownerLow[o] == low && ownerHigh[o] == high;
    }

    boolean reserved(int o) {
        return status[o] == OrderStatus.RESERVED.code();
    }

    /**
     * The earliest {@code payBy} of a RESERVED order, or Long.MAX_VALUE: drops entries of orders
     * paid, cancelled or expired since they were pushed.
     */
    long nextDeadline() {
        while (!deadlines.isEmpty() && !reserved(deadlines.peek())) {
            deadlines.pop();
        }
        return deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.peekDeadline();
    }

    /** Takes the next RESERVED order due at {@code time} off the heap, or NONE. */
    int pollDue(long time) {
        return nextDeadline() <= time ? deadlines.pop() : NONE;
    }

    /** After a restore: every RESERVED order back in the heap, every paid one in the grant index. */
    void rebuildDerived() {
        deadlines.clear();
        byGrant.clear();
        for (int o = 0; o < size; o++) {
            if (reserved(o)) {
                deadlines.push(o, payBy[o]);
            } else if (grant[o] != NONE) {
                byGrant.put(grant[o], o);
            }
        }
    }

    private void grow(int n) {
        idHi = Arrays.copyOf(idHi, n);
        idLo = Arrays.copyOf(idLo, n);
        ownerHigh = Arrays.copyOf(ownerHigh, n);
        ownerLow = Arrays.copyOf(ownerLow, n);
        sku = Arrays.copyOf(sku, n);
        amount = Arrays.copyOf(amount, n);
        createdAt = Arrays.copyOf(createdAt, n);
        payBy = Arrays.copyOf(payBy, n);
        status = Arrays.copyOf(status, n);
        currency = Arrays.copyOf(currency, n);
        grant = Arrays.copyOf(grant, n);
        account = Arrays.copyOf(account, n);
        device = Arrays.copyOf(device, n);
        address = Arrays.copyOf(address, n);
        counted = Arrays.copyOf(counted, n);
        newestPayment = Arrays.copyOf(newestPayment, n);
    }

    /** Room for this many orders without growing. */
    void ensureCapacity(int n) {
        if (idHi.length < n) {
            grow(n);
        }
    }

    /**
     * A binary min-heap of order numbers by deadline, in two primitive arrays. Ties break by
     * order number, so the order in which orders expire is the same on every replay.
     */
    static final class DeadlineHeap {
        private int[] order = new int[16];
        private long[] deadline = new long[16];
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        int peek() {
            return order[0];
        }

        long peekDeadline() {
            return deadline[0];
        }

        void clear() {
            size = 0;
        }

        void push(int o, long at) {
            if (size == order.length) {
                order = Arrays.copyOf(order, size * 2);
                deadline = Arrays.copyOf(deadline, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!before(at, o, deadline[parent], order[parent])) {
                    break;
                }
                order[i] = order[parent];
                deadline[i] = deadline[parent];
                i = parent;
            }
            order[i] = o;
            deadline[i] = at;
        }

        int pop() {
            int top = order[0];
            int lastOrder = order[--size];
            long lastAt = deadline[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && before(deadline[child + 1], order[child + 1], deadline[child], order[child])) {
                    child++;
                }
                if (!before(deadline[child], order[child], lastAt, lastOrder)) {
                    break;
                }
                order[i] = order[child];
                deadline[i] = deadline[child];
                i = child;
            }
            order[i] = lastOrder;
            deadline[i] = lastAt;
            return top;
        }

        private static boolean before(long at, int o, long otherAt, int other) {
            return at < otherAt || (at == otherAt && o < other);
        }
    }
}
