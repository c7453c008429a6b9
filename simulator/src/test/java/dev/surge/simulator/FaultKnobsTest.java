package dev.surge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FaultKnobsTest {
    @Test
    void theRatesAreStackedFailThenTimeoutThenReject() {
        FaultKnobs k = new FaultKnobs();
        k.failRate = 0.125; // binary fractions, so that the sums are exact
        k.timeoutRate = 0.25;
        k.rejectRate = 0.25;
        assertEquals(FaultKnobs.Fault.FAIL, k.draw(0.0));
        assertEquals(FaultKnobs.Fault.FAIL, k.draw(0.124));
        assertEquals(FaultKnobs.Fault.TIMEOUT, k.draw(0.125));
        assertEquals(FaultKnobs.Fault.TIMEOUT, k.draw(0.374));
        assertEquals(FaultKnobs.Fault.REJECT, k.draw(0.375));
        assertEquals(FaultKnobs.Fault.REJECT, k.draw(0.624));
        assertEquals(FaultKnobs.Fault.NONE, k.draw(0.625));
        assertEquals(FaultKnobs.Fault.NONE, new FaultKnobs().draw(0.0), "no faults by default");
    }

    @Test
    void knobsAreSetByNameAndCheckedThere() {
        PaymentSimulator.Knobs k = new PaymentSimulator.Knobs();
        k.set("failRate", "0.25");
        k.set("latencyMs", "40");
        k.set("notifyAttempts", "3");
        k.set("notifyBackoffMs", "7");
        k.set("checkTransactions", "false");
        assertEquals(0.25, k.failRate);
        assertEquals(40, k.latencyMs);
        assertEquals(3, k.notifyAttempts);
        assertEquals(7, k.notifyBackoffMs);
        assertFalse(k.checkTransactions);
        assertThrows(IllegalArgumentException.class, () -> k.set("failRate", "1.5"));
        assertThrows(IllegalArgumentException.class, () -> k.set("failRate", "NaN"));
        assertThrows(IllegalArgumentException.class, () -> k.set("latencyMs", "-1"));
        assertThrows(IllegalArgumentException.class, () -> k.set("latencyMs", "soon"));
        assertThrows(IllegalArgumentException.class, () -> k.set("checkTransactions", "yes"));
        assertThrows(IllegalArgumentException.class, () -> k.set("nosuch", "1"));
        assertThrows(IllegalArgumentException.class, () -> new SupplierSimulator.Knobs().set("notifyAttempts", "3"),
            "the supplier has no payer");
        assertEquals(0.25, k.failRate, "a refused value changes nothing");
    }
}
