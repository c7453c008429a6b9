package dev.surge.engine.state;

/**
 * One supplier as an operator configured it (PUT /admin/suppliers/{id}). The secret signs every
 * request to it; {@link #toString()} leaves it out so that it never reaches a log, and shows the
 * URL without any user info ({@code user:password@}), which the gateway refuses today but an
 * older journal may still hold.
 */
public record SupplierConfig(String id, String url, String secret, int timeoutMs, int maxConcurrency,
                             long configuredAt) {
    @Override
    public String toString() {
        return "SupplierConfig[" + id + " " + redacted(url) + ", timeoutMs=" + timeoutMs + ", maxConcurrency="
            + maxConcurrency + "]";
    }

    /** {@code url} with the user info of its authority, if any, replaced by {@code ***}. */
    public static String redacted(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        return at < start ? url : url.substring(0, start) + "***" + url.substring(at);
    }
}
