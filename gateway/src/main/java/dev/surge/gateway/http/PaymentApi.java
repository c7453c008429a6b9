package dev.surge.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.surge.delivery.Signature;
import dev.surge.engine.ResultCode;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.util.GrantIds;
import dev.surge.gateway.error.ErrorCode;
import dev.surge.gateway.json.BadRequest;
import dev.surge.gateway.json.JsonBody;
import dev.surge.gateway.json.ReplyJson;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.util.Arrays;

/**
 * Paid sales (docs/payments.md): the owner's view and cancel of an order, and the payment
 * provider's notification. A reservation itself is a claim ({@link PublicApi}). Bodies are
 * parsed on the event loop; each request is one ring command.
 */
public final class PaymentApi {
    public static final int MAX_TRANSACTION = 64;
    private static final AsciiString PROVIDER = AsciiString.cached("X-Surge-Provider");
    private static final AsciiString SIGNATURE = AsciiString.cached(Signature.HEADER);

    private final ServerContext server;

    public PaymentApi(ServerContext server) {
        this.server = server;
    }

    private static long[] orderId(Exchange x) throws BadRequest {
        long[] id = new long[2];
        if (!GrantIds.parseOrder(x.param1(), id)) {
            throw new BadRequest(ErrorCode.NOT_FOUND, "order not found", null);
        }
        return id;
    }

    // ---- GET /v1/orders/{orderId} -----------------------------------------------------------------

    public void order(Exchange x) {
        ParsedCall.publish(x, () -> orderId(x),
            (p, slot, id) -> p.writer.queryOrder(slot, p.now(), x.user, id[0], (int) id[1]),
            (call, slot, v, id) -> v.result != ResultCode.FOUND
                ? call.error(ErrorCode.NOT_FOUND, "order not found", null)
                : Responses.json(x.alloc(), HttpResponseStatus.OK, g -> ReplyJson.order(g, v, null)));
    }

    // ---- POST /v1/orders/{orderId}/cancel ---------------------------------------------------------

    public void cancel(Exchange x) {
        ParsedCall.publish(x, () -> orderId(x),
            (p, slot, id) -> p.writer.cancelOrder(slot, p.now(), x.user, id[0], (int) id[1]),
            (call, slot, v, id) -> switch (v.result) {
                case NOT_FOUND -> call.error(ErrorCode.NOT_FOUND, "order not found", null);
                case ORDER_CLOSED -> call.error(ErrorCode.CONFLICT, "order is " + v.orderStatus
                    + ": only a RESERVED order before its payBy can be cancelled", null);
                default -> Responses.json(x.alloc(), HttpResponseStatus.OK, g -> ReplyJson.order(g, v, "CANCELLED"));
            });
    }

    // ---- POST /v1/payments/notify -----------------------------------------------------------------

    /** A provider's notification, as its body says it. */
    private record Notification(String provider, String transactionId, long hi, int lo, long amount, String currency) {
    }

    public void notifyPayment(Exchange x, byte[] body, int offset, int length) {
        ParsedCall.publish(x, () -> notification(x, body, offset, length),
            (p, slot, n) -> p.writer.notifyPayment(slot, p.now(), n.provider, n.transactionId, n.hi, n.lo, n.amount,
                n.currency),
            (call, slot, v, n) -> switch (v.result) {
                case NOT_FOUND -> call.error(ErrorCode.NOT_FOUND, "order not found for provider " + n.provider, null);
                case AMOUNT_MISMATCH -> call.error(ErrorCode.AMOUNT_MISMATCH, "amount: the order is " + v.amount + " "
                    + v.currency + ", the notification says " + n.amount + " " + n.currency, "amount");
                case INVALID -> call.invalid(v.message);
                default -> {
                    if (!v.replayed) {
                        server.metrics.payment(v.result);
                    }
                    yield Responses.json(x.alloc(), HttpResponseStatus.OK, g -> notified(g, v, n));
                }
            });
    }

    private static void notified(JsonGenerator g, ReplyView v, Notification n) throws IOException {
        g.writeStartObject();
        g.writeStringField("result", "OK");
        g.writeStringField("orderId", v.orderId());
        g.writeStringField("transactionId", n.transactionId);
        g.writeStringField("status", v.result.name()); // this payment's fate: PAID or REFUND_REQUIRED
        g.writeStringField("orderStatus", v.orderStatus.name());
        if (v.result == ResultCode.PAID && v.hasGrant) {
            g.writeStringField("grantId", v.grantId());
        }
        g.writeBooleanField("replayed", v.replayed);
        g.writeEndObject();
    }

    /** Checks the signature over the raw body first: nothing unsigned is even parsed. */
    private Notification notification(Exchange x, byte[] body, int offset, int length) throws BadRequest {
        CharSequence providerHeader = x.header(PROVIDER);
        CharSequence signature = x.header(SIGNATURE);
        String provider = providerHeader == null ? null : providerHeader.toString();
        byte[] raw = Arrays.copyOfRange(body, offset, offset + length);
        if (!server.payments.verify(provider, raw, signature == null ? null : signature.toString())) {
            throw new BadRequest(ErrorCode.BAD_SIGNATURE, "X-Surge-Signature: not the provider's signature of this "
                + "body (or X-Surge-Provider names no configured provider)", null);
        }
        String[] text = new String[3];
        long[] amount = {-1};
        JsonBody.readObject(body, offset, length, (name, p) -> {
            switch (name) {
                case "transactionId" -> text[0] = JsonBody.id(p, "transactionId");
                case "orderId" -> text[1] = JsonBody.string(p, "orderId");
                case "amount" -> amount[0] = JsonBody.integer(p, "amount", 0, Long.MAX_VALUE);
                case "currency" -> text[2] = JsonBody.text(p, "currency", 3);
                default -> p.skipChildren(); // providers add fields of their own
            }
        });
        JsonBody.required(text[0], "transactionId");
        JsonBody.required(text[1], "orderId");
        JsonBody.required(text[2], "currency");
        if (amount[0] < 0) {
            throw new BadRequest(ErrorCode.MISSING_FIELD, "amount: required, in minor units", "amount");
        }
        long[] id = new long[2];
        if (!GrantIds.parseOrder(text[1], id)) {
            throw new BadRequest(ErrorCode.NOT_FOUND, "order not found for provider " + provider, null);
        }
        return new Notification(provider, text[0], id[0], (int) id[1], amount[0], text[2]);
    }
}
