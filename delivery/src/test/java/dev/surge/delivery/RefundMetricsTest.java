package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.RefundStatus;
import org.junit.jupiter.api.Test;

class RefundMetricsTest {
    @Test
    void refundsByOutcomeAndStatus() {
        RefundMetrics m = new RefundMetrics();
        m.request("alipay", DeliveryOutcome.SERVER_ERROR);
        m.request("alipay", DeliveryOutcome.ACCEPTED);
        m.request("wechat", DeliveryOutcome.REJECTED);
        m.finished(RefundStatus.REFUNDED);
        m.finished(RefundStatus.FAILED);
        m.finished(RefundStatus.REFUNDED);
        StringBuilder b = new StringBuilder();
        m.render(b);
        String text = b.toString();
        assertTrue(text.contains("surge_refund_requests_total{provider=\"alipay\",outcome=\"SERVER_ERROR\"} 1\n"), text);
        assertTrue(text.contains("surge_refund_requests_total{provider=\"alipay\",outcome=\"ACCEPTED\"} 1\n"), text);
        assertTrue(text.contains("surge_refund_requests_total{provider=\"wechat\",outcome=\"REJECTED\"} 1\n"), text);
        assertTrue(text.contains("surge_refunds_finished_total{status=\"REFUNDED\"} 2\n"), text);
        assertTrue(text.contains("surge_refunds_finished_total{status=\"REFUND_FAILED\"} 1\n"), text);
        assertEquals(2, m.refunded());
        assertEquals(1, m.requests("alipay", DeliveryOutcome.ACCEPTED));
        assertEquals(0, m.requests("alipay", DeliveryOutcome.UNKNOWN));
    }
}
