package dev.surge.engine.util;

/**
 * The text form of grant ids: {@code g_} plus 16 base64url characters for 96 bits. The bits are
 * the grant number under a keyed permutation ({@link GrantIdCipher}), so they reveal neither a
 * count nor a neighbour. Order ids (docs/payments.md) are the same form with {@code o_}, the
 * order number under a permutation of its own.
 */
public final class GrantIds {
    public static final int TEXT_LENGTH = 18;
    private static final char[] ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final byte[] REVERSE = new byte[128];

    static {
        java.util.Arrays.fill(REVERSE, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            REVERSE[ALPHABET[i]] = (byte) i;
        }
    }

    private GrantIds() {
    }

    /** Writes the 18-character text form into {@code out} from {@code offset}. */
    public static void format(long hi, int lo, byte[] out, int offset) {
        format('g', hi, lo, out, offset);
    }

    private static void format(char kind, long hi, int lo, byte[] out, int offset) {
        out[offset] = (byte) kind;
        out[offset + 1] = '_';
        for (int i = 0; i < 10; i++) {
            out[offset + 2 + i] = (byte) ALPHABET[(int) ((hi >>> (58 - 6 * i)) & 63)];
        }
        // the last 4 bits of hi and the 32 bits of lo make the remaining 6 characters
        long rest = ((hi & 0xF) << 32) | (lo & 0xFFFFFFFFL);
        for (int i = 0; i < 6; i++) {
            out[offset + 12 + i] = (byte) ALPHABET[(int) ((rest >>> (30 - 6 * i)) & 63)];
        }
    }

    public static String format(long hi, int lo) {
        return format('g', hi, lo);
    }

    /** An order's id: {@code o_} and 16 characters. */
    public static String formatOrder(long hi, int lo) {
        return format('o', hi, lo);
    }

    private static String format(char kind, long hi, int lo) {
        byte[] b = new byte[TEXT_LENGTH];
        format(kind, hi, lo, b, 0);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Parses a grant id; returns false when it is not one. Results go to {@code out[0..1]}. */
    public static boolean parse(CharSequence text, long[] out) {
        return parse('g', text, out);
    }

    /** Parses an order id ({@code o_...}); returns false when it is not one. */
    public static boolean parseOrder(CharSequence text, long[] out) {
        return parse('o', text, out);
    }

    private static boolean parse(char kind, CharSequence text, long[] out) {
        if (text == null || text.length() != TEXT_LENGTH || text.charAt(0) != kind || text.charAt(1) != '_') {
            return false;
        }
        long hi = 0;
        for (int i = 0; i < 10; i++) {
            int v = value(text.charAt(2 + i));
            if (v < 0) {
                return false;
            }
            hi = (hi << 6) | v;
        }
        long rest = 0;
        for (int i = 0; i < 6; i++) {
            int v = value(text.charAt(12 + i));
            if (v < 0) {
                return false;
            }
            rest = (rest << 6) | v;
        }
        out[0] = (hi << 4) | (rest >>> 32);
        out[1] = rest & 0xFFFFFFFFL;
        return true;
    }

    private static int value(char c) {
        return c < 128 ? REVERSE[c] : -1;
    }
}
