package dev.surge.engine.util;

/**
 * Grant ids as a keyed permutation of the grant number (docs/security.md): the 96-bit id is
 * the grant number encrypted under the data directory's key, so an id reveals neither a count
 * nor a neighbour, two grants never share one, and the engine finds a grant from its id by
 * decrypting it: no index of ids, no collision check, no random bits on the claim path.
 *
 * <p>The cipher is a balanced Feistel network over two 48-bit halves, four rounds, each round
 * function a SipHash of the round number and the half under a key derived for this purpose
 * (four rounds of a pseudo-random function make a strong pseudo-random permutation, Luby and
 * Rackoff). The plaintext is {@code (0, grant number)}: an id that does not decrypt to a zero
 * left half was never issued (2<sup>-48</sup> for a forged one), so a guess is answered as an
 * unknown grant without looking at any state.
 *
 * <p>Orders' ids are made the same way under a key derived for them (docs/payments.md), so an
 * order id is never a grant id's neighbour either.
 *
 * <p>{@link #encrypt} leaves its result in {@link #hi()} and {@link #lo()}, so that the claim
 * path allocates nothing. Confined to one thread (the state's owner).
 */
public final class GrantIdCipher {
    /** What {@link #decrypt} answers for an id that is not a grant number under this key. */
    public static final int NOT_AN_ID = -1;
    private static final int ROUNDS = 4;
    private static final long HALF = (1L << 48) - 1;

    private final SipHash round;
    private long hi;
    private int lo;
    private int last = NOT_AN_ID;

    public GrantIdCipher(SipHash root) {
        this(root, "grant-ids");
    }

    /** A permutation of its own for another kind of number (orders: {@code "order-ids"}), under a key derived for it. */
    public GrantIdCipher(SipHash root, String purpose) {
        this.round = root.derive(purpose);
    }

    /** Encrypts grant number {@code g} (0 or more) into {@link #hi()} and {@link #lo()}. */
    public void encrypt(int g) {
        long left = 0;
        long right = g;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ f(r, right);
            left = right;
            right = next;
        }
        hi = left << 16 | right >>> 32;
        lo = (int) right;
        last = g;
    }

    /**
     * Whether {@code (hi, lo)} is grant {@code g}'s id: a compare when it is the id the last
     * {@link #encrypt} made (the grant just decided, applied right after), else a decryption.
     */
    public boolean isIdOf(long hi, int lo, int g) {
        return g == last && hi == this.hi && lo == this.lo || decrypt(hi, lo) == g;
    }

    /**
     * Tells the cipher that {@code (hi, lo)} decrypts to {@code g} (another cipher under the same
     * key worked it out: recovery's reader thread), so that the next {@link #isIdOf} of them is a
     * compare, as after {@link #encrypt}{@code (g)}. Nothing when {@code g} is {@link #NOT_AN_ID}.
     */
    public void known(int g, long hi, int lo) {
        if (g != NOT_AN_ID) {
            this.hi = hi;
            this.lo = lo;
            this.last = g;
        }
    }

    /** The high 64 bits of the last {@link #encrypt}. */
    public long hi() {
        return hi;
    }

    /** The low 32 bits of the last {@link #encrypt}. */
    public int lo() {
        return lo;
    }

    /** The grant number whose id is {@code (hi, lo)}, or {@link #NOT_AN_ID}. */
    public int decrypt(long hi, int lo) {
        long left = hi >>> 16;
        long right = (hi & 0xFFFF) << 32 | (lo & 0xFFFF_FFFFL);
        for (int r = ROUNDS - 1; r >= 0; r--) {
            long previous = right ^ f(r, left);
            right = left;
            left = previous;
        }
        return left == 0 && right <= Integer.MAX_VALUE ? (int) right : NOT_AN_ID;
    }

    private long f(int r, long half) {
        return round.hash((long) r << 48 | half) & HALF;
    }
}
