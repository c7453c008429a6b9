package dev.surge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayRequestTest {
    static final long NOW = 1_700_000_000_000L;
    static final String ORDER = "0123456789abcdef01234567";

    static PayRequest parse(String json) {
        return PayRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static String refusal(PayRequest r) {
        return assertThrows(IllegalArgumentException.class, () -> r.check(NOW)).getMessage();
    }

    @Test
    void aBodyWithDefaults() {
        PayRequest r = parse("{\"provider\":\"alipay\",\"orderId\":\"" + ORDER + "\",\"amount\":990,\"currency\":\"CNY\","
            + "\"notifyUrl\":\"http://127.0.0.1:8080/v1/payments/notify\"}");
        r.check(NOW);
        assertEquals(PayRequest.Mode.ON_TIME, r.mode());
        assertEquals(0, r.delayMs());
        assertEquals(0, r.repeats());
        assertEquals(PayRequest.DEFAULT_LATE_BY_MS, r.lateByMs());
        assertEquals(NOW, r.firstDueAt(NOW));
        assertEquals(1, r.payments());
    }

    @Test
    void eachModeHasItsPaymentsAndItsTime() {
        PayRequest r = PayRequest.onTime("alipay", ORDER, 990, "CNY", "http://localhost:1/n").withDelayMs(30);
        assertEquals(NOW + 30, r.firstDueAt(NOW));
        assertEquals(2, r.withMode(PayRequest.Mode.TWICE).payments());
        assertEquals(0, r.withMode(PayRequest.Mode.NEVER).payments());
        PayRequest late = r.withMode(PayRequest.Mode.LATE).withPayBy(NOW + 1000, 250);
        late.check(NOW);
        assertEquals(1, late.payments());
        assertEquals(NOW + 1250, late.firstDueAt(NOW), "LATE ignores delayMs");
    }

    @Test
    void whatNoProviderWouldSendIsRefusedNamingTheField() {
        PayRequest ok = PayRequest.onTime("alipay", ORDER, 990, "CNY", "http://127.0.0.1:8080/v1/payments/notify");
        assertTrue(refusal(ok.withMode(PayRequest.Mode.LATE)).startsWith("payBy"));
        assertTrue(refusal(ok.withPayBy(NOW + 10, 0).withDelayMs(10)).startsWith("delayMs"), "not on time");
        ok.withPayBy(NOW + 11, 0).withDelayMs(10).check(NOW);
        assertTrue(refusal(ok.withRepeats(101)).startsWith("repeats"));
        assertTrue(refusal(new PayRequest("alipay", ORDER, 0, "CNY", ok.notifyUrl(), PayRequest.Mode.ON_TIME, 0, 0, 0, 0))
            .startsWith("amount"));
        assertTrue(refusal(new PayRequest("alipay", ORDER, 1, "cny", ok.notifyUrl(), PayRequest.Mode.ON_TIME, 0, 0, 0, 0))
            .startsWith("currency"));
        assertTrue(refusal(PayRequest.onTime("alipay", ORDER, 1, "CNY", "https://127.0.0.1/n")).startsWith("notifyUrl"));
        assertTrue(refusal(PayRequest.onTime("alipay", ORDER, 1, "CNY", "http://u:p@127.0.0.1/n"))
            .startsWith("notifyUrl"));
        assertTrue(refusal(PayRequest.onTime("a/b", ORDER, 1, "CNY", "http://127.0.0.1/n")).startsWith("provider"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("{\"mode\":\"SOON\"}")).getMessage()
            .startsWith("mode"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("{\"provider\":\"a\",\"amount\":{}}"))
            .getMessage().startsWith("amount"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("{\"delayMs\":1.5}")).getMessage()
            .startsWith("delayMs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("{\"a\":1,\"a\":2}")).getMessage()
            .contains("JSON"), "duplicate keys");
    }

    @Test
    void resendsWaitLongerEachTimeUpToTheCap() {
        assertEquals(100, Payer.backoffMs(100, 5000, 1));
        assertEquals(200, Payer.backoffMs(100, 5000, 2));
        assertEquals(3200, Payer.backoffMs(100, 5000, 6));
        assertEquals(5000, Payer.backoffMs(100, 5000, 7));
        assertEquals(5000, Payer.backoffMs(100, 5000, 500), "no overflow");
    }

    @Test
    void surgesAnswerIsReadForItsStatusAndErrorCode() {
        assertEquals("PAID", Payer.at("{\"result\":\"OK\",\"grant\":{\"status\":\"X\"},\"status\":\"PAID\"}", "status"));
        assertEquals("BAD_SIGNATURE", Payer.at("{\"error\":{\"code\":\"BAD_SIGNATURE\",\"field\":null}}", "error",
            "code"));
        assertNull(Payer.at("{\"error\":\"flat\"}", "error", "code"));
        assertNull(Payer.at("not json", "status"));
        assertNull(Payer.at("{\"status\":1}", "status"));
    }
}
