package dev.surge.engine.state;

import dev.surge.engine.util.GrantIdCipher;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

/**
 * Every grant, as parallel primitive arrays indexed by grant number (struct of arrays: no
 * object per grant). Items of all grants live in a second set of arrays. A user's grants form
 * a linked list from the newest, so "my grants" walks only that user's. The list's head is in
 * the owner's line ({@link UserBook}), found by the owner's whole 128-bit identity, so a list
 * holds its owner's grants and nobody else's.
 * A grant's id is its number under a keyed permutation ({@link GrantIdCipher}), so finding a grant
 * by id is a decryption and one compare, with no index of ids.
 *
 * <p>Each user's list is kept newest first by grant number, also when a grant changes owner
 * ({@link #transfer}): it leaves the giver's list and enters the recipient's at its place. So a
 * state rebuilt by adding the grants in number order (a snapshot) has the very same lists. A
 * transfer walks the giver's grants newer than the gift and the recipient's newer than it: those
 * two users' grants, never anyone else's (docs/lifecycle.md). Confined to the writer thread.
 */
final class GrantBook {
    static final int NONE = -1;

    int size;
    long[] idHi = new long[64];
    int[] idLo = new int[64];
    /** The owner's 128-bit identity ({@link dev.surge.engine.util.Identities#user}): ownership compares both halves. */
    long[] ownerHigh = new long[64];
    long[] ownerLow = new long[64];
    int[] sku = new int[64];
    long[] createdAt = new long[64];
    long[] redeemedAt = new long[64];
    /** A {@link dev.surge.engine.GrantStatus} code: ACTIVE (0) or REVOKED. */
    byte[] status = new byte[64];
    int[] previousOfUser = new int[64];
    int[] firstItem = new int[64];
    byte[] itemCount = new byte[64];
    /** Offset of the recharge account in {@link #accounts}, or NONE. */
    int[] account = new int[64];

    int items;
    int[] itemSku = new int[64];
    /** The code's index in its SKU's pool, or NONE for a recharge. */
    int[] itemCode = new int[64];
    byte[] itemStatus = new byte[64];
    /** Index into the SKU's supplier list of the supplier that settled it, or NONE. */
    byte[] itemSupplier = new byte[64];

    /** The recharge accounts of grants and of reserved orders. */
    final PagedStrings accounts = new PagedStrings();

    /** Makes and reads the ids of grants this state issues. */
    final GrantIdCipher ids;
    /**
     * Grant id (high 64 bits) to grant number, for the grants whose id is not their number under
     * {@link #ids}: those of journals written before grant ids were a permutation (ids were random
     * bits then), or replayed under another key. Empty otherwise.
     */
    private Long2LongHashMap otherIds = new Long2LongHashMap(NONE);
    /** Holds each user's newest grant number, in the user's line. */
    private final UserBook users;

    /** Records each time the arrays grow on the writer. */
    private final TableGrowth growth;

    GrantBook(UserBook users, GrantIdCipher ids, TableGrowth growth) {
        this.users = users;
        this.ids = ids;
        this.growth = growth;
    }

    /** The newest grant number of the user with this 128-bit identity, or NONE. */
    int newestOf(long ownerHigh, long ownerLow) {
        return users.newest(ownerHigh, ownerLow);
    }

    /** Whether grant {@code g} belongs to the user with this 128-bit identity. */
    boolean owns(int g, long high, long low) {
        return ownerLow[g] == low && ownerHigh[g] == high;
    }

    int find(long hi, int lo) {
        int g = ids.decrypt(hi, lo);
        if (g == GrantIdCipher.NOT_AN_ID || g >= size || idHi[g] != hi || idLo[g] != lo) {
            g = otherIds.isEmpty() ? NONE : (int) otherIds.get(hi);
        }
        return g != NONE && idHi[g] == hi && idLo[g] == lo ? g : NONE;
    }

    /** Puts the id grant number {@code size} gets when issued now into {@code ids.hi(), ids.lo()}. */
    void nextId() {
        ids.encrypt(size);
    }

