package dev.surge.gateway.auth;

import dev.surge.delivery.Signature;
import dev.surge.engine.state.SupplierConfig;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets a payment provider signs its notifications with (docs/payments.md): a provider is
 * configured as a supplier ({@code PUT /admin/suppliers/{id}}), so this is the gateway's read
 * copy of the suppliers' secrets, loaded from the recovered state before the server opens and
 * updated as each supplier configuration is journaled. The engine checks that the order's SKU names this provider.
 *
 * <p>Threading: thread-safe (event loops read; the journal thread writes, as each supplier
 * configuration is journaled).
 */
public final class PaymentProviders {
    private final ConcurrentHashMap<String, String> secrets = new ConcurrentHashMap<>();

    public void load(Collection<SupplierConfig> suppliers) {
        for (SupplierConfig s : suppliers) {
            put(s.id(), s.secret());
        }
    }

    public void put(String provider, String secret) {
        secrets.put(provider, secret);
    }

    /**
     * Whether {@code signature} is hex(HMAC-SHA256(provider's secret, body)); false for an
     * unknown provider. Compares in constant time.
     */
    public boolean verify(String provider, byte[] body, String signature) {
        String secret = provider == null ? null : secrets.get(provider);
        return secret != null && new Signature(secret).verify(body, signature);
    }
}
