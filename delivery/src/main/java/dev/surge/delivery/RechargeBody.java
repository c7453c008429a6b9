package dev.surge.delivery;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The body a supplier receives (docs/delivery.md): {@code {"deliveryId","skuId","account","campaignId"}}. Stateless. */
final class RechargeBody {
    private RechargeBody() {
    }

    static byte[] of(DeliveryJob job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = WireJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("deliveryId", job.deliveryId);
            g.writeStringField("skuId", job.sku);
            g.writeStringField("account", job.account);
            g.writeStringField("campaignId", job.campaign);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
