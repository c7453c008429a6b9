package dev.surge.engine.state;

/**
 * One supplier as an operator configured it (PUT /admin/suppliers/{id}). The secret signs every
 * request to it; {@link #toString()} leaves it out so that it never reaches a log.
 */
public record SupplierConfig(String id, String url, String secret, int timeoutMs, int maxConcurrency,
                             long configuredAt) {
    @Override
    public String toString() {
        return "SupplierConfig[" + id + " " + url + ", timeoutMs=" + timeoutMs + ", maxConcurrency=" + maxConcurrency
            + "]";
    }
}
