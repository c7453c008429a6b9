package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.event.EventType;
import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.testkit.NoLeakedThreads;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * After a restart, an item whose last request may have landed (a timeout) is asked about
 * first: the supplier that silently applied it is not sent it again, and the journal takes its
 * word for it.
 */
@ExtendWith(NoLeakedThreads.class)
class DeliveryResumeIT {

    @Test
    void anItemLeftInDoubtIsAskedAboutBeforeAnythingElse() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        String grant;
        String account;
        // first run: the supplier applies the recharge and never answers; the next step (a status
        // query) is a minute away when the process stops
        try (DeliveryBed first = new DeliveryBed(c -> c.set(Configuration.Option.DELIVERY_BACKOFF_MS, "60000")
            .set(Configuration.Option.DELIVERY_BACKOFF_MAX_MS, "60000"), storage)) {
            first.primary.knobs().timeoutRate = 1.0;
            first.primary.knobs().timeoutAppliedRate = 1.0;
            first.supplier("primary", first.primary.url("primary"), 200, 4);
            first.campaign("doubt", 5);
            List<String> grants = first.claim("doubt", 1);
            grant = grants.get(0);
            account = first.accounts.get(grant);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!storage.any(e -> e.type == EventType.DELIVERY_RECORDED && e.outcome == DeliveryOutcome.UNKNOWN.code())
                && System.nanoTime() < deadline) {
                Thread.sleep(10); // past the 200 ms timeout, the UNKNOWN outcome is journaled
            }
            assertEquals(1, first.primary.applied(), "applied, never answered");
            assertEquals(1, first.primary.posts());
            assertEquals(0, first.primary.queries());
            // the same simulator ledger must survive the restart: hand it over
            try (DeliveryBed second = new DeliveryBed(c -> {
            }, stopAndKeep(first, storage))) {
                second.supplier("primary", first.primary.url("primary"), 200, 4);
                second.supplier("backup", second.backup.url("backup"), 200, 4);
                assertArrayEquals(new long[] {0, 1, 0}, second.awaitSettled("doubt", 30_000));
                assertEquals(1, first.primary.posts(), "never sent again");
                assertEquals(1, first.primary.queries(), "asked once: DELIVERED");
                assertEquals(1, first.primary.applied(account));
                assertEquals(0, second.backup.requests(), "never failed over: the primary may have had it");
                TestGateway.Res g = second.t.get("/v1/grants/" + grant, second.t.token("user-0"));
                assertEquals("DELIVERED", g.at("delivery"), g.body());
                assertEquals("primary", g.at("items", 0, "supplier"));
            }
        }
    }

    /** Stops the first gateway (its simulators keep running) and returns its journal for the next. */
    private static MemoryStorage stopAndKeep(DeliveryBed first, MemoryStorage storage) {
        first.t.close();
        first.primary.knobs().timeoutRate = 0;
        return storage;
    }
}
