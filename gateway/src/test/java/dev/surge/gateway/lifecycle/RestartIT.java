package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.testkit.NoLeakedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What is journaled survives a restart: idempotent replays, grants, redeemer keys and their scopes. */
@ExtendWith(NoLeakedThreads.class)
class RestartIT {

    @Test
    void decisionsAndRedeemerKeysSurviveARestart() {
        MemoryStorage storage = new MemoryStorage();
        String grant;
        String code;
        String key;
        String otherCode;
        try (TestGateway t = TestGateway.start(c -> {
        }, storage, true)) {
            t.codeCampaign("r", 3);
            t.codeCampaign("other", 1);
            otherCode = (String) t.claim("bob", "k1", "other", "card").at("items", 0, "code");
            TestGateway.Res g = t.claim("alice", "k1", "r", "card");
            grant = (String) g.at("grantId");
            code = (String) g.at("items", 0, "code");
            key = (String) t.admin("POST", "/admin/redeemers", "{\"merchantId\":\"shop\",\"campaigns\":[\"r\"]}").at("key");
        }
        try (TestGateway t = TestGateway.start(c -> {
        }, storage, true)) {
            TestGateway.Res again = t.claim("alice", "k1", "r", "card");
            assertEquals("true", again.header("Idempotent-Replayed"));
            assertEquals(grant, again.at("grantId"));
            assertEquals(code, t.get("/v1/grants/" + grant, t.token("alice")).at("items", 0, "code"));
            assertEquals("REDEEMED", t.redeem(key, "m1", "{\"code\":\"" + code + "\"}").at("result"),
                "the redeemer key still works");
            assertEquals("NOT_FOUND", t.redeem(key, "m2", "{\"code\":\"" + otherCode + "\"}").at("result"),
                "and is still scoped to its campaign");
            assertEquals("LIMIT_REACHED", t.claim("alice", "k2", "r", "card").at("result"));
        }
    }
}
