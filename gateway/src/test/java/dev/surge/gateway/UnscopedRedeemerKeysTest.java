package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.surge.engine.state.RedeemerKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up line that tells the operator which merchants' keys predate scopes and redeem nothing. */
class UnscopedRedeemerKeysTest {
    private static RedeemerKey key(String merchant, String... campaigns) {
        return new RedeemerKey(merchant, new byte[32], 1, List.of(campaigns));
    }

    @Test
    void namesTheMerchantsOfKeysWithoutAScope() {
        String line = Gateway.unscopedKeysWarning(List.of(key("old-b"), key("new", "spring"), key("old-a"),
            key("old-b")));
        assertEquals("3 redeemer key(s) of merchants [old-a, old-b] predate campaign scopes and now redeem nothing: "
            + "create scoped keys with POST /admin/redeemers {\"merchantId\": \"...\", \"campaigns\": [\"...\"]}", line);
    }

    @Test
    void saysNothingWhenEveryKeyHasAScope() {
        assertNull(Gateway.unscopedKeysWarning(List.of(key("new", "spring"), key("other", "a", "b"))));
    }
}
