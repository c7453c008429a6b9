package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** What a supplier's configuration shows in a log: never its secret, never a password in its URL. */
class SupplierConfigTest {
    @Test
    void userInfoIsRedactedAndEverythingElseKept() {
        assertEquals("http://***@host/x", SupplierConfig.redacted("http://user:pw@host/x"));
        assertEquals("https://***@host:8443", SupplierConfig.redacted("https://user@host:8443"));
        assertEquals("http://***@host/a@b", SupplierConfig.redacted("http://u:p@w@host/a@b"), "only the authority's");
        assertEquals("http://host/path@x?q=@#@", SupplierConfig.redacted("http://host/path@x?q=@#@"));
        assertEquals("http://127.0.0.1:9090/primary", SupplierConfig.redacted("http://127.0.0.1:9090/primary"));
        assertEquals("not a url", SupplierConfig.redacted("not a url"));
    }

    @Test
    void toStringLeavesOutTheSecretAndThePassword() {
        String s = new SupplierConfig("acme", "http://bob:hunter2@acme.example/recharge", "s3cret-s3cret-s3cret", 2000,
            64, 0).toString();
        assertFalse(s.contains("hunter2") || s.contains("bob") || s.contains("s3cret"), s);
        assertEquals("SupplierConfig[acme http://***@acme.example/recharge, timeoutMs=2000, maxConcurrency=64]", s);
    }
}