    int add(long hi, int lo, long ownerHigh, long ownerLow, int skuIndex, long time) {
        if (size == idHi.length) {
            long start = System.nanoTime();
            growGrants();
            growth.grew(start);
        }
        int g = size++;
        idHi[g] = hi;
        idLo[g] = lo;
        this.ownerHigh[g] = ownerHigh;
        this.ownerLow[g] = ownerLow;
        sku[g] = skuIndex;
        createdAt[g] = time;
        redeemedAt[g] = 0;
        status[g] = 0;
        firstItem[g] = items;
        itemCount[g] = 0;
        account[g] = NONE;
        previousOfUser[g] = users.newest(ownerHigh, ownerLow, g);
        if (!ids.isIdOf(hi, lo, g)) {
            otherIds.put(hi, g);
        }
        return g;
    }

    /** Gives grant {@code g} to the user with this 128-bit identity: out of its owner's list, into theirs. */
    void transfer(int g, long toHigh, long toLow) {
        unlink(g);
        ownerHigh[g] = toHigh;
        ownerLow[g] = toLow;
        link(g);
    }

    private void unlink(int g) {
        int head = users.newest(ownerHigh[g], ownerLow[g]);
        if (head == g) {
            users.newest(ownerHigh[g], ownerLow[g], previousOfUser[g]);
            return;
        }
        int x = head;
        while (previousOfUser[x] != g) { // the owner's grants newer than g
            x = previousOfUser[x];
        }
        previousOfUser[x] = previousOfUser[g];
    }

    /** Puts g into its owner's list at its place: lists stay newest first by number. */
    private void link(int g) {
        int head = users.newest(ownerHigh[g], ownerLow[g]);
        if (head < g) { // NONE is below every grant
            previousOfUser[g] = head;
            users.newest(ownerHigh[g], ownerLow[g], g);
            return;
        }
        int x = head;
        while (previousOfUser[x] > g) { // the owner's grants newer than g
            x = previousOfUser[x];
        }
        previousOfUser[g] = previousOfUser[x];
        previousOfUser[x] = g;
    }

    void addItem(int grant, int skuIndex, int code, int status) {
        if (items == itemSku.length) {
            long start = System.nanoTime();
            ensureItemCapacity(items * 2);
            growth.grew(start);
        }
        itemSku[items] = skuIndex;
        itemCode[items] = code;
        itemStatus[items] = (byte) status;
        itemSupplier[items] = NONE;
        items++;
        itemCount[grant]++;
    }

    void setAccount(int grant, DirectBuffer buffer, int offset, int length) {
        account[grant] = accounts.add(buffer, offset, length);
    }

    /** The grant's recharge account, or null. */
    String account(int grant) {
        int at = account[grant];
        return at == NONE ? null : accounts.text(at, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Room for this many grants (of one item each) without growing an array or rehashing. */
    void reserve(int grants) {
        if (idHi.length < grants) {
            growGrants(grants);
        }
        ensureItemCapacity(grants);
    }

    private void growGrants() {
        growGrants(size * 2);
    }

    private void growGrants(int n) {
        idHi = Arrays.copyOf(idHi, n);
        idLo = Arrays.copyOf(idLo, n);
        ownerHigh = Arrays.copyOf(ownerHigh, n);
        ownerLow = Arrays.copyOf(ownerLow, n);
        sku = Arrays.copyOf(sku, n);
        createdAt = Arrays.copyOf(createdAt, n);
        redeemedAt = Arrays.copyOf(redeemedAt, n);
        status = Arrays.copyOf(status, n);
        previousOfUser = Arrays.copyOf(previousOfUser, n);
        firstItem = Arrays.copyOf(firstItem, n);
        itemCount = Arrays.copyOf(itemCount, n);
        account = Arrays.copyOf(account, n);
    }

    void ensureItemCapacity(int itemTotal) {
        while (itemSku.length < itemTotal) {
            int n = itemSku.length * 2;
            itemSku = Arrays.copyOf(itemSku, n);
            itemCode = Arrays.copyOf(itemCode, n);
            itemStatus = Arrays.copyOf(itemStatus, n);
            itemSupplier = Arrays.copyOf(itemSupplier, n);
        }
    }
}
