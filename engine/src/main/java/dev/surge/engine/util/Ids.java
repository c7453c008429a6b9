package dev.surge.engine.util;

/** The shape every external id (campaign, SKU, user, device, supplier) must have. */
public final class Ids {
    public static final int MAX_LENGTH = 64;

    private Ids() {
    }

    /** 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public static boolean isValid(CharSequence id) {
        if (id == null) {
            return false;
        }
        int n = id.length();
        if (n < 1 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isIdChar(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIdChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
    }

    public static String describe(String field) {
        return field + ": must be 1-64 characters [A-Za-z0-9._-]";
    }
}
