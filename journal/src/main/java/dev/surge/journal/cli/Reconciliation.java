package dev.surge.journal.cli;

import dev.surge.engine.DeliveryStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares one supplier's statement with the journal (对账). The question for every delivery is
 * the one that matters for exactly-once: did this supplier recharge it? The journal says yes for
 * the items it settled as DELIVERED with this supplier; the statement says yes for its DELIVERED
 * rows. Reported:
 * <ul>
 *   <li>{@code only-in-journal}: delivered by the supplier per the journal, absent from the statement;</li>
 *   <li>{@code only-in-statement}: a row for a delivery the journal never sent to this supplier;</li>
 *   <li>{@code status-mismatch}: both know it but disagree on whether the supplier recharged it;</li>
 *   <li>{@code account-mismatch}: the statement recharged another account than the one granted;</li>
 *   <li>{@code duplicate-row}: the same delivery id twice in the statement;</li>
 *   <li>{@code over-recharged}: an account the statement recharged more often than the journal
 *       granted it recharges this supplier could deliver.</li>
 * </ul>
 * With a time range, statement rows outside it (when their time is known) and journal deliveries
 * settled outside it are left out of the comparison.
 */
final class Reconciliation {
    /** One disagreement; {@code line} is the statement's line (0: none). */
    record Finding(String kind, String deliveryId, String account, String journal, String statement, int line) {
    }

    private final List<Finding> findings = new ArrayList<>();
    private long sentToSupplier;
    private long deliveredBySupplier;
    private long rowsCompared;

    Reconciliation(DeliveryLedger ledger, String supplier, List<SupplierStatement.Row> rows, long from, long to) {
        Map<String, SupplierStatement.Row> byId = new LinkedHashMap<>();
        Map<String, Integer> rechargedByAccount = new LinkedHashMap<>();
        for (SupplierStatement.Row row : rows) {
            if (row.time() >= 0 && (row.time() < from || row.time() >= to)) {
                continue;
            }
            rowsCompared++;
            if (row.delivered()) {
                rechargedByAccount.merge(row.account(), 1, Integer::sum);
            }
            SupplierStatement.Row first = byId.putIfAbsent(row.deliveryId(), row);
            if (first != null) {
                findings.add(new Finding("duplicate-row", row.deliveryId(), row.account(), "-",
                    row.status() + " (also on line " + first.line() + ")", row.line()));
            }
        }
        Map<String, Integer> grantedByAccount = new HashMap<>();
        Set<String> matched = new HashSet<>();
        for (DeliveryLedger.Item item : ledger.items()) {
            if (item.suppliers.contains(supplier)) {
                grantedByAccount.merge(item.account, 1, Integer::sum);
            }
            boolean sent = item.sentTo.contains(supplier);
            boolean deliveredHere = item.status == DeliveryStatus.DELIVERED && supplier.equals(item.supplier);
            if (sent) {
                sentToSupplier++;
            }
            if (deliveredHere) {
                deliveredBySupplier++;
            }
            SupplierStatement.Row row = byId.get(item.deliveryId);
            if (row == null) {
                if (deliveredHere && item.lastAt >= from && item.lastAt < to) {
                    findings.add(new Finding("only-in-journal", item.deliveryId, item.account, journal(item), "-", 0));
                }
                continue;
            }
            if (!sent && !deliveredHere) {
                continue; // never sent here: reported with the statement's extra rows below
            }
            matched.add(item.deliveryId);
            if (!row.account().equals(item.account)) {
                findings.add(new Finding("account-mismatch", item.deliveryId, item.account,
                    "account " + item.account, "account " + row.account() + " " + row.status(), row.line()));
            }
            if (row.delivered() != deliveredHere) {
                findings.add(new Finding("status-mismatch", item.deliveryId, item.account, journal(item),
                    row.status(), row.line()));
            }
        }
        for (SupplierStatement.Row row : byId.values()) {
            if (!matched.contains(row.deliveryId())) {
                DeliveryLedger.Item item = ledger.get(row.deliveryId());
                findings.add(new Finding("only-in-statement", row.deliveryId(), row.account(),
                    item == null ? "never granted" : "never sent here: " + journal(item), row.status(), row.line()));
            }
        }
        for (Map.Entry<String, Integer> e : rechargedByAccount.entrySet()) {
            int granted = grantedByAccount.getOrDefault(e.getKey(), 0);
            if (e.getValue() > granted) {
                findings.add(new Finding("over-recharged", "", e.getKey(), granted + " recharge(s) granted",
                    e.getValue() + " recharged", 0));
            }
        }
    }

    private static String journal(DeliveryLedger.Item item) {
        String where = item.supplier == null ? "" : (item.status == DeliveryStatus.PENDING ? " at " : " by ")
            + item.supplier;
        boolean said = item.status == DeliveryStatus.PENDING && item.lastOutcome != dev.surge.engine.DeliveryOutcome.NONE;
        return item.status + where + (said ? " (last " + item.lastOutcome + ")" : "");
    }

    List<Finding> findings() {
        return findings;
    }

    long sentToSupplier() {
        return sentToSupplier;
    }

    long deliveredBySupplier() {
        return deliveredBySupplier;
    }

    long rowsCompared() {
        return rowsCompared;
    }
}
