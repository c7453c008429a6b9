package dev.surge.journal.cli;

import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.IpAddresses;
import dev.surge.engine.risk.RiskReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts for {@code stats --risk}: claims refused by a risk rule, by reason, and per user, per
 * device and per client address prefix (IPv4 /24, IPv6 /64, as the prefix rule groups them),
 * each with its claims, grants, refusals by reason and the first and last refusal: "who
 * attacked us at 20:00". Keeps one small record per distinct subject seen in the range.
 *
 * <p>Not thread-safe; fed by the one reading thread.
 */
final class RiskStats {
    long claims;
    long refusals;
    long firstRefusal = Long.MAX_VALUE;
    long lastRefusal = Long.MIN_VALUE;
    /** Reason code to refusals. */
    final TreeMap<Integer, Long> byReason = new TreeMap<>();
    final Map<String, Subject> users = new HashMap<>();
    final Map<String, Subject> devices = new HashMap<>();
    final Map<String, Subject> prefixes = new HashMap<>();
    private final byte[] v4 = new byte[4];
    private final byte[] v6 = new byte[16];

    /** One user, device or prefix. */
    static final class Subject {
        final String id;
        long claims;
        long granted;
        long refused;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        final TreeMap<Integer, Long> reasons = new TreeMap<>();

        Subject(String id) {
            this.id = id;
        }

        /** "DEVICE_SHARED 12, VELOCITY_IP 3": most frequent first. */
        String reasonsText() {
            List<Map.Entry<Integer, Long>> list = new ArrayList<>(reasons.entrySet());
            list.sort(Map.Entry.<Integer, Long>comparingByValue().reversed());
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<Integer, Long> r : list) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(RiskReason.nameOf(r.getKey())).append(' ').append(r.getValue());
            }
            return sb.toString();
        }
    }

    void onEvent(EventView e) {
        if (e.type != EventType.CLAIM_GRANTED && e.type != EventType.CLAIM_REJECTED) {
            return;
        }
        claims++;
        boolean refused = e.type == EventType.CLAIM_REJECTED && e.result == ResultCode.RISK_REJECTED;
        if (refused) {
            refusals++;
            byReason.merge(e.reason, 1L, Long::sum);
            firstRefusal = Math.min(firstRefusal, e.timestamp);
            lastRefusal = Math.max(lastRefusal, e.timestamp);
        }
        count(users, e.user(), e, refused);
        if (e.deviceLength > 0) {
            count(devices, e.device(), e, refused);
        }
        String prefix = prefix(e);
        if (!prefix.isEmpty()) {
            count(prefixes, prefix, e, refused);
        }
    }

    private String prefix(EventView e) {
        byte[] raw = e.ipLength == 4 ? v4 : e.ipLength == 16 ? v6 : null;
        if (raw == null) {
            return "";
        }
        e.buffer().getBytes(e.ipOffset, raw);
        return IpAddresses.groupOf(raw);
    }

    private static void count(Map<String, Subject> subjects, String id, EventView e, boolean refused) {
        Subject s = subjects.computeIfAbsent(id, Subject::new);
        s.claims++;
        if (e.type == EventType.CLAIM_GRANTED) {
            s.granted++;
        }
        if (refused) {
            s.refused++;
            s.reasons.merge(e.reason, 1L, Long::sum);
            s.first = Math.min(s.first, e.timestamp);
            s.last = Math.max(s.last, e.timestamp);
        }
    }

    /** Subjects with refusals: how many. */
    static long refusedCount(Map<String, Subject> subjects) {
        return subjects.values().stream().filter(s -> s.refused > 0).count();
    }

    /** The {@code n} most refused: by refusals, then claims, then id. */
    static List<Subject> top(Map<String, Subject> subjects, int n) {
        return subjects.values().stream().filter(s -> s.refused > 0)
            .sorted(Comparator.comparingLong((Subject s) -> -s.refused).thenComparingLong(s -> -s.claims)
                .thenComparing(s -> s.id))
            .limit(n).toList();
    }
}
