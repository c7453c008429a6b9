package dev.surge.bench;

import dev.surge.journal.CodeCipher;

/** Fixed secrets for benchmarks only: runs are reproducible and nothing real is ever at stake. */
public final class BenchKeys {
    /** 32 bytes 0..31, base64: the SURGE_CODE_KEY of every benchmark journal. */
    public static final String CODE_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    public static final CodeCipher CIPHER = CodeCipher.fromBase64(CODE_KEY);
    public static final String ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";
    public static final String USER_TOKEN_SECRET = "bench-user-token-secret-0123456789abcdef-0123456789";

    private BenchKeys() {
    }
}
