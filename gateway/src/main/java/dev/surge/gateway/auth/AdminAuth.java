package dev.surge.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin bearer token ({@code SURGE_ADMIN_TOKEN}). Both sides are hashed before the
 * constant-time compare, so neither the content nor the length of the token leaks through timing.
 * Thread-safe.
 */
public final class AdminAuth {
    private final byte[] expected;

    public AdminAuth(String adminToken) {
        this.expected = sha256(adminToken);
    }

    public boolean check(String presented) {
        return presented != null && MessageDigest.isEqual(expected, sha256(presented));
    }

    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
