package dev.surge.journal.cli;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.risk.RiskReason;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which events a command looks at: a time range, a sequence range, a campaign, a user, results
 * and event types (all optional, all inclusive). Redemptions and deliveries carry only a grant
 * id, so when filtering by campaign or user the filter remembers each grant's campaign and user
 * from its CLAIM_GRANTED and matches later events of that grant too; a re-issue's new grant has
 * its old grant's owner, and a gift's grant belongs to the recipient from then on (the gift itself
 * matches the giver and the recipient).
 *
 * <p>Not thread-safe; one per scan.
 */
final class EventFilter {
    long fromTime = Long.MIN_VALUE;
    long toTime = Long.MAX_VALUE;
    long fromSequence = Long.MIN_VALUE;
    long toSequence = Long.MAX_VALUE;
    String campaign;
    String user;
    /** Upper-case result names: ResultCode names, DeliveryStatus names for deliveries, refund status labels. */
    Set<String> results;
    /** Risk reasons (RiskReason names): only claims refused for one of them. */
    Set<String> reasons;
    EnumSet<EventType> types;

    private final Map<Grant, Owner> owners = new HashMap<>();
    /** Paid sales' orders by id (the same 96-bit form as grant ids): who reserved them. */
    private final Map<Grant, Owner> orderOwners = new HashMap<>();

    private record Grant(long hi, int lo) {
    }

    /** A grant's campaign and user, as the CLAIM_GRANTED recorded them. */
    record Owner(String campaign, String user) {
    }

    /** Sets the time range from the {@code --from} and {@code --to} options (null: open on that side). */
    void times(String from, String to) {
        if (from != null) {
            fromTime = TimeArgs.parseTime("--from", from);
        }
        if (to != null) {
            toTime = TimeArgs.parseTime("--to", to);
        }
    }

    /** Whether events after this one can still match (sequences and times only grow). */
    boolean beyond(EventView e) {
        return e.sequence > toSequence || e.timestamp > toTime;
    }

    /** Whether {@code e} matches. Call for every event in order, also those that do not match. */
    boolean matches(EventView e) {
        Owner owner = null;
        if (campaign != null || user != null) {
            owner = remember(e);
        }
        if (e.sequence < fromSequence || e.sequence > toSequence || e.timestamp < fromTime || e.timestamp > toTime) {
            return false;
        }
        if (types != null && !types.contains(e.type)) {
            return false;
        }
        if (results != null && !results.contains(resultName(e))) {
            return false;
        }
        if (reasons != null && !(e.type == EventType.CLAIM_REJECTED && e.result == ResultCode.RISK_REJECTED
            && reasons.contains(RiskReason.nameOf(e.reason)))) {
            return false;
        }
        if (e.type == EventType.ORDERS_EXPIRED) {
            return anyExpiredOrderOf(e); // one sweep expires orders of any campaign and user
        }
        if (campaign != null && !campaign.equals(campaignOf(e, owner))) {
            return false;
        }
        return user == null || userMatches(e, owner);
    }

    private boolean anyExpiredOrderOf(EventView e) {
        if (campaign == null && user == null) {
            return true;
        }
        for (int i = 0; i < e.count; i++) {
            Owner o = orderOwners.get(new Grant(e.expiredHi(i), e.expiredLo(i)));
            if (o != null && (campaign == null || campaign.equals(o.campaign()))
                && (user == null || user.equals(o.user()))) {
                return true;
            }
        }
        return false;
    }

    /** Matches a CODES_LOADED event that could not be decrypted (only campaign and SKU are known). */
    boolean matchesSealed(long sequence, long timestamp, String campaignId) {
        return sequence >= fromSequence && sequence <= toSequence && timestamp >= fromTime && timestamp <= toTime
            && (types == null || types.contains(EventType.CODES_LOADED)) && results == null && reasons == null
            && user == null
            && (campaign == null || campaign.equals(campaignId));
    }

    private Owner remember(EventView e) {
        return switch (e.type) {
            case CLAIM_GRANTED -> {
                Owner o = new Owner(e.campaign(), e.user());
                owners.put(new Grant(e.grantHi, e.grantLo), o);
                yield o;
            }
            case REDEMPTION, DELIVERY_RECORDED, GRANT_REVOKED -> owners.get(new Grant(e.grantHi, e.grantLo));
            case ORDER_RESERVED -> {
                Owner o = new Owner(e.campaign(), e.user());
                orderOwners.put(new Grant(e.orderHi, e.orderLo), o);
                yield o;
            }
            case PAYMENT_RECORDED -> {
                Owner o = orderOwners.get(new Grant(e.orderHi, e.orderLo));
                if (o != null && e.result == ResultCode.PAID) {
                    owners.put(new Grant(e.grantHi, e.grantLo), o); // the paid order's grant is the reserver's
                }
                yield o;
            }
            case ORDER_CANCELLED, REFUND_RECORDED -> orderOwners.get(new Grant(e.orderHi, e.orderLo));
            case GRANT_REISSUED -> {
                Owner o = owners.get(new Grant(e.grantHi, e.grantLo));
                if (o != null) {
                    owners.put(new Grant(e.newGrantHi, e.newGrantLo), o);
                }
                yield o;
            }
            case GRANT_TRANSFERRED -> {
                Owner o = owners.get(new Grant(e.grantHi, e.grantLo));
                if (o != null && e.result == ResultCode.TRANSFERRED) {
                    owners.put(new Grant(e.grantHi, e.grantLo), new Owner(o.campaign(), e.recipient()));
                }
                yield o;
            }
            default -> null;
        };
    }

