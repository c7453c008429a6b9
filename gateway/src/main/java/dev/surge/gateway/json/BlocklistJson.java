package dev.surge.gateway.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.surge.engine.risk.Blocklist;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.IpBlock;
import dev.surge.gateway.auth.UserTokens;
import dev.surge.gateway.config.Cidr;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The body of {@code PUT /admin/blocklist} and the answer of {@code GET /admin/blocklist}
 * (docs/risk.md):
 * <pre>
 * {"mode": "add" | "remove" | "replace", "users": ["u-1"], "devices": ["dfp-9a1c"],
 *  "ips": ["1.2.3.4", "10.0.0.0/8", "2001:db8::/32"]}
 * </pre>
 * {@code mode} defaults to {@code replace} (PUT states the whole list; an absent list becomes
 * empty); {@code add} and {@code remove} change only the entries given. Users are token subjects
 * (1-64 characters), devices are ids like a claim's deviceId, ips are IPv4 or IPv6 addresses or
 * CIDR blocks with their host bits clear. Strict: an unknown field or a bad entry is 400 naming
 * it. Stateless; admin path (allocates freely).
 */
public final class BlocklistJson {
    private BlocklistJson() {
    }

    public static BlocklistChange parse(byte[] body, int offset, int length) throws BadRequest {
        BlocklistChange change = new BlocklistChange();
        JsonBody.readObject(body, offset, length, (name, p) -> {
            switch (name) {
                case "mode" -> change.mode = mode(p);
                case "users" -> strings(p, "users", change, change.users, false);
                case "devices" -> strings(p, "devices", change, change.devices, true);
                case "ips" -> ips(p, change);
                default -> {
                    p.skipChildren();
                    throw BadRequest.invalid(name, "unknown field (mode, users, devices, ips)");
                }
            }
        });
        return change;
    }

    private static BlocklistChange.Mode mode(JsonParser p) throws IOException, BadRequest {
        String m = JsonBody.string(p, "mode");
        if (m == null) {
            return BlocklistChange.Mode.REPLACE;
        }
        try {
            return BlocklistChange.Mode.valueOf(m.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw BadRequest.invalid("mode", "one of add, remove, replace");
        }
    }

    private static void array(JsonParser p, String field) throws IOException, BadRequest {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw BadRequest.invalid(field, "must be an array of strings");
        }
    }

    private static void room(BlocklistChange change, String field) throws BadRequest {
        if (change.entries() >= BlocklistChange.MAX_ENTRIES_PER_CHANGE) {
            throw BadRequest.invalid(field, "at most " + BlocklistChange.MAX_ENTRIES_PER_CHANGE
                + " entries per request over users, devices and ips; send more with mode add");
        }
    }

    private static void strings(JsonParser p, String field, BlocklistChange change, List<String> into, boolean deviceIds)
        throws IOException, BadRequest {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        array(p, field);
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String at = field + "[" + i + "]";
            String v = deviceIds ? JsonBody.id(p, at) : JsonBody.text(p, at, UserTokens.MAX_SUBJECT_LENGTH);
            if (v == null) {
                throw BadRequest.invalid(at, "must not be null");
            }
            room(change, field);
            into.add(v);
        }
    }

    private static void ips(JsonParser p, BlocklistChange change) throws IOException, BadRequest {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        array(p, "ips");
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            String at = "ips[" + i + "]";
            String text = JsonBody.text(p, at, 64);
            if (text == null) {
                throw BadRequest.invalid(at, "must not be null");
            }
            IpBlock block;
            try {
                Cidr cidr = Cidr.parse(text);
                block = IpBlock.of(cidr.address(), cidr.prefixLength());
            } catch (IllegalArgumentException e) {
                String why = e.getMessage().startsWith("has bits") ? text + " " + e.getMessage() : e.getMessage();
                throw BadRequest.invalid(at, why);
            }
            room(change, "ips");
            change.ips.add(block);
        }
    }

    /** {"users": [...], "devices": [...], "ips": [...], "counts": {...}} */
    public static void write(JsonGenerator g, Blocklist.Entries entries) throws IOException {
        g.writeStartObject();
        list(g, "users", entries.users());
        list(g, "devices", entries.devices());
        list(g, "ips", entries.ips());
        g.writeObjectFieldStart("counts");
        g.writeNumberField("users", entries.users().size());
        g.writeNumberField("devices", entries.devices().size());
        g.writeNumberField("ips", entries.ips().size());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void list(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
