package dev.surge.delivery;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What came back from one request to a supplier.
 *
 * @param kind   RESPONSE (an HTTP answer), REFUSED (nothing reached the supplier: no connection,
 *               or the request could not be written), BLOCKED (nothing was sent: the supplier's
 *               host resolved to a link-local or cloud metadata address, see
 *               {@link GuardedResolver}), LOST (sent, but no answer: timeout or a connection
 *               dropped; the supplier may have acted on it)
 * @param status the HTTP status of a RESPONSE, else 0
 * @param body   the response body (UTF-8), else ""
 * @param detail a short description for the journal and logs
 */
record SupplierReply(Kind kind, int status, String body, String detail) {
    enum Kind {
        RESPONSE, REFUSED, BLOCKED, LOST
    }

    static SupplierReply response(int status, byte[] body) {
        return new SupplierReply(Kind.RESPONSE, status, new String(body, StandardCharsets.UTF_8), "HTTP " + status);
    }

    static SupplierReply refused(String why) {
        return new SupplierReply(Kind.REFUSED, 0, "", why);
    }

    static SupplierReply blocked(String why) {
        return new SupplierReply(Kind.BLOCKED, 0, "", why);
    }

    static SupplierReply lost(String why) {
        return new SupplierReply(Kind.LOST, 0, "", why);
    }

    /** How a 4xx refusal is journaled: the status and the start of what the supplier said. */
    String rejection() {
        String b = body.strip();
        return "rejected it: HTTP " + status + (b.isEmpty() ? "" : " " + (b.length() > 120 ? b.substring(0, 120) : b));
    }

    /** How a status query's answer is journaled; {@code answered} false when it settled nothing (UNANSWERED). */
    String queryDetail(boolean answered) {
        return "status query: " + (!answered ? detail : status == 404 ? "never seen" : queriedStatus());
    }

    /** The {@code status} field of a status query's JSON answer, or "" when there is none. */
    String queriedStatus() {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = WireJson.parser(b, 0, b.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("status") && value == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }
}
