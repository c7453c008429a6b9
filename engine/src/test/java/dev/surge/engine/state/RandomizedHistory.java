package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One seeded random history: a campaign with CODE, DIRECT_RECHARGE and BUNDLE SKUs, then claims,
 * status changes, stock adjustments, code loads (some with a validity), redemptions, deliveries,
 * revocations, re-issues, gifts and time passing, driven
 * through {@link EngineDriver} with a deliberately naive reference model alongside that every
 * reply is asserted against. {@link #run()} also checks replay and snapshot digests. Shared through
 * the engine's test-jar: {@code RandomizedInvariantsTest} runs it against the engine, the journal
 * tests run its events through the journal CLI's invariant auditor.
 */
public final class RandomizedHistory {
    static final int STEPS = 150;

    private final SplittableRandom rnd;
    private final EngineDriver d;
    private final CampaignSpec spec;
    // the model
    private final Map<String, List<String>> loaded = new HashMap<>();
    private final Map<String, Integer> issued = new HashMap<>();
    private final Map<String, Long> withdrawn = new HashMap<>();
    private final Set<String> allCodes = new HashSet<>();
    private long rechargeStock;
    private long rechargeGranted;
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, Object[]> firstDecision = new HashMap<>();
    private CampaignStatus status = CampaignStatus.ACTIVE;
    private final Set<String> issuedCodes = new HashSet<>();
    private final List<String[]> grants = new ArrayList<>(); // grantId, user, redeemable?
    private final List<String> pendingRecharges = new ArrayList<>();
    private final Set<String> redeemed = new HashSet<>();
    private final Set<String> delivered = new HashSet<>();
    private int bundleQty2;
    // the lifecycle of grants (docs/lifecycle.md)
    private final Map<String, Long> codeValidity = new HashMap<>();
    private final Map<String, List<String>> grantCodes = new HashMap<>();
    private final Map<String, String> claimer = new HashMap<>();
    private final Set<String> revoked = new HashSet<>();
    private int lifecycleKeys;

    public RandomizedHistory(long seed) {
        this(seed, true);
    }

    /** {@code atEdge}: claims resolved by the publisher (see {@link EngineDriver#EngineDriver(long, boolean)}). */
    public RandomizedHistory(long seed, boolean atEdge) {
        rnd = new SplittableRandom(seed);
        d = new EngineDriver(seed, atEdge);
        spec = EngineDriver.campaign("c", rnd.nextInt(4));
        spec.perDeviceLimit = rnd.nextInt(5);
        spec.perIpLimit = rnd.nextInt(7);
        spec.startsAt = d.now + rnd.nextInt(3) * 100;
        spec.endsAt = spec.startsAt + 500 + rnd.nextInt(5000);
        EngineDriver.sku(spec, "code1", SkuKind.CODE).perUserLimit = rnd.nextInt(3);
        CampaignSpec.SkuSpec code2 = EngineDriver.sku(spec, "code2", SkuKind.CODE);
        if (rnd.nextBoolean()) {
            code2.codeValidUntil = spec.startsAt + rnd.nextInt(6000);
        }
        CampaignSpec.SkuSpec rc = EngineDriver.sku(spec, "rc", SkuKind.DIRECT_RECHARGE);
        rc.stock = rechargeStock = rnd.nextInt(10);
        rc.suppliers.add("s");
        CampaignSpec.SkuSpec bun = EngineDriver.sku(spec, "bun", SkuKind.BUNDLE);
        bundleQty2 = 1 + rnd.nextInt(2);
        bun.items.add(new CampaignSpec.BundleItem("code1", 1));
        bun.items.add(new CampaignSpec.BundleItem("code2", bundleQty2));
        for (String sku : List.of("code1", "code2")) {
            loaded.put(sku, new ArrayList<>());
            issued.put(sku, 0);
            withdrawn.put(sku, 0L);
        }
    }

    /** The events the engine decided so far, in order (the history's journal). */
    public List<byte[]> events() {
        return d.events;
    }

    /** The digest of the state so far. */
    public long digest() {
        return d.machine.digest();
    }

    /** Runs the whole history, asserting every reply against the model; returns the number of claims. */
    public int run() {
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        load("code1");
        load("code2");
        int claims = 0;
        for (int step = 0; step < STEPS; step++) {
            int op = rnd.nextInt(100);
            if (op < 63) {
                claim();
                claims++;
            } else if (op < 70) {
                lifecycle();
            } else if (op < 75) {
                CampaignStatus next = rnd.nextBoolean() ? CampaignStatus.PAUSED : CampaignStatus.ACTIVE;
                if (rnd.nextInt(20) == 0) {
                    next = CampaignStatus.CLOSED;
                }
                ReplyView r = d.status("c", next);
                if (r.result == ResultCode.OK) {
                    status = next;
                } else {
                    assertEquals(CampaignStatus.CLOSED, status);
                }
            } else if (op < 80) {
                adjust();
            } else if (op < 84) {
                load(rnd.nextBoolean() ? "code1" : "code2");
            } else if (op < 90) {
                redeem();
            } else if (op < 95) {
                d.now += rnd.nextInt(300);
            } else {
                deliver();
            }
        }
        long live = d.machine.digest();
        assertEquals(live, d.replay().digest(), "replayed journal must reproduce the state");
        assertEquals(live, d.replayGrouped().digest(), "replayed a group at a time, it must reproduce the state");
        assertEquals(live, d.replayPrepared(null).digest(),
            "prepared by a preparer of its own (as on recovery's reader thread), it must reproduce the state");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            d.machine.writeSnapshot(new DataOutputStream(bytes));
            StateMachine restored = StateMachine.readSnapshot(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), d.machine.config());
            assertEquals(live, restored.digest(), "snapshot must reproduce the state");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        CampaignCounters counters = d.machine.campaign("c");
        for (CampaignCounters.SkuCounters s : counters.skus()) {
            assertTrue(s.stockLeft() >= 0, "stock left never negative: " + s);
        }
        return claims;
    }

    private void load(String sku) {
        List<String> batch = new ArrayList<>();
        int n = rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            batch.add("K" + rnd.nextInt(40)); // small space: duplicates within and across uploads
        }
        long validUntil = rnd.nextInt(3) == 0 ? d.now + rnd.nextInt(2000) : Long.MAX_VALUE;
        ReplyView r = d.load("c", sku, batch, validUntil);
        assertEquals(ResultCode.OK, r.result);
        Set<String> fresh = new LinkedHashSet<>();
        for (String code : batch) {
            if (!allCodes.contains(code)) {
                fresh.add(code);
            }
        }
        allCodes.addAll(fresh);
        fresh.forEach(code -> codeValidity.put(code, validUntil));
        loaded.get(sku).addAll(fresh);
        assertEquals(fresh.size(), r.loaded);
        assertEquals(batch.size() - fresh.size(), r.duplicatesSkipped);
    }

    private long available(String sku) {
        return switch (sku) {
            case "code1", "code2" -> loaded.get(sku).size() - issued.get(sku) - withdrawn.get(sku);
            case "rc" -> rechargeStock - rechargeGranted;
            default -> Math.min(available("code1"), available("code2") / bundleQty2);
        };
    }

    private void adjust() {
        String sku = List.of("code1", "code2", "rc").get(rnd.nextInt(3));
        long delta = rnd.nextInt(7) - 3;
        ReplyView r = d.adjust("c", sku, delta);
        boolean ok;
        if (delta == 0) {
            ok = false;
        } else if (sku.equals("rc")) {
            ok = delta > 0 || -delta <= available(sku);
        } else {
            ok = delta <= withdrawn.get(sku) && (delta > 0 || -delta <= available(sku));
        }
        assertEquals(ok ? ResultCode.OK : ResultCode.INVALID, r.result, "adjust " + sku + " by " + delta);
        if (ok) {
            if (sku.equals("rc")) {
                rechargeStock += delta;
            } else {
                withdrawn.put(sku, withdrawn.get(sku) - delta);
            }
        }
    }

    private void claim() {
        String user = "u" + rnd.nextInt(15);
        String key = "k" + rnd.nextInt(6);
        String campaign = rnd.nextInt(30) == 0 ? "other" : "c";
        String sku = List.of("code1", "code2", "rc", "bun", "code1", "nosku").get(rnd.nextInt(6));
        String device = rnd.nextInt(4) == 0 ? "" : "d" + rnd.nextInt(6);
        byte[] ip = rnd.nextInt(4) == 0 ? null : new byte[] {10, 0, 0, (byte) rnd.nextInt(4)};
        String account = rnd.nextInt(10) == 0 ? "" : "acc" + rnd.nextInt(3);
        ReplyView r = d.claim(user, key, campaign, sku, device, ip, account);

        String body = campaign + "|" + sku + "|" + device + "|" + account;
        Object[] first = firstDecision.get(user + "/" + key);
        if (first != null) {
            if (!first[0].equals(body)) {
                assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, r.result);
            } else {
                assertTrue(r.replayed, "a repeated key is a replay");
                assertEquals(first[1], r.result);
                assertEquals(first[2], r.result == ResultCode.GRANTED ? r.grantId() : null);
                boolean givenAway = first[2] != null && !user.equals(owner((String) first[2]));
                assertEquals(givenAway ? withoutCodes((String) first[3]) : first[3], itemsOf(r),
                    "a replay hands over the same items (no code once given away)");
            }
            return;
        }
        ResultCode expected = expect(user, campaign, sku, device, ip, account);
        assertEquals(expected, r.result, "claim " + body + " by " + user);
        if (expected == ResultCode.ACCOUNT_REQUIRED) {
            return; // not a decision: nothing remembered
        }
        if (expected == ResultCode.UNKNOWN_CAMPAIGN || expected == ResultCode.UNKNOWN_SKU) {
            return; // names nothing that exists: the key is not remembered, a retry is decided again
        }
        firstDecision.put(user + "/" + key, new Object[] {body, r.result,
            r.result == ResultCode.GRANTED ? r.grantId() : null,
            itemsOf(r)});
        if (expected == ResultCode.GRANTED) {
            granted(user, sku, device, ip, r);
        }
    }

    private static String withoutCodes(String items) {
        return items.replaceAll("=[^;]*;", "=;");
    }

    /** What was handed over; delivery progress may differ between the first answer and a replay. */
    private static String itemsOf(ReplyView r) {
        StringBuilder sb = new StringBuilder();
        for (ReplyView.Item item : r.items) {
            sb.append(item.sku()).append('=').append(item.code()).append(';');
        }
        return sb.toString();
    }

    private ResultCode expect(String user, String campaign, String sku, String device, byte[] ip,
                              String account) {
        if (!campaign.equals("c")) {
            return ResultCode.UNKNOWN_CAMPAIGN;
        }
        if (sku.equals("nosku")) {
            return ResultCode.UNKNOWN_SKU;
        }
        if (sku.equals("rc") && account.isEmpty()) {
            return ResultCode.ACCOUNT_REQUIRED;
        }
        if (status == CampaignStatus.PAUSED) {
            return ResultCode.PAUSED;
        }
        if (status == CampaignStatus.CLOSED || d.now >= spec.endsAt) {
            return ResultCode.ENDED;
        }
        if (d.now < spec.startsAt) {
            return ResultCode.NOT_STARTED;
        }
        int skuLimit = spec.sku(sku).perUserLimit;
        if ((spec.perUserLimit > 0 && count("user:" + user) >= spec.perUserLimit)
            || (skuLimit > 0 && count(sku + ":" + user) >= skuLimit)
            || (!device.isEmpty() && spec.perDeviceLimit > 0 && count("device:" + device) >= spec.perDeviceLimit)
            || (ip != null && spec.perIpLimit > 0 && count("ip:" + ip[3]) >= spec.perIpLimit)) {
            return ResultCode.LIMIT_REACHED;
        }
        return available(sku) < 1 ? ResultCode.SOLD_OUT : ResultCode.GRANTED;
    }

    private int count(String key) {
        return counts.getOrDefault(key, 0);
    }

    private void granted(String user, String sku, String device, byte[] ip, ReplyView r) {
        counts.merge("user:" + user, 1, Integer::sum);
        counts.merge(sku + ":" + user, 1, Integer::sum);
        if (!device.isEmpty()) {
            counts.merge("device:" + device, 1, Integer::sum);
        }
        if (ip != null) {
            counts.merge("ip:" + ip[3], 1, Integer::sum);
        }
        List<String> parts = sku.equals("bun") ? new ArrayList<>(List.of("code1")) : new ArrayList<>(List.of(sku));
        if (sku.equals("bun")) {
            for (int i = 0; i < bundleQty2; i++) {
                parts.add("code2");
            }
        }
        assertEquals(parts.size(), r.items.size(), "a bundle grants all of its items");
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            ReplyView.Item item = r.items.get(i);
            assertEquals(part, item.sku());
            if (part.equals("rc")) {
                rechargeGranted++;
                pendingRecharges.add(r.grantId());
                assertEquals(DeliveryStatus.PENDING, item.status());
            } else {
                int next = issued.get(part);
                assertEquals(loaded.get(part).get(next), item.code(), "codes are issued in load order");
                issued.put(part, next + 1);
                assertTrue(issuedCodes.add(item.code()), "code issued twice: " + item.code());
            }
        }
        grants.add(new String[] {r.grantId(), user, sku});
        List<String> codes = new ArrayList<>();
        r.items.forEach(item -> codes.add(item.code()));
        grantCodes.put(r.grantId(), codes);
        claimer.put(r.grantId(), user);
        if (!sku.equals("rc")) {
            delivered.add(r.grantId());
        }
    }

    private void redeem() {
        if (grants.isEmpty()) {
            return;
        }
        String[] g = grants.get(rnd.nextInt(grants.size()));
        boolean owner = rnd.nextInt(5) != 0;
        String user = owner ? g[1] : "intruder";
        ReplyView r = d.redeemGrant(user, "r" + rnd.nextInt(1_000_000), g[0]);
        ResultCode expected;
        if (!owner) {
            expected = ResultCode.NOT_OWNER;
        } else if (revoked.contains(g[0])) {
            expected = ResultCode.REVOKED;
        } else if (redeemed.contains(g[0])) {
            expected = ResultCode.ALREADY_REDEEMED;
        } else if (d.now > validUntil(g[0])) {
            expected = ResultCode.EXPIRED;
        } else if (!delivered.contains(g[0])) {
            expected = ResultCode.NOT_DELIVERED;
        } else {
            expected = ResultCode.REDEEMED;
            redeemed.add(g[0]);
        }
        assertEquals(expected, r.result);
    }

    private void deliver() {
        if (pendingRecharges.isEmpty()) {
            return;
        }
        String grant = pendingRecharges.remove(rnd.nextInt(pendingRecharges.size()));
        assertEquals(ResultCode.OK, d.delivery(grant, 0, DeliveryStatus.DELIVERED, "s").result);
        delivered.add(grant);
    }

    // ---- the lifecycle of grants ---------------------------------------------------------------

    private String owner(String grantId) {
        for (String[] g : grants) {
            if (g[0].equals(grantId)) {
                return g[1];
            }
        }
        return null;
    }

    /** The earliest validity of a grant's codes: each code's upload's, and code2's own. */
    private long validUntil(String grantId) {
        long until = Long.MAX_VALUE;
        for (String code : grantCodes.get(grantId)) {
            if (!code.isEmpty()) {
                until = Math.min(until, codeValidity.get(code));
            }
        }
        String sku = grants.stream().filter(g -> g[0].equals(grantId)).findFirst().orElseThrow()[2];
        if (sku.equals("code2") || sku.equals("bun")) {
            until = Math.min(until, spec.sku("code2").codeValidUntil);
        }
        return until;
    }

    private void lifecycle() {
        if (grants.isEmpty()) {
            return;
        }
        String[] g = grants.get(rnd.nextInt(grants.size()));
        int op = rnd.nextInt(3);
        if (op == 0) {
            ResultCode expected = revoked.contains(g[0]) ? ResultCode.REVOKED
                : redeemed.contains(g[0]) ? ResultCode.ALREADY_REDEEMED : ResultCode.OK;
            assertEquals(expected, d.revoke("ops", "test", g[0]).result, "revoke");
            if (expected == ResultCode.OK) {
                revoked.add(g[0]);
            }
        } else if (op == 1) {
            reissue(g);
        } else {
            transfer(g);
        }
    }

    private void reissue(String[] g) {
        ReplyView r = d.reissue("ops", "broken", g[0]);
        boolean code = g[2].equals("code1") || g[2].equals("code2");
        ResultCode expected = revoked.contains(g[0]) ? ResultCode.REVOKED
            : redeemed.contains(g[0]) ? ResultCode.ALREADY_REDEEMED
            : !code ? ResultCode.NOT_REISSUABLE
            : available(g[2]) < 1 ? ResultCode.SOLD_OUT : ResultCode.OK;
        assertEquals(expected, r.result, "reissue of " + g[2]);
        if (expected != ResultCode.OK) {
            return;
        }
        revoked.add(g[0]);
        int next = issued.get(g[2]);
        String fresh = loaded.get(g[2]).get(next);
        issued.put(g[2], next + 1);
        assertTrue(issuedCodes.add(fresh));
        assertEquals(fresh, d.query(g[1], r.grantId()).items.get(0).code(), "the next code of the pool, to the owner");
        grants.add(new String[] {r.grantId(), g[1], g[2]});
        grantCodes.put(r.grantId(), List.of(fresh));
        delivered.add(r.grantId());
    }

    private void transfer(String[] g) {
        String from = rnd.nextInt(5) != 0 ? g[1] : "u" + rnd.nextInt(15);
        String to = rnd.nextInt(8) == 0 ? from : "u" + rnd.nextInt(15);
        ReplyView r = d.transfer(from, "t" + lifecycleKeys++, g[0], to);
        ResultCode expected = to.equals(from) ? ResultCode.INVALID
            : !from.equals(g[1]) ? ResultCode.NOT_FOUND
            : revoked.contains(g[0]) ? ResultCode.REVOKED
            : redeemed.contains(g[0]) ? ResultCode.ALREADY_REDEEMED
            : g[2].equals("rc") ? ResultCode.NOT_TRANSFERABLE : ResultCode.TRANSFERRED;
        assertEquals(expected, r.result, "transfer of " + g[2] + " from " + from + " to " + to);
        if (expected == ResultCode.TRANSFERRED) {
            g[1] = to;
            assertEquals(ResultCode.NOT_FOUND, d.query(from, g[0]).result, "the giver no longer sees it");
            assertEquals(g[0], d.machine.grantsOf(to, 1).get(0).grantId().equals(g[0]) ? g[0]
                : findIn(to, g[0]), "the recipient sees it");
        }
    }

    private String findIn(String user, String grantId) {
        return d.machine.grantsOf(user, 1000).stream().map(GrantSummary::grantId).filter(grantId::equals)
            .findFirst().orElse(null);
    }
}
