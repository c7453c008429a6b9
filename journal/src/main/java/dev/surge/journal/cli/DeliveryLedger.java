package dev.surge.journal.cli;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.event.EventView;
import dev.surge.engine.state.PendingDelivery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every recharge item of a journal and where its delivery went, from the events alone (plain
 * maps, like {@code verify}'s model): its delivery id, account, status, the supplier it is at or
 * settled with, the suppliers it was sent to, and when it was delivered or failed. What
 * {@code redeliver} lists and {@code reconcile} compares a supplier's statement with.
 *
 * <p>Not thread-safe; fed by the one thread that reads the journal.
 */
final class DeliveryLedger {

    /** One recharge item. */
    static final class Item {
        final String deliveryId;
        final String campaign;
        final String sku;
        final String user;
        final String account;
        final long grantedAt;
        final List<String> suppliers;
        DeliveryStatus status = DeliveryStatus.PENDING;
        /** The supplier it is at (PENDING) or settled with (DELIVERED, FAILED); null before any record. */
        String supplier;
        DeliveryOutcome lastOutcome = DeliveryOutcome.NONE;
        long lastAt;
        String lastDetail = "";
        /** Suppliers a request went to (the delivery may have reached them). */
        final Set<String> sentTo = new LinkedHashSet<>();

        Item(String deliveryId, String campaign, String sku, String user, String account, long grantedAt,
             List<String> suppliers) {
            this.deliveryId = deliveryId;
            this.campaign = campaign;
            this.sku = sku;
            this.user = user;
            this.account = account;
            this.grantedAt = grantedAt;
            this.suppliers = suppliers;
        }
    }

    private final Map<String, Item> items = new LinkedHashMap<>();
    /** campaign/sku of DIRECT_RECHARGE SKUs to their suppliers, as configured at the time. */
    private final Map<String, List<String>> routes = new HashMap<>();

    void onEvent(EventView e) {
        switch (e.type) {
            case CAMPAIGN_CONFIGURED -> {
                var spec = e.spec();
                for (var sku : spec.skus) {
                    routes.put(spec.id + "/" + sku.id, List.copyOf(sku.suppliers));
                }
            }
            case CLAIM_GRANTED -> {
                for (int i = 0; i < e.itemCount; i++) {
                    if (e.itemCode[i] >= 0) {
                        continue;
                    }
                    String id = PendingDelivery.deliveryId(e.grantHi, e.grantLo, i);
                    items.put(id, new Item(id, e.campaign(), e.itemSku(i), e.user(), e.account(), e.timestamp,
                        routes.getOrDefault(e.campaign() + "/" + e.itemSku(i), List.of())));
                }
            }
            case DELIVERY_RECORDED -> {
                Item item = items.get(PendingDelivery.deliveryId(e.grantHi, e.grantLo, e.item));
                DeliveryStatus status = DeliveryStatus.of(e.status);
                DeliveryOutcome outcome = DeliveryOutcome.of(e.outcome);
                if (item == null || status == null || outcome == null) {
                    return; // verify reports these
                }
                item.status = status;
                item.supplier = e.supplier();
                item.lastOutcome = outcome;
                item.lastAt = e.timestamp;
                item.lastDetail = e.detail();
                if (outcome.isRequest() || outcome == DeliveryOutcome.NONE) {
                    item.sentTo.add(e.supplier());
                }
            }
            case DELIVERIES_REDRIVEN -> {
                for (Item item : failed(e.campaign(), e.supplier(), e.from, e.to)) {
                    item.status = DeliveryStatus.PENDING;
                    item.supplier = null;
                    item.lastOutcome = DeliveryOutcome.REDRIVEN;
                    item.lastAt = e.timestamp;
                    item.lastDetail = "re-driven by " + e.actor();
                }
            }
            default -> {
                // nothing about deliveries
            }
        }
    }

    /** Reads the whole journal into a ledger. */
    static DeliveryLedger read(EventSource source, Progress progress) {
        DeliveryLedger ledger = new DeliveryLedger();
        long[] read = new long[1];
        source.scan(1, -1, new EventSource.Visitor() {
            @Override
            public boolean onEvent(long index, EventView event) {
                progress.update(++read[0]);
                ledger.onEvent(event);
                return true;
            }

            @Override
            public boolean onSealedCodes(long index, long sequence, long timestamp, String campaign, String sku,
                                         int count) {
                progress.update(++read[0]);
                return true;
            }

            @Override
            public void onBadRecord(long index, long sequence, String problem) {
                throw new CliException("bad record at index " + index + ": " + problem + " (run 'journal verify')");
            }
        });
        return ledger;
    }

    /**
     * FAILED items of a campaign (empty: any) whose last supplier is {@code supplier} (empty: any)
     * that failed in {@code [from, to)}: the engine's re-drive selection, as a re-drive would see it.
     */
    List<Item> failed(String campaign, String supplier, long from, long to) {
        List<Item> list = new ArrayList<>();
        for (Item item : items.values()) {
            if (item.status == DeliveryStatus.FAILED && (campaign.isEmpty() || campaign.equals(item.campaign))
                && (supplier.isEmpty() || supplier.equals(item.supplier)) && item.lastAt >= from && item.lastAt < to) {
                list.add(item);
            }
        }
        return list;
    }

    Item get(String deliveryId) {
        return items.get(deliveryId);
    }

    Iterable<Item> items() {
        return items.values();
    }
}
