package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.engine.DeliveryOutcome;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The per-supplier counters the dashboard's Suppliers panel shows. */
class DeliveryMetricsTest {

    private static String suppliers(DeliveryMetrics m) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = WireJson.FACTORY.createGenerator(out)) {
            m.writeSuppliers(g);
        }
        return out.toString();
    }

    @Test
    void nothingConfiguredIsAnEmptyList() throws IOException {
        assertEquals("[]", suppliers(new DeliveryMetrics()));
    }

    @Test
    void eachSupplierHasItsGaugesAndCountsSortedById() throws IOException {
        DeliveryMetrics m = new DeliveryMetrics();
        CircuitBreaker breaker = new CircuitBreaker(1, 1_000);
        SupplierLane primary = new SupplierLane("primary", breaker);
        primary.inFlight = 2;
        primary.waiting.add(new DeliveryJob(1, 2, 0, "spring-vip", "vip", "13800000000"));
        m.lane(primary);
        m.request("primary", DeliveryOutcome.ACCEPTED);
        m.request("primary", DeliveryOutcome.UNKNOWN);
        m.request("primary", DeliveryOutcome.UNKNOWN);
        m.finished("primary", true);
        m.finished("primary", true);
        m.failedOver("primary");
        m.finished("backup", false); // known from its outcome alone, before any gauge was set
        breaker.onFailure(false, 0);
        m.lane(primary); // the gauges follow the lane when the dispatcher sets them again

        assertEquals("[{\"id\":\"backup\",\"breaker\":\"CLOSED\",\"inFlight\":0,\"waiting\":0,\"delivered\":0,"
            + "\"failedOver\":0,\"failed\":1,\"unknown\":0},"
            + "{\"id\":\"primary\",\"breaker\":\"OPEN\",\"inFlight\":2,\"waiting\":1,\"delivered\":2,"
            + "\"failedOver\":1,\"failed\":0,\"unknown\":2}]", suppliers(m));
        assertEquals(2, m.delivered(), "the totals for /metrics count the same");
        assertEquals(1, m.failed());
    }
}
