package dev.surge.gateway.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskRules;
import java.io.IOException;
import java.util.Map;

/**
 * The {@code risk} object of a campaign (docs/risk.md), read strictly (an unknown field is an
 * error naming it) and written back in the same shape:
 * <pre>
 * {"perUser": {"max": 2, "windowSeconds": 60}, "perDevice": {...}, "perIp": {...},
 *  "perIpPrefix": {...}, "maxAccountsPerDevice": 3, "minTokenAgeSeconds": 86400, "requireDevice": true}
 * </pre>
 * Absent or null fields are off. Stateless; admin path (allocates freely).
 */
public final class RiskJson {
    private RiskJson() {
    }

    /** Reads the value the parser stands on: an object, or null for no rules. */
    public static RiskRules parse(JsonParser p) throws IOException, BadRequest {
        RiskRules rules = new RiskRules();
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return rules;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw BadRequest.invalid("risk", "must be an object");
        }
        JsonBody.readFields(p, (name, q) -> {
            String field = "risk." + name;
            switch (name) {
                case "perUser" -> rules.perUser = velocity(q, field);
                case "perDevice" -> rules.perDevice = velocity(q, field);
                case "perIp" -> rules.perIp = velocity(q, field);
                case "perIpPrefix" -> rules.perIpPrefix = velocity(q, field);
                case "maxAccountsPerDevice" -> rules.maxAccountsPerDevice =
                    (int) optional(q, field, RiskRules.MAX_ACCOUNTS_PER_DEVICE);
                case "minTokenAgeSeconds" -> rules.minTokenAgeSeconds =
                    (int) optional(q, field, RiskRules.MAX_TOKEN_AGE_SECONDS);
                case "requireDevice" -> {
                    JsonToken t = q.currentToken();
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL) {
                        q.skipChildren();
                        throw BadRequest.invalid(field, "must be true or false");
                    }
                    rules.requireDevice = t == JsonToken.VALUE_TRUE;
                }
                default -> {
                    q.skipChildren();
                    throw BadRequest.invalid(field, "unknown field (perUser, perDevice, perIp, perIpPrefix, "
                        + "maxAccountsPerDevice, minTokenAgeSeconds, requireDevice)");
                }
            }
        });
        return rules;
    }

    private static long optional(JsonParser p, String field, long max) throws IOException, BadRequest {
        return p.currentToken() == JsonToken.VALUE_NULL ? 0 : JsonBody.integer(p, field, 0, max);
    }

    private static RiskRules.Velocity velocity(JsonParser p, String field) throws IOException, BadRequest {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return RiskRules.Velocity.OFF;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw BadRequest.invalid(field, "must be an object {\"max\", \"windowSeconds\"} or null");
        }
        long[] v = {-1, -1};
        JsonBody.readFields(p, (name, q) -> {
            switch (name) {
                case "max" -> v[0] = JsonBody.integer(q, field + ".max", 1, RiskRules.MAX_PER_WINDOW);
                case "windowSeconds" -> v[1] = JsonBody.integer(q, field + ".windowSeconds", 1,
                    RiskRules.MAX_WINDOW_SECONDS);
                default -> {
                    q.skipChildren();
                    throw BadRequest.invalid(field + "." + name, "unknown field (max, windowSeconds)");
                }
            }
        });
        if (v[0] < 0) {
            throw BadRequest.missing(field + ".max");
        }
        if (v[1] < 0) {
            throw BadRequest.missing(field + ".windowSeconds");
        }
        return new RiskRules.Velocity((int) v[0], (int) v[1]);
    }

    /** Writes {@code "risk": {...}} (null without rules) and {@code "riskRejected": {reason: n}}. */
    public static void write(JsonGenerator g, RiskRules r, Map<RiskReason, Long> rejected) throws IOException {
        if (r == null) {
            g.writeNullField("risk");
        } else {
            g.writeObjectFieldStart("risk");
            velocity(g, "perUser", r.perUser);
            velocity(g, "perDevice", r.perDevice);
            velocity(g, "perIp", r.perIp);
            velocity(g, "perIpPrefix", r.perIpPrefix);
            g.writeNumberField("maxAccountsPerDevice", r.maxAccountsPerDevice);
            g.writeNumberField("minTokenAgeSeconds", r.minTokenAgeSeconds);
            g.writeBooleanField("requireDevice", r.requireDevice);
            g.writeEndObject();
        }
        g.writeObjectFieldStart("riskRejected");
        for (Map.Entry<RiskReason, Long> e : rejected.entrySet()) {
            g.writeNumberField(e.getKey().name(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void velocity(JsonGenerator g, String name, RiskRules.Velocity v) throws IOException {
        if (!v.on()) {
            g.writeNullField(name);
            return;
        }
        g.writeObjectFieldStart(name);
        g.writeNumberField("max", v.max());
        g.writeNumberField("windowSeconds", v.windowSeconds());
        g.writeEndObject();
    }
}
