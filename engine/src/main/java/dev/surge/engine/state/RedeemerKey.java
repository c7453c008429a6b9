package dev.surge.engine.state;

/**
 * A merchant's redeemer key as the engine keeps it: the redeemer id, the SHA-256 of the key
 * (never the key itself) and when it was created. A read-only copy for the gateway and tools.
 */
public record RedeemerKey(String redeemer, byte[] keyHash, long createdAt) {
}
