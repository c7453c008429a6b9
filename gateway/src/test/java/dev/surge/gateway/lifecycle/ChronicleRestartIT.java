package dev.surge.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.EngineStorage;
import dev.surge.gateway.Storages;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.RecoveryProgress;
import dev.surge.testkit.NoLeakedThreads;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Over the real Chronicle journal: a restart recovers grants, idempotent replays, redeemer keys and codes. */
@ExtendWith(NoLeakedThreads.class)
class ChronicleRestartIT {
    @TempDir
    Path dir;
    private final RecoveryProgress progress = new RecoveryProgress();

    private EngineStorage storage(Configuration c) {
        return Storages.open(c, progress);
    }

    private Consumer<Configuration> config(String durability) {
        return c -> c.set(Configuration.Option.DATA_DIR, dir.toString()).set(Configuration.Option.DURABILITY, durability);
    }

    @Test
    void restartRecoversEverythingAcknowledged() {
        String grant;
        String code;
        String key;
        try (TestGateway t = TestGateway.start(config("sync"), this::storage, true)) {
            t.codeCampaign("durable", 3);
            TestGateway.Res g = t.claim("alice", "k1", "durable", "card");
            assertEquals("GRANTED", g.at("result"), g.body());
            grant = (String) g.at("grantId");
            code = (String) g.at("items", 0, "code");
            key = (String) t.admin("POST", "/admin/redeemers", "{\"merchantId\":\"shop\",\"campaigns\":[\"durable\"]}").at("key");
        }
        try (TestGateway t = TestGateway.start(config("process"), this::storage, true)) {
            assertTrue(progress.startedAt() > 0 && progress.finishedAt() >= progress.startedAt(),
                "recovery reports when it ran (the dashboard shows it)");
            TestGateway.Res again = t.claim("alice", "k1", "durable", "card");
            assertEquals("true", again.header("Idempotent-Replayed"), again.body());
            assertEquals(grant, again.at("grantId"));
            assertEquals(code, again.at("items", 0, "code"), "codes decrypt after a restart");
            assertEquals("REDEEMED", t.redeem(key, "m1", "{\"code\":\"" + code + "\"}").at("result"));
            assertEquals(2L, t.admin("GET", "/admin/campaigns/durable", null).at("stockLeft"));
            TestGateway.Res second = t.claim("bob", "k1", "durable", "card");
            assertEquals("GRANTED", second.at("result"));
            assertTrue(!code.equals(second.at("items", 0, "code")), "never the same code twice");
        }
    }
}
