package dev.surge.journal;

import dev.surge.engine.event.EventType;

/**
 * The readable part of a code-bearing event read without the code key: what a tool may show
 * without {@code SURGE_CODE_KEY}. {@code campaign}, {@code sku}, {@code count} and
 * {@code duplicatesSkipped} are known for CODES_LOADED ("" and -1 otherwise).
 */
public record SealedEvent(EventType type, long sequence, long timestamp, String campaign, String sku, int count,
                          int duplicatesSkipped) {
}
