package dev.surge.journal.cli;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.util.GrantIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes Surge's invariants from the events alone, with its own deliberately plain model
 * (strings and hash maps, no engine state classes), so that a bug in the engine's state machine
 * cannot hide itself: {@code verify} trusts only the journal's bytes and the rules of
 * docs/architecture.md#invariants.
 *
 * <p>Checked, each at the event that would break it, against the configuration in force then:
 * <ul>
 *   <li>stock: a CODE SKU never issues more codes than loaded minus withdrawn; a DIRECT_RECHARGE
 *       SKU never grants more than its stock (configured, plus adjustments); bundle items count
 *       against their SKUs; stock is never set or withdrawn below what is already granted;</li>
 *   <li>limits: no user over the campaign's or the SKU's per-user limit, no device or IP over the
 *       campaign's limit;</li>
 *   <li>codes: every code index issued was loaded, no index is issued twice, and (when the codes
 *       can be decrypted) no code text is issued twice across SKUs;</li>
 *   <li>grants: ids unique, only for known campaigns and SKUs, only while the campaign is active
 *       and inside its window, items exactly as the SKU (or bundle) is configured;</li>
 *   <li>deliveries and redemptions refer to existing recharge items and grants; a delivered item
 *       never goes back, and is never delivered again by another supplier; a failed item comes
 *       back only through an operator's re-drive, which covers exactly the items it says; no
 *       failover while the supplier left behind may hold the delivery; nothing is redeemed twice
 *       or before it is delivered; recharge items still PENDING (granted, never finished) or
 *       FAILED at the end are reported as information;</li>
 *   <li>the lifecycle of grants (docs/lifecycle.md): no grant owned by two users at once (a gift
 *       comes from its owner, a user redeems only their own grant), nothing redeemed or given away
 *       after its grant was revoked, no code redeemed after its validity (its SKU's
 *       {@code codeValidUntil} or its upload's), every re-issue revokes a live CODE grant and
 *       issues a loaded code of its SKU, only a revoked grant's item is CANCELLED, and a re-drive
 *       never covers a revoked grant;</li>
 *   <li>event sequences are consecutive and time never runs backwards.</li>
 * </ul>
 *
 * <p>The reference model: this class is the one authoritative statement of what a valid journal
 * is. The engine's state machine is the implementation it judges; the engine's property tests
 * ({@code RandomizedHistory}, {@code RandomizedRiskHistory} in the engine's test-jar) check the
 * engine reply by reply against their own naive models, and {@code InvariantAuditorModelTest}
 * runs those same histories through this auditor, which must find no violation in them and must
 * flag doctored copies. Where the engine and this model disagree about a journal, the engine is
 * wrong until the rule itself is changed, here and in the engine together.
 *
 * <p>Not thread-safe; fed by the one thread that reads the journal.
 */
final class InvariantAuditor {
    /** Findings kept for printing; all are counted. */
    static final int KEEP_FINDINGS = 10_000;

    private final boolean codeTexts;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, Long> violationsByKind = new LinkedHashMap<>();
    private final Map<String, Long> infoByKind = new LinkedHashMap<>();
    private long violations;
    private long infos;

    private final Map<String, CampaignModel> campaigns = new LinkedHashMap<>();
    /** In grant order, so that end-of-journal findings come out in sequence order. */
    private final Map<GrantKey, GrantModel> grants = new LinkedHashMap<>();
    /** Code text to where it was first loaded, and to where it was first issued; only when codes are readable. */
    private final Map<String, CodeRef> codesByText = new HashMap<>();
    private final Map<String, CodeRef> issuedByText = new HashMap<>();

    private long events;
    private long firstSequence = -1;
    private long lastSequence = -1;
    private long lastTimestamp = Long.MIN_VALUE;
    private long grantCount;
    private long rejectedCount;
    private long codesLoaded;
    private long codesIssued;
    private long rechargeItems;
    private long redemptions;
    private long revoked;
    private long reissued;
    private long transferred;
    private long unreadableCodeLoads;
    private final EnumMap<EventType, Long> byType = new EnumMap<>(EventType.class);
    private final OrderAuditor orders = new OrderAuditor(this);

    /**
     * @param codeTexts whether CODES_LOADED events arrive with their code texts (the code key
     *                  was given); without, code texts cannot be compared across SKUs
     */
    InvariantAuditor(boolean codeTexts) {
        this.codeTexts = codeTexts;
    }

    // ---- input ---------------------------------------------------------------------------

    /** One well-formed event, in journal order. */
    void onEvent(long index, EventView e) {
        events++;
        byType.merge(e.type, 1L, Long::sum);
        checkOrder(index, e.sequence, e.timestamp);
        switch (e.type) {
            case CAMPAIGN_CONFIGURED -> configure(index, e.sequence, e.spec());
            case CAMPAIGN_STATUS_CHANGED -> statusChanged(index, e);
            case CODES_LOADED -> {
                List<String> texts = codeTexts ? texts(e) : null;
                codesLoaded(index, e.sequence, e.campaign(), e.sku(), e.count, texts);
                validity(e.campaign(), e.sku(), e.count, e.validUntil);
            }
            case STOCK_ADJUSTED -> stockAdjusted(index, e);
            case CLAIM_GRANTED -> granted(index, e);
            case CLAIM_REJECTED -> rejectedCount++;
            case REDEMPTION -> redemption(index, e);
            case DELIVERY_RECORDED -> delivery(index, e);
            case DELIVERIES_REDRIVEN -> redriven(index, e);
            case ORDER_RESERVED -> orders.reserved(index, e);
            case ORDER_CANCELLED -> orders.cancelled(index, e);
            case PAYMENT_RECORDED -> orders.payment(index, e);
            case ORDERS_EXPIRED -> orders.expired(index, e);
            case REFUND_RECORDED -> orders.refund(index, e);
            case REFUNDS_REDRIVEN -> orders.redriven(index, e);
            case GRANT_REVOKED -> {
                revokedGrant(index, e);
                orders.grantRevoked(e);
            }
            case GRANT_REISSUED -> reissuedGrant(index, e);
            case GRANT_TRANSFERRED -> transferredGrant(index, e);
            default -> {
                // REDEEMER_CREATED and other administrative events: no invariant of their own
            }
        }
    }

    /**
     * A CODES_LOADED event whose codes could not be read (no code key): only its place and
     * count are known. {@code count} is -1 when even that is unknown.
     */
    void onUnreadableCodes(long index, long sequence, long timestamp, String campaign, String sku, int count) {
        events++;
        byType.merge(EventType.CODES_LOADED, 1L, Long::sum);
        unreadableCodeLoads++;
        checkOrder(index, sequence, timestamp);
        if (count >= 0) {
            codesLoaded(index, sequence, campaign, sku, count, null);
            validity(campaign, sku, count, Long.MAX_VALUE); // not read without the key: only the SKU's is checked
        } else {
            violation("codes-unreadable", sequence, index,
                "the codes loaded here cannot be read without SURGE_CODE_KEY; later stock checks of this SKU are unreliable");
        }
    }

    /** A record the journal reader could not turn into an event (checksum, version, layout). */
    void onBadRecord(long index, long sequence, String why) {
        violation("corrupt-record", sequence, index, why);
    }

    /** Called once after the last event: reports deliveries not finished. */
    void finish() {
        long pending = 0;
        long failed = 0;
        for (Map.Entry<GrantKey, GrantModel> entry : grants.entrySet()) {
            GrantModel g = entry.getValue();
            for (int i = 0; i < g.codes.length; i++) {
                if (g.codes[i] >= 0) {
                    continue;
                }
                if (g.status[i] == DeliveryStatus.PENDING.code()) {
                    pending++;
                    info("delivery-pending", g.sequence, g.index, "grant " + entry.getKey() + " item " + i + " ("
                        + g.itemSkus[i] + ", user " + g.user + ") has no final delivery outcome yet"
                        + (g.outcome[i] == DeliveryOutcome.NONE ? "" : ": last " + g.outcome[i]
                        + (g.supplier[i] == null ? "" : " at " + g.supplier[i])
                        + (g.outcome[i].maybeApplied() ? ", which may have it (it will be asked first)" : "")));
                } else if (g.status[i] == DeliveryStatus.FAILED.code()) {
                    failed++;
                    info("delivery-failed", g.sequence, g.index, "grant " + entry.getKey() + " item " + i + " ("
                        + g.itemSkus[i] + ", user " + g.user + ") FAILED at every supplier; it can be re-driven");
                }
            }
        }
        this.pendingDeliveries = pending;
        this.failedDeliveries = failed;
        orders.finish();
    }

    private long pendingDeliveries;
    private long failedDeliveries;

    // ---- results -------------------------------------------------------------------------

    List<Finding> findings() {
        return findings;
    }

    long violations() {
        return violations;
    }

    long infos() {
        return infos;
    }

    Map<String, Long> violationsByKind() {
        return violationsByKind;
    }

    Map<String, Long> infoByKind() {
        return infoByKind;
    }

    /** CODES_LOADED events whose codes could not be read (no key): texts were not compared. */
    long unreadableCodeLoads() {
        return unreadableCodeLoads;
    }

    /** Counts for the summary, in print order. */
    Map<String, Long> summary() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("events", events);
        m.put("firstSequence", firstSequence);
        m.put("lastSequence", lastSequence);
        m.put("campaigns", (long) campaigns.size());
        m.put("skus", campaigns.values().stream().mapToLong(c -> c.skus.size()).sum());
        m.put("grants", grantCount);
        m.put("claimsRejected", rejectedCount);
        m.put("codesLoaded", codesLoaded);
        m.put("codesIssued", codesIssued);
        m.put("rechargeItems", rechargeItems);
        m.put("deliveriesPending", pendingDeliveries);
        m.put("deliveriesFailed", failedDeliveries);
        m.put("redemptions", redemptions);
        if (byType.containsKey(EventType.ORDER_RESERVED)) {
            orders.summary(m);
        }
        m.put("grantsRevoked", revoked);
        m.put("grantsReissued", reissued);
        m.put("grantsTransferred", transferred);
        return m;
    }

    // ---- the model -----------------------------------------------------------------------

    private void checkOrder(long index, long sequence, long timestamp) {
        if (firstSequence < 0) {
            firstSequence = sequence;
            if (sequence != 1) {
                info("journal-starts-late", sequence, index, "the journal's first event is sequence " + sequence
                    + ", not 1: state before it (in a snapshot) is not audited, and invariants may be under-counted");
            }
        } else if (sequence != lastSequence + 1) {
            violation("sequence-gap", sequence, index, "expected sequence " + (lastSequence + 1) + " after "
                + lastSequence + ", found " + sequence);
        }
        lastSequence = sequence;
        if (timestamp < lastTimestamp) {
            violation("time-backwards", sequence, index, "timestamp " + TimeArgs.format(timestamp)
                + " is before the previous event's " + TimeArgs.format(lastTimestamp));
        }
        lastTimestamp = Math.max(lastTimestamp, timestamp);
    }

    private void configure(long index, long seq, CampaignSpec spec) {
        CampaignModel c = campaigns.computeIfAbsent(spec.id, CampaignModel::new);
        c.perUser = spec.perUserLimit;
        c.perDevice = spec.perDeviceLimit;
        c.perIp = spec.perIpLimit;
        c.startsAt = spec.startsAt;
        c.endsAt = spec.endsAt;
        for (CampaignSpec.SkuSpec s : spec.skus) {
            SkuModel k = c.skus.get(s.id);
            if (k == null) {
                k = new SkuModel(s.id, s.kind);
                c.skus.put(s.id, k);
            } else if (k.kind != s.kind) {
                violation("sku-kind-changed", seq, index, sku(c.id, s.id) + " changed kind from " + k.kind
                    + " to " + s.kind + " (existing grants and codes no longer fit it)");
                k.kind = s.kind;
            }
            k.perUser = s.perUserLimit;
            k.codeValidUntil = s.codeValidUntil;
            if (s.kind == SkuKind.DIRECT_RECHARGE) {
                k.stock = s.stock; // a reconfiguration sets the stock, adjustments since are replaced
                if (k.granted > k.stock) {
                    violation("stock-below-granted", seq, index, sku(c.id, s.id) + " stock set to " + s.stock
                        + " but " + k.granted + " are already granted");
                }
            }
            k.items.clear();
            for (CampaignSpec.BundleItem item : s.items) {
                for (int q = 0; q < item.qty(); q++) {
                    k.items.add(item.skuId());
                }
            }
        }
        for (Map.Entry<String, SkuModel> entry : c.skus.entrySet()) {
            if (spec.sku(entry.getKey()) == null) {
                violation("sku-removed", seq, index, sku(c.id, entry.getKey())
                    + " is missing from the new configuration (SKUs may not be removed)");
            }
        }
    }

    private void statusChanged(long index, EventView e) {
        CampaignModel c = campaign(index, e.sequence, e.campaign());
        if (c != null) {
            CampaignStatus status = CampaignStatus.of(e.status);
            if (status == null) {
                violation("bad-status", e.sequence, index, "campaign " + c.id + " set to unknown status " + e.status);
            } else if (c.status == CampaignStatus.CLOSED && status != CampaignStatus.CLOSED) {
                violation("reopened", e.sequence, index, "campaign " + c.id + " was CLOSED and is set to " + status);
            } else {
                c.status = status;
            }
        }
    }

    private void codesLoaded(long index, long seq, String campaign, String skuId, int count, List<String> texts) {
        CampaignModel c = campaign(index, seq, campaign);
        SkuModel k = c == null ? null : sku(index, seq, c, skuId);
        if (k == null) {
            return;
        }
        if (k.kind != SkuKind.CODE) {
            violation("codes-into-non-code-sku", seq, index, count + " codes loaded into " + sku(campaign, skuId)
                + ", which is " + k.kind);
        }
        if (texts != null) {
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                CodeRef earlier = codesByText.get(text);
                if (earlier != null) {
                    info("code-loaded-twice", seq, index, "code " + CodeMask.mask(text) + " loaded as "
                        + sku(campaign, skuId) + " #" + (k.loaded + i) + " was already loaded as "
                        + sku(earlier.campaign, earlier.sku) + " #" + earlier.codeIndex + " at seq " + earlier.at);
                } else {
                    codesByText.put(text, new CodeRef(campaign, skuId, k.loaded + i, seq));
                }
            }
            k.texts.addAll(texts);
        }
        k.loaded += count;
        codesLoaded += count;
    }

    private void stockAdjusted(long index, EventView e) {
        CampaignModel c = campaign(index, e.sequence, e.campaign());
        SkuModel k = c == null ? null : sku(index, e.sequence, c, e.sku());
        if (k == null) {
            return;
        }
        String name = sku(c.id, k.id);
        switch (k.kind) {
            case CODE -> {
                k.withdrawn -= e.delta;
                if (k.withdrawn < 0) {
                    violation("stock-returned-unwithdrawn", e.sequence, index, name + " got " + e.delta
                        + " codes back but only " + (k.withdrawn + e.delta) + " were withdrawn");
                    k.withdrawn = 0;
                }
                if (k.issued > k.loaded - k.withdrawn) {
                    violation("stock-below-granted", e.sequence, index, name + " withdrawal leaves "
                        + (k.loaded - k.withdrawn) + " codes on sale but " + k.issued + " are already issued");
                }
            }
            case DIRECT_RECHARGE -> {
                k.stock += e.delta;
                if (k.granted > k.stock) {
                    violation("stock-below-granted", e.sequence, index, name + " stock adjusted by " + e.delta
                        + " to " + k.stock + " but " + k.granted + " are already granted");
                }
            }
            default -> violation("stock-adjusted-bundle", e.sequence, index, name
                + " is a BUNDLE; its stock is its items' and cannot be adjusted");
        }
    }

    private void granted(long index, EventView e) {
        long seq = e.sequence;
        String user = e.user();
        CampaignModel c = campaign(index, seq, e.campaign());
        SkuModel k = c == null ? null : sku(index, seq, c, e.sku());
        GrantModel g = addGrant(index, e, user);
        if (k == null) {
            return;
        }
        GrantKey key = new GrantKey(e.grantHi, e.grantLo);
        checkOpen(index, e, c, "grant " + key + " of " + sku(c.id, k.id) + " to user " + user);
        checkItems(index, seq, c, k, key, g);
        countLimits(index, e, c, k, user, "grants");
    }

    /**
     * Records the grant of a CLAIM_GRANTED or of a paid order's PAYMENT_RECORDED (id, items,
     * owner), flagging an id used before.
     */
    GrantModel addGrant(long index, EventView e, String user) {
        grantCount++;
        GrantKey key = new GrantKey(e.grantHi, e.grantLo);
        if (grants.containsKey(key)) {
            violation("duplicate-grant-id", e.sequence, index, "grant id " + key + " was already used at seq "
                + grants.get(key).sequence);
        }
        String[] itemSkus = new String[e.itemCount];
        int[] codes = new int[e.itemCount];
        byte[] status = new byte[e.itemCount];
        for (int i = 0; i < e.itemCount; i++) {
            itemSkus[i] = e.itemSku(i);
            codes[i] = e.itemCode[i];
            status[i] = (codes[i] >= 0 ? DeliveryStatus.DELIVERED : DeliveryStatus.PENDING).code();
        }
        GrantModel g = new GrantModel(e.sequence, index, e.campaign(), e.sku(), user, itemSkus, codes, status);
        grants.putIfAbsent(key, g);
        return g;
    }

    /** A grant or a reservation ({@code what}) only while its campaign is ACTIVE and inside its window. */
    void checkOpen(long index, EventView e, CampaignModel c, String what) {
        if (c.status != CampaignStatus.ACTIVE) {
            violation("grant-while-" + c.status.name().toLowerCase(java.util.Locale.ROOT), e.sequence, index,
                what + " while the campaign is " + c.status);
        }
        if (e.timestamp < c.startsAt || e.timestamp >= c.endsAt) {
            violation("grant-outside-window", e.sequence, index, what + " at " + TimeArgs.format(e.timestamp)
                + " is outside the campaign window " + TimeArgs.formatBound(c.startsAt) + " .. "
                + TimeArgs.formatBound(c.endsAt));
        }
    }

    /** The grant's items are exactly its SKU's (or bundle's), each issued from its SKU's stock. */
    void checkItems(long index, long seq, CampaignModel c, SkuModel k, GrantKey key, GrantModel g) {
        List<String> expected = k.kind == SkuKind.BUNDLE ? k.items : List.of(k.id);
        if (!expected.equals(Arrays.asList(g.itemSkus))) {
            violation("grant-items-mismatch", seq, index, "grant " + key + " of " + sku(c.id, k.id) + " has items "
                + Arrays.toString(g.itemSkus) + ", the SKU is configured as " + expected);
        }
        for (int i = 0; i < g.itemSkus.length; i++) {
            SkuModel item = c.skus.get(g.itemSkus[i]);
            if (item == null) {
                violation("unknown-sku", seq, index, "grant " + key + " item " + i + " is of unknown SKU "
                    + sku(c.id, g.itemSkus[i]));
                continue;
            }
            issueItem(index, seq, c, item, key, i, g.codes[i]);
        }
    }

    /**
     * Counts a grant or a reservation ({@code what}: "grants") against the user's, the SKU's, the
     * device's and the address's limits.
     */
    void countLimits(long index, EventView e, CampaignModel c, SkuModel k, String user, String what) {
        long seq = e.sequence;
        checkLimit(index, seq, "user-limit", c.perUser, c.userCounts, user,
            "user " + user + " now has %d " + what + " in campaign " + c.id + ", over its per-user limit of %d");
        checkLimit(index, seq, "sku-user-limit", k.perUser, k.userCounts, user,
            "user " + user + " now has %d " + what + " of " + sku(c.id, k.id) + ", over the SKU's per-user limit of %d");
        String device = e.device();
        if (!device.isEmpty()) {
            checkLimit(index, seq, "device-limit", c.perDevice, c.deviceCounts, device,
                "device " + device + " now has %d " + what + " in campaign " + c.id + ", over its limit of %d");
        }
        if (e.ipLength > 0) {
            checkLimit(index, seq, "ip-limit", c.perIp, c.ipCounts, ipKey(e),
                "IP " + e.ip() + " now has %d " + what + " in campaign " + c.id + ", over its limit of %d");
        }
    }

    /** The claim's raw address bytes as a map key. */
    static String ipKey(EventView e) {
        byte[] ip = new byte[e.ipLength];
        e.buffer().getBytes(e.ipOffset, ip);
        return new String(ip, StandardCharsets.ISO_8859_1);
    }

    void issueItem(long index, long seq, CampaignModel c, SkuModel item, GrantKey key, int i, int code) {
        String name = sku(c.id, item.id);
        switch (item.kind) {
            case CODE -> {
                if (code < 0) {
                    violation("grant-items-mismatch", seq, index, "grant " + key + " item " + i + " of CODE SKU "
                        + name + " carries no code");
                    return;
                }
                if (code >= item.loaded) {
                    violation("code-not-loaded", seq, index, "grant " + key + " issues " + name + " code #" + code
                        + " but only " + item.loaded + " codes were loaded");
                    return;
                }
                long earlier = item.issuedAt(code);
                if (earlier != 0) {
                    violation("code-reissued", seq, index, "grant " + key + " issues " + name + " code #" + code
                        + ", already issued at seq " + earlier);
                    return;
                }
                item.markIssued(code, seq);
                item.issued++;
                codesIssued++;
                if (item.issued + item.held > item.loaded - item.withdrawn) {
                    violation("stock-exceeded", seq, index, "grant " + key + " is code number " + item.issued + " of "
                        + name + " but only " + (item.loaded - item.withdrawn) + " were on sale (" + item.loaded
                        + " loaded, " + item.withdrawn + " withdrawn" + held(item) + ")");
                }
                if (code < item.texts.size()) {
                    String text = item.texts.get(code);
                    CodeRef first = issuedByText.putIfAbsent(text, new CodeRef(c.id, item.id, code, seq));
                    if (first != null) {
                        violation("code-text-reissued", seq, index, "grant " + key + " issues " + name + " #" + code
                            + " = " + CodeMask.mask(text) + ", the same code text issued at seq " + first.at
                            + " as " + sku(first.campaign, first.sku) + " #" + first.codeIndex);
                    }
                }
            }
            case DIRECT_RECHARGE -> {
                if (code >= 0) {
                    violation("grant-items-mismatch", seq, index, "grant " + key + " item " + i + " of recharge SKU "
                        + name + " carries code #" + code);
                }
                rechargeItems++;
                item.granted++;
                if (item.granted + item.held > item.stock) {
                    violation("stock-exceeded", seq, index, "grant " + key + " is unit " + item.granted + " of "
                        + name + " but its stock is " + item.stock + held(item));
                }
            }
            default -> violation("grant-items-mismatch", seq, index, "grant " + key + " item " + i + " is BUNDLE "
                + name + "; bundles contain only CODE and DIRECT_RECHARGE items");
        }
    }

    private static String held(SkuModel k) {
        return k.held == 0 ? "" : ", " + k.held + " held by unpaid orders";
    }

    void checkLimit(long index, long seq, String kind, int limit, Map<String, Integer> counts, String subject,
                            String message) {
        int n = counts.merge(subject, 1, Integer::sum);
        if (limit > 0 && n > limit) {
            violation(kind, seq, index, String.format(java.util.Locale.ROOT, message, n, limit));
        }
    }

    private void redemption(long index, EventView e) {
        if (e.result != ResultCode.REDEEMED) {
            return;
        }
        redemptions++;
        GrantKey key = new GrantKey(e.grantHi, e.grantLo);
        GrantModel g = grants.get(key);
        if (g == null) {
            violation("redemption-unknown-grant", e.sequence, index, "grant " + key + " redeemed but never granted");
            return;
        }
        if (g.redeemedAt != 0) {
            violation("redeemed-twice", e.sequence, index, "grant " + key + " redeemed again (first at seq "
                + g.redeemedAt + ")");
            return;
        }
        g.redeemedAt = e.sequence;
        redeemedInForce(index, e, key, g);
        for (int i = 0; i < g.status.length; i++) {
            if (g.status[i] != DeliveryStatus.DELIVERED.code()) {
                violation("redeemed-undelivered", e.sequence, index, "grant " + key + " redeemed while item " + i
                    + " is " + DeliveryStatus.of(g.status[i]));
                return;
            }
        }
    }

    private void delivery(long index, EventView e) {
        GrantKey key = new GrantKey(e.grantHi, e.grantLo);
        GrantModel g = grants.get(key);
        DeliveryStatus to = DeliveryStatus.of(e.status);
        if (g == null) {
            violation("delivery-unknown-grant", e.sequence, index, "delivery recorded for grant " + key
                + ", which was never granted");
            return;
        }
        if (e.item >= g.codes.length || g.codes[e.item] >= 0) {
            violation("delivery-not-recharge", e.sequence, index, "delivery recorded for grant " + key + " item "
                + e.item + ", which is not a recharge item of it");
            return;
        }
        if (to == null) {
            violation("bad-delivery-status", e.sequence, index, "grant " + key + " item " + e.item
                + " set to unknown status " + e.status);
            return;
        }
        if (g.status[e.item] == DeliveryStatus.DELIVERED.code() && to != DeliveryStatus.DELIVERED) {
            violation("delivery-regressed", e.sequence, index, "grant " + key + " item " + e.item
                + " was DELIVERED and is now recorded " + to);
            return;
        }
        String supplier = e.supplier();
        DeliveryOutcome outcome = DeliveryOutcome.of(e.outcome);
        if (g.status[e.item] == DeliveryStatus.DELIVERED.code() && !supplier.equals(g.supplier[e.item])) {
            violation("delivered-twice", e.sequence, index, "grant " + key + " item " + e.item + " was delivered by "
                + g.supplier[e.item] + " and is now delivered by " + supplier + " too: a double recharge");
        }
        if (g.status[e.item] == DeliveryStatus.FAILED.code() && to == DeliveryStatus.PENDING) {
            violation("delivery-after-failed", e.sequence, index, "grant " + key + " item " + e.item
                + " FAILED and is recorded PENDING again without an operator's re-drive");
        }
        if ((outcome == DeliveryOutcome.FAILOVER || outcome == DeliveryOutcome.EXHAUSTED)
            && g.outcome[e.item].maybeApplied()) {
            violation("left-in-doubt", e.sequence, index, "grant " + key + " item " + e.item + " left "
                + g.supplier[e.item] + " (" + outcome + ") while its last outcome there was " + g.outcome[e.item]
                + ": it may have recharged the account");
        }
        if (outcome == DeliveryOutcome.CANCELLED && g.revokedAt == 0) {
            violation("cancelled-not-revoked", e.sequence, index, "grant " + key + " item " + e.item
                + " is CANCELLED but the grant was never revoked");
        }
        g.status[e.item] = to.code();
        g.supplier[e.item] = supplier;
        g.outcome[e.item] = outcome == null ? DeliveryOutcome.NONE : outcome;
        g.lastAt[e.item] = e.timestamp;
    }

    /** An operator's re-drive: FAILED items it covers become PENDING, and it must say how many. */
    private void redriven(long index, EventView e) {
        String campaign = e.campaign();
        String supplier = e.supplier();
        int n = 0;
        for (GrantModel g : grants.values()) {
            if ((!campaign.isEmpty() && !campaign.equals(g.campaign)) || g.revokedAt != 0) {
                continue; // a revoked grant's recharge is never sent again
            }
            for (int i = 0; i < g.status.length; i++) {
                if (g.codes[i] < 0 && g.status[i] == DeliveryStatus.FAILED.code() && g.lastAt[i] >= e.from
                    && g.lastAt[i] < e.to && (supplier.isEmpty() || supplier.equals(g.supplier[i]))) {
                    g.status[i] = DeliveryStatus.PENDING.code();
                    g.supplier[i] = null;
                    g.outcome[i] = DeliveryOutcome.REDRIVEN;
                    g.lastAt[i] = e.timestamp;
                    n++;
                }
            }
        }
        if (n != e.count) {
            violation("redrive-count", e.sequence, index, "re-drive by " + e.actor() + " says it covers " + e.count
                + " FAILED items; the journal has " + n + " that match");
        }
    }

    // ---- the lifecycle of grants (docs/lifecycle.md) ---------------------------------------

    private void validity(String campaign, String skuId, int count, long validUntil) {
        CampaignModel c = campaigns.get(campaign);
        SkuModel k = c == null ? null : c.skus.get(skuId);
        if (k != null) {
            for (int i = 0; i < count; i++) {
                k.validity.add(validUntil);
            }
        }
    }

    /** A redemption must be of a grant in force, by its owner, within its codes' validity. */
    private void redeemedInForce(long index, EventView e, GrantKey key, GrantModel g) {
        if (g.revokedAt != 0) {
            violation("redeemed-after-revoked", e.sequence, index, "grant " + key + " redeemed after it was revoked"
                + " at seq " + g.revokedAt);
        }
        if (e.actorKind == EventView.ACTOR_USER && !e.actor().equals(g.owner)) {
            violation("redeemed-by-non-owner", e.sequence, index, "grant " + key + " of " + g.owner
                + " redeemed by user " + e.actor() + ": owned by two users at once");
        }
        CampaignModel c = campaigns.get(g.campaign);
        for (int i = 0; c != null && i < g.codes.length; i++) {
            SkuModel item = c.skus.get(g.itemSkus[i]);
            if (item == null || g.codes[i] < 0) {
                continue;
            }
            long until = Math.min(item.codeValidUntil,
                g.codes[i] < item.validity.size() ? item.validity.get(g.codes[i]) : Long.MAX_VALUE);
            if (e.timestamp > until) {
                violation("redeemed-after-valid-until", e.sequence, index, "grant " + key + " redeemed at "
                    + TimeArgs.format(e.timestamp) + " but its " + sku(c.id, item.id) + " code #" + g.codes[i]
                    + " was valid until " + TimeArgs.format(until));
            }
        }
    }

    /** The grant an operator's change names, if it may change: known, in force, not redeemed. */
    private GrantModel liveGrant(long index, EventView e, String what) {
        GrantKey key = new GrantKey(e.grantHi, e.grantLo);
        GrantModel g = grants.get(key);
        if (g == null) {
            violation(what + "-unknown-grant", e.sequence, index, what + " of grant " + key + ", never granted");
        } else if (g.revokedAt != 0) {
            violation(what + "-of-revoked", e.sequence, index, what + " of grant " + key + ", already revoked at seq "
                + g.revokedAt);
        } else if (g.redeemedAt != 0) {
            violation(what + "-of-redeemed", e.sequence, index, what + " of grant " + key + ", redeemed at seq "
                + g.redeemedAt);
        }
        return g;
    }

    private void revokedGrant(long index, EventView e) {
        revoked++;
        GrantModel g = liveGrant(index, e, "revoke");
        if (g != null && g.revokedAt == 0) {
            g.revokedAt = e.sequence;
        }
    }

    /** A re-issue revokes its old grant and issues a fresh code of the same SKU to the same owner. */
    private void reissuedGrant(long index, EventView e) {
        reissued++;
        GrantModel old = liveGrant(index, e, "reissue");
        GrantKey key = new GrantKey(e.newGrantHi, e.newGrantLo);
        if (grants.containsKey(key)) {
            violation("duplicate-grant-id", e.sequence, index, "re-issued grant id " + key + " was already used");
            return;
        }
        if (old == null) {
            return;
        }
        old.revokedAt = old.revokedAt == 0 ? e.sequence : old.revokedAt;
        CampaignModel c = campaigns.get(old.campaign);
        SkuModel k = c == null ? null : c.skus.get(old.sku);
        if (k == null || k.kind != SkuKind.CODE || old.codes.length != 1) {
            violation("reissue-not-code", e.sequence, index, "grant " + new GrantKey(e.grantHi, e.grantLo)
                + " re-issued but it is not a grant of one CODE item");
            return;
        }
        GrantModel g = new GrantModel(e.sequence, index, old.campaign, old.sku, old.user, new String[] {old.sku},
            new int[] {e.reissuedCode}, new byte[] {DeliveryStatus.DELIVERED.code()});
        g.owner = old.owner;
        grants.put(key, g);
        grantCount++;
        issueItem(index, e.sequence, c, k, key, 0, e.reissuedCode);
    }

    private void transferredGrant(long index, EventView e) {
        if (e.result != ResultCode.TRANSFERRED) {
            return;
        }
        transferred++;
        GrantKey key = new GrantKey(e.grantHi, e.grantLo);
        GrantModel g = grants.get(key);
        if (g == null) {
            violation("transfer-unknown-grant", e.sequence, index, "grant " + key + " given away, never granted");
            return;
        }
        String from = e.user();
        if (!from.equals(g.owner)) {
            violation("transfer-not-owner", e.sequence, index, "grant " + key + " of " + g.owner + " given away by "
                + from + ": owned by two users at once");
        }
        if (g.revokedAt != 0 || g.redeemedAt != 0) {
            violation("transfer-not-in-force", e.sequence, index, "grant " + key + " given away after it was "
                + (g.revokedAt != 0 ? "revoked" : "redeemed"));
        }
        g.owner = e.recipient();
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The campaign's model, or null (no finding: for a model that already checked it). */
    CampaignModel campaignModel(String id) {
        return campaigns.get(id);
    }

    CampaignModel campaign(long index, long seq, String id) {
        CampaignModel c = campaigns.get(id);
        if (c == null) {
            violation("unknown-campaign", seq, index, "event refers to campaign " + id + ", never configured before it");
        }
        return c;
    }

    SkuModel sku(long index, long seq, CampaignModel c, String id) {
        SkuModel k = c.skus.get(id);
        if (k == null) {
            violation("unknown-sku", seq, index, "event refers to SKU " + sku(c.id, id) + ", never configured before it");
        }
        return k;
    }

    static String sku(String campaign, String sku) {
        return campaign + "/" + sku;
    }

    private static List<String> texts(EventView e) {
        List<String> list = new ArrayList<>(e.count);
        e.forEachCode((i, buffer, offset, length) -> list.add(buffer.getStringWithoutLengthUtf8(offset, length)));
        return list;
    }

    void violation(String kind, long seq, long index, String message) {
        violations++;
        violationsByKind.merge(kind, 1L, Long::sum);
        keep(new Finding(Finding.Severity.VIOLATION, kind, seq, index, message));
    }

    void info(String kind, long seq, long index, String message) {
        infos++;
        infoByKind.merge(kind, 1L, Long::sum);
        keep(new Finding(Finding.Severity.INFO, kind, seq, index, message));
    }

    private void keep(Finding f) {
        if (findings.size() < KEEP_FINDINGS) {
            findings.add(f);
        }
    }

    // ---- model classes -------------------------------------------------------------------

    record GrantKey(long hi, int lo) {
        @Override
        public String toString() {
            return GrantIds.format(hi, lo);
        }
    }

    static final class GrantModel {
        final long sequence;
        final long index;
        final String campaign;
        final String sku;
        final String user;
        final String[] itemSkus;
        final int[] codes;
        final byte[] status;
        /** Per item: the supplier of its last delivery record, that record's outcome and time. */
        final String[] supplier;
        final DeliveryOutcome[] outcome;
        final long[] lastAt;
        long redeemedAt;
        /** Who holds it now: the claimer until a gift. */
        String owner;
        /** The sequence that revoked it (0: in force). */
        long revokedAt;

        GrantModel(long sequence, long index, String campaign, String sku, String user, String[] itemSkus, int[] codes,
                   byte[] status) {
            this.sequence = sequence;
            this.index = index;
            this.campaign = campaign;
            this.sku = sku;
            this.user = user;
            this.itemSkus = itemSkus;
            this.codes = codes;
            this.status = status;
            this.supplier = new String[status.length];
            this.outcome = new DeliveryOutcome[status.length];
            Arrays.fill(outcome, DeliveryOutcome.NONE);
            this.lastAt = new long[status.length];
            this.owner = user;
        }
    }

    static final class CampaignModel {
        final String id;
        int perUser;
        int perDevice;
        int perIp;
        long startsAt;
        long endsAt = Long.MAX_VALUE;
        CampaignStatus status = CampaignStatus.ACTIVE;
        final Map<String, SkuModel> skus = new LinkedHashMap<>();
        final Map<String, Integer> userCounts = new HashMap<>();
        final Map<String, Integer> deviceCounts = new HashMap<>();
        final Map<String, Integer> ipCounts = new HashMap<>();

        CampaignModel(String id) {
            this.id = id;
        }
    }

    static final class SkuModel {
        final String id;
        SkuKind kind;
        int perUser;
        long codeValidUntil = Long.MAX_VALUE;
        /** Each loaded code's upload validity, by code index. */
        final List<Long> validity = new ArrayList<>();
        long stock;
        long granted;
        long loaded;
        long withdrawn;
        long issued;
        /** Units held by reserved orders of paid sales ({@link OrderAuditor}). */
        long held;
        /** Bundle: the item SKU ids, each repeated qty times, in configuration order. */
        final List<String> items = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final Map<String, Integer> userCounts = new HashMap<>();
        /** The sequence that issued each code index (0: not issued). */
        private long[] issuedAt = new long[0];

        SkuModel(String id, SkuKind kind) {
            this.id = id;
            this.kind = kind;
        }

        long issuedAt(int code) {
            return code < issuedAt.length ? issuedAt[code] : 0;
        }

        void markIssued(int code, long seq) {
            if (code >= issuedAt.length) {
                issuedAt = Arrays.copyOf(issuedAt, Math.max(code + 1, issuedAt.length * 2 + 16));
            }
            issuedAt[code] = seq;
        }
    }

    /** Where a code text was loaded or issued: SKU, code index, and the event's sequence. */
    private record CodeRef(String campaign, String sku, long codeIndex, long at) {
    }
}