    /** The owner of the grant a redemption or delivery refers to, or of an order, when the filter tracked it. */
    Owner ownerOf(EventView e) {
        return switch (e.type) {
            case ORDER_CANCELLED, PAYMENT_RECORDED, REFUND_RECORDED -> orderOwners.get(new Grant(e.orderHi, e.orderLo));
            default -> owners.get(new Grant(e.grantHi, e.grantLo));
        };
    }

    private static String campaignOf(EventView e, Owner owner) {
        return switch (e.type) {
            case CAMPAIGN_CONFIGURED -> e.spec().id;
            case REDEMPTION, DELIVERY_RECORDED, GRANT_REVOKED, GRANT_REISSUED, GRANT_TRANSFERRED, ORDER_CANCELLED,
                PAYMENT_RECORDED, REFUND_RECORDED ->
                owner == null ? null : owner.campaign();
            default -> e.campaign();
        };
    }

    private boolean userMatches(EventView e, Owner owner) {
        if (e.type == EventType.GRANT_TRANSFERRED) { // the giver and the recipient
            return user.equals(e.user()) || user.equals(e.recipient());
        }
        return user.equals(userOf(e, owner));
    }

    private static String userOf(EventView e, Owner owner) {
        return switch (e.type) {
            case CLAIM_GRANTED, CLAIM_REJECTED, ORDER_RESERVED -> e.user();
            case REDEMPTION -> owner != null ? owner.user()
                : e.actorKind == EventView.ACTOR_USER ? e.actor() : null;
            case DELIVERY_RECORDED, GRANT_REVOKED, GRANT_REISSUED, ORDER_CANCELLED, PAYMENT_RECORDED, REFUND_RECORDED ->
                owner == null ? null : owner.user();
            default -> null;
        };
    }

    /**
     * The outcome an operator filters on: the result of a claim or redemption, the status of a
     * delivery, OK for administrative events.
     */
    static String resultName(EventView e) {
        return switch (e.type) {
            case CLAIM_GRANTED, CLAIM_REJECTED, REDEMPTION, GRANT_TRANSFERRED, ORDER_RESERVED, PAYMENT_RECORDED ->
                e.result == null ? "UNKNOWN" : e.result.name();
            case ORDER_CANCELLED -> ResultCode.CANCELLED.name();
            case ORDERS_EXPIRED -> ResultCode.EXPIRED.name();
            case REFUND_RECORDED -> {
                RefundStatus s = RefundStatus.of(e.status);
                yield s == null ? "UNKNOWN" : s.label();
            }
            case DELIVERY_RECORDED -> {
                DeliveryStatus s = DeliveryStatus.of(e.status);
                yield s == null ? "UNKNOWN" : s.name();
            }
            default -> ResultCode.OK.name();
        };
    }

    /** Parses "VELOCITY_DEVICE,blocked-ip" (any case); throws CliException naming an unknown one. */
    static Set<String> parseReasons(String option, Iterable<String> values) {
        Set<String> known = new LinkedHashSet<>();
        for (RiskReason r : RiskReason.values()) {
            if (r != RiskReason.NONE) {
                known.add(r.name());
            }
        }
        return parseNames(option, "reason", values, known);
    }

    /** Parses "GRANTED,SOLD_OUT" (any case); throws CliException naming an unknown one. */
    static Set<String> parseResults(String option, Iterable<String> values) {
        Set<String> known = new LinkedHashSet<>();
        for (ResultCode r : ResultCode.values()) {
            known.add(r.name());
        }
        for (DeliveryStatus s : DeliveryStatus.values()) {
            known.add(s.name());
        }
        for (RefundStatus s : RefundStatus.values()) {
            known.add(s.label());
        }
        return parseNames(option, "result", values, known);
    }

    /** Each value as a known name (upper case, '-' as '_'); throws CliException naming an unknown one. */
    private static Set<String> parseNames(String option, String what, Iterable<String> values, Set<String> known) {
        Set<String> set = new LinkedHashSet<>();
        for (String v : values) {
            String name = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (!known.contains(name)) {
                throw new CliException(option + ": unknown " + what + " '" + v + "' (one of " + String.join(", ", known)
                    + ")");
            }
            set.add(name);
        }
        return set;
    }
}
