package dev.surge.journal.cli;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts for {@code stats}: events by type; claims by result, overall, per campaign and per SKU;
 * items granted per SKU (bundle parts count against their own SKUs); risk refusals by reason,
 * overall and per campaign; redemptions by result;
 * delivery outcomes by status; and claims per second, kept as one bucket per second that saw a
 * claim.
 *
 * <p>Not thread-safe; fed by the one reading thread.
 */
final class StatsCollector {
    long events;
    long firstSequence = -1;
    long lastSequence = -1;
    long firstTime = Long.MAX_VALUE;
    long lastTime = Long.MIN_VALUE;
    long claims;
    final EnumMap<EventType, Long> byType = new EnumMap<>(EventType.class);
    final EnumMap<ResultCode, Long> claimsByResult = new EnumMap<>(ResultCode.class);
    final Map<String, Counts> byCampaign = new LinkedHashMap<>();
    /** Keyed "campaign/sku", in first-seen order. */
    final Map<String, Counts> bySku = new LinkedHashMap<>();
    final EnumMap<ResultCode, Long> redemptionsByResult = new EnumMap<>(ResultCode.class);
    final EnumMap<DeliveryStatus, Long> deliveriesByStatus = new EnumMap<>(DeliveryStatus.class);
    /** Gifts by result (docs/lifecycle.md); revocations and re-issues are counted by type. */
    final EnumMap<ResultCode, Long> transfersByResult = new EnumMap<>(ResultCode.class);
    /** RISK_REJECTED claims: reason code to count, overall and per campaign. */
    final TreeMap<Integer, Long> riskByReason = new TreeMap<>();
    final Map<String, TreeMap<Integer, Long>> riskByCampaign = new LinkedHashMap<>();
    /** Epoch second to {claims, granted}. */
    final TreeMap<Long, long[]> perSecond = new TreeMap<>();

    /** Claim results and, per SKU, items granted and codes loaded. */
    static final class Counts {
        long claims;
        long itemsGranted;
        long codesLoaded;
        final EnumMap<ResultCode, Long> byResult = new EnumMap<>(ResultCode.class);

        long granted() {
            return byResult.getOrDefault(ResultCode.GRANTED, 0L);
        }
    }

    void onEvent(EventView e) {
        count(e.type, e.sequence, e.timestamp);
        switch (e.type) {
            case CLAIM_GRANTED, CLAIM_REJECTED, ORDER_RESERVED -> claim(e); // a paid SKU's claim reserves
            case CODES_LOADED -> onCodes(e.campaign(), e.sku(), e.count);
            case REDEMPTION -> redemptionsByResult.merge(e.result, 1L, Long::sum);
            case GRANT_TRANSFERRED -> transfersByResult.merge(e.result, 1L, Long::sum);
            case DELIVERY_RECORDED -> {
                DeliveryStatus s = DeliveryStatus.of(e.status);
                if (s != null) {
                    deliveriesByStatus.merge(s, 1L, Long::sum);
                }
            }
            default -> {
                // configuration events are counted by type only
            }
        }
    }

    void onSealedCodes(long sequence, long timestamp, String campaign, String sku, int count) {
        count(EventType.CODES_LOADED, sequence, timestamp);
        if (count > 0) {
            onCodes(campaign, sku, count);
        }
    }

    private void count(EventType type, long sequence, long timestamp) {
        events++;
        byType.merge(type, 1L, Long::sum);
        if (firstSequence < 0) {
            firstSequence = sequence;
        }
        lastSequence = sequence;
        firstTime = Math.min(firstTime, timestamp);
        lastTime = Math.max(lastTime, timestamp);
    }

    private void onCodes(String campaign, String sku, int count) {
        bySku.computeIfAbsent(campaign + "/" + sku, k -> new Counts()).codesLoaded += count;
    }

    private void claim(EventView e) {
        claims++;
        ResultCode result = e.result;
        claimsByResult.merge(result, 1L, Long::sum);
        String campaign = e.campaign();
        Counts c = byCampaign.computeIfAbsent(campaign, k -> new Counts());
        c.claims++;
        c.byResult.merge(result, 1L, Long::sum);
        Counts k = bySku.computeIfAbsent(campaign + "/" + e.sku(), x -> new Counts());
        k.claims++;
        k.byResult.merge(result, 1L, Long::sum);
        if (result == ResultCode.RISK_REJECTED) {
            riskByReason.merge(e.reason, 1L, Long::sum);
            riskByCampaign.computeIfAbsent(campaign, x -> new TreeMap<>()).merge(e.reason, 1L, Long::sum);
        }
        boolean granted = e.type == EventType.CLAIM_GRANTED;
        if (granted) {
            for (int i = 0; i < e.itemCount; i++) {
                bySku.computeIfAbsent(campaign + "/" + e.itemSku(i), x -> new Counts()).itemsGranted++;
            }
        }
        long[] bucket = perSecond.computeIfAbsent(Math.floorDiv(e.timestamp, 1000L), s -> new long[2]);
        bucket[0]++;
        if (granted) {
            bucket[1]++;
        }
    }

    /** The busiest second: {epochSecond, claims}, or null without claims. */
    long[] peakSecond() {
        long[] peak = null;
        for (Map.Entry<Long, long[]> s : perSecond.entrySet()) {
            if (peak == null || s.getValue()[0] > peak[1]) {
                peak = new long[] {s.getKey(), s.getValue()[0]};
            }
        }
        return peak;
    }

    /** One row of the claims-over-time table. */
    record Interval(long startSecond, long claims, long granted, long peakPerSecond, int seconds) {
        double averagePerSecond() {
            return (double) claims / seconds;
        }
    }

    /** Claims grouped into intervals of {@code seconds}, aligned to the epoch; only intervals with claims. */
    Map<Long, Interval> intervals(int seconds) {
        Map<Long, Interval> out = new LinkedHashMap<>();
        for (Map.Entry<Long, long[]> s : perSecond.entrySet()) {
            long start = Math.floorDiv(s.getKey(), seconds) * seconds;
            Interval prev = out.get(start);
            long[] v = s.getValue();
            out.put(start, prev == null ? new Interval(start, v[0], v[1], v[0], seconds)
                : new Interval(start, prev.claims + v[0], prev.granted + v[1], Math.max(prev.peakPerSecond, v[0]), seconds));
        }
        return out;
    }
}
