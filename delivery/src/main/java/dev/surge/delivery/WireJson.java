package dev.surge.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * The Jackson streaming factory of the supplier protocol (no databind): the bodies
 * {@link RechargeBody} writes, the answers {@link SupplierReply} reads, and the simulated
 * supplier's side of both. Parsers reject duplicate keys. Thread-safe.
 */
public final class WireJson {
    public static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private WireJson() {
    }

    public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
        return FACTORY.createParser(bytes, offset, length);
    }
}
