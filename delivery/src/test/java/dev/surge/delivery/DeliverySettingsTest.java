package dev.surge.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliverySettingsTest {
    @Test
    void theDefaultsAreValid() {
        assertEquals(DeliverySettings.DEFAULTS, DeliverySettings.DEFAULTS.validated());
    }

    @Test
    void aValueOutOfRangeIsRefusedNamingItsFlag() {
        IllegalArgumentException retries = assertThrows(IllegalArgumentException.class,
            () -> new DeliverySettings(0, 100, 5_000, 5, 2_000, 1_024, false).validated());
        assertTrue(retries.getMessage().startsWith("--delivery-retries must be 1-100"), retries.getMessage());
        IllegalArgumentException backoff = assertThrows(IllegalArgumentException.class,
            () -> new DeliverySettings(3, 500, 100, 5, 2_000, 1_024, false).validated());
        assertTrue(backoff.getMessage().startsWith("--delivery-backoff-max-ms must be at least"), backoff.getMessage());
        IllegalArgumentException queue = assertThrows(IllegalArgumentException.class,
            () -> new DeliverySettings(3, 100, 5_000, 5, 2_000, 8, false).validated());
        assertTrue(queue.getMessage().startsWith("--delivery-queue must be 16-"), queue.getMessage());
    }
}
