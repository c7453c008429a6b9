package dev.surge.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.surge.delivery.DeliveryAgent;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.gateway.MemoryStorage;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.DirectCall;
import dev.surge.testkit.NoLeakedThreads;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Supplier URLs through the admin API: no user info, no link-local or cloud metadata address
 * unless --allow-link-local-suppliers; loopback allowed. And at send time: a supplier whose host
 * is such an address (configured before these checks, from an older journal) is never connected
 * to, its recharges fail over with the reason journaled, and its URL is logged without a password.
 */
@ExtendWith(NoLeakedThreads.class)
class SupplierUrlIT {
    private static TestGateway.Res put(TestGateway t, String url) {
        return t.admin("PUT", "/admin/suppliers/primary", "{\"url\":\"" + url + "\",\"secret\":\"" + DeliveryBed.SECRET
            + "\"}");
    }

    private static void assertRefused(TestGateway.Res r) {
        assertEquals(400, r.status(), r.body());
        assertEquals("INVALID_FIELD", r.errorCode(), r.body());
        assertEquals("url", r.errorField(), r.body());
    }

    @Test
    void userInfoAndMetadataAddressesAreRefusedLoopbackIsNot() {
        try (DeliveryBed bed = new DeliveryBed()) {
            TestGateway t = bed.t;
            TestGateway.Res password = put(t, "http://alice:hunter2@127.0.0.1:9/x");
            assertRefused(password);
            assertFalse(password.body().contains("hunter2"), "the refusal never repeats the URL: " + password.body());
            assertRefused(put(t, "http://alice@127.0.0.1:9/x"));
            assertRefused(put(t, "http://169.254.169.254/latest/meta-data/"));
            assertRefused(put(t, "http://[fe80::1]/x"));
            assertRefused(put(t, "http://[::ffff:169.254.169.254]/x"));
            assertRefused(put(t, "http://metadata.google.internal/computeMetadata/v1/"));
            assertRefused(put(t, "http://2852039166/x"));
            TestGateway.Res loopback = put(t, "http://127.0.0.1:" + bed.primary.port() + "/primary");
            assertEquals(200, loopback.status(), loopback.body());
            assertFalse(bed.t.storage.any(e -> e.type == EventType.SUPPLIER_CONFIGURED && !e.url().startsWith(
                "http://127.0.0.1:")), "a refused URL is never journaled");
        }
    }

    @Test
    void theFlagAllowsLinkLocalButNeverUserInfo() {
        try (DeliveryBed bed = new DeliveryBed(c -> c.set(Configuration.Option.ALLOW_LINK_LOCAL_SUPPLIERS, "true"),
            new MemoryStorage())) {
            TestGateway.Res metadata = put(bed.t, "http://169.254.169.254/latest/meta-data/");
            assertEquals(200, metadata.status(), metadata.body());
            assertEquals(200, put(bed.t, "http://[fe80::1]:8080/x").status());
            assertRefused(put(bed.t, "http://alice:hunter2@169.254.169.254/x"));
        }
    }

    @Test
    void aSupplierAtAMetadataAddressIsNeverConnectedToAndItsRechargesFailOver() throws Exception {
        Logger agentLog = (Logger) LoggerFactory.getLogger(DeliveryAgent.class);
        Level level = agentLog.getLevel();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        agentLog.addAppender(seen);
        agentLog.setLevel(Level.INFO);
        try (DeliveryBed bed = new DeliveryBed()) {
            // As an older journal may hold it: through the engine, past the admin API's checks.
            DirectCall.Answer a = DirectCall.send(bed.t.gateway.engine(), (p, slot) -> p.writer.configureSupplier(slot,
                p.now(), "primary", "http://alice:hunter2@169.254.169.254:9/recharge", 1000, 4, DeliveryBed.SECRET))
                .get(10, TimeUnit.SECONDS);
            assertEquals(ResultCode.OK, a.result(), a.message());
            bed.supplier("backup", bed.backup.url("backup"), 1000, 4);
            bed.campaign("guarded", 5);
            bed.claim("guarded", 2);
            assertArrayEquals(new long[] {0, 2, 0}, bed.awaitSettled("guarded", 30_000));
            assertEquals(2, bed.backup.applied());
            assertTrue(bed.t.storage.any(e -> e.type == EventType.DELIVERY_RECORDED && e.supplier().equals("primary")
                && e.outcome == DeliveryOutcome.REFUSED.code() && e.detail().contains("169.254.169.254")
                && e.detail().contains("--allow-link-local-suppliers is off")), "the reason is journaled");
            assertFalse(bed.t.storage.any(e -> e.type == EventType.DELIVERY_RECORDED && e.supplier().equals("primary")
                && e.outcome == DeliveryOutcome.REFUSED.code() && e.attempt > 1), "no retry: it cannot help");
        } finally {
            agentLog.detachAppender(seen);
            agentLog.setLevel(level);
        }
        assertTrue(seen.list.stream().anyMatch(e -> e.getFormattedMessage().contains("http://***@169.254.169.254:9")),
            seen.list.toString());
        assertFalse(seen.list.stream().anyMatch(e -> e.getFormattedMessage().contains("hunter2")), seen.list.toString());
    }
}
