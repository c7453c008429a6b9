package dev.surge.gateway.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Extra live data for the dashboard from another part of the gateway (supplier delivery status,
 * say), written into every frame under {@code sections.<name>}. The page shows an array of
 * objects as a table (one row per element, one column per field) and an object of numbers as
 * bars; {@code sections.suppliers} gets its own panel. Runs on the dashboard's thread once a
 * second: read counters, never walk per-user state.
 */
@FunctionalInterface
public interface FrameSection {
    /** Writes exactly one JSON value. */
    void write(JsonGenerator g) throws IOException;
}
