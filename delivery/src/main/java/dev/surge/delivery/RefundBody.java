package dev.surge.delivery;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body a payment provider's refund API receives (docs/refunds.md):
 * {@code {"refundId","transactionId","orderId","amount","currency","reason"}}. Stateless.
 */
final class RefundBody {
    private RefundBody() {
    }

    static byte[] of(RefundJob job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        try (JsonGenerator g = WireJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("refundId", job.refundId);
            g.writeStringField("transactionId", job.transactionId);
            g.writeStringField("orderId", job.orderId());
            g.writeNumberField("amount", job.amount);
            g.writeStringField("currency", job.currency);
            g.writeStringField("reason", job.reason.name());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
