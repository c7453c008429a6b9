package dev.surge.engine.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.RiskWorkload;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import dev.surge.engine.reply.ReplyView;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Each risk rule through the state machine: its reason, its order, what counts, and replay. */
class RiskDecisionsTest {
    private static final byte[] IP1 = {10, 0, 0, 1};
    private static final byte[] IP2 = {10, 0, 0, 2};
    private final EngineDriver d = new EngineDriver(3);

    private void campaign(RiskRules rules, int perUserLimit) {
        CampaignSpec spec = EngineDriver.campaign("c", perUserLimit);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        spec.risk = rules;
        assertEquals(ResultCode.OK, d.upsert(spec).result, "campaign accepted");
        assertEquals(ResultCode.OK, d.load("c", "card", EngineDriver.codes("C", 100)).result);
    }

    private ReplyView claim(String user, String device, byte[] ip) {
        return d.claim(user, "k" + d.events.size(), "c", "card", device, ip, "");
    }

    private static void assertRefused(RiskReason reason, ReplyView r) {
        assertRefused(reason, r, "refused");
    }

    private static void assertRefused(RiskReason reason, ReplyView r, String why) {
        assertEquals(ResultCode.RISK_REJECTED, r.result, why);
        assertEquals(reason, RiskReason.of(r.reason), why);
    }

    private void assertReplayAndSnapshotReproduceTheState() throws IOException {
        long live = d.machine.digest();
        assertEquals(live, d.replay().digest(), "replay of the events reproduces every risk decision's state");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.machine.writeSnapshot(new DataOutputStream(bytes));
        StateMachine restored = StateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            d.machine.config());
        assertEquals(live, restored.digest(), "snapshot reproduces it");
    }

    @Test
    void blocklistRefusesUsersDevicesAndAddressBlocksOnEveryCampaign() throws IOException {
        campaign(new RiskRules(), 0);
        BlocklistChange add = new BlocklistChange();
        add.mode = BlocklistChange.Mode.ADD;
        add.users.add("mallory");
        add.devices.add("farm-7");
        add.ips.add(IpBlock.of(new byte[] {10, 9, 0, 0}, 16));
        add.ips.add(IpBlock.of(CidrSetTest.v6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 0), 64));
        assertEquals(ResultCode.OK, d.blocklist(add).result);
        assertEquals(new Blocklist.Sizes(1, 1, 2), d.answer());

        assertRefused(RiskReason.BLOCKED_USER, claim("mallory", "", null));
        assertRefused(RiskReason.BLOCKED_DEVICE, claim("alice", "farm-7", IP1));
        assertRefused(RiskReason.BLOCKED_IP, claim("bob", "", new byte[] {10, 9, (byte) 200, 3}));
        assertRefused(RiskReason.BLOCKED_IP, claim("bob", "", CidrSetTest.v6(0x2001, 0xdb8, 1, 2, 9, 9, 9, 9)));
        assertEquals(ResultCode.GRANTED, claim("bob", "phone", CidrSetTest.v6(0x2001, 0xdb8, 1, 3, 9, 9, 9, 9)).result);

        Blocklist.Entries entries = d.blocklistEntries();
        assertEquals(List.of("mallory"), entries.users());
        assertEquals(List.of("farm-7"), entries.devices());
        assertEquals(List.of("10.9.0.0/16", "2001:db8:1:2::/64"), entries.ips());

        BlocklistChange remove = new BlocklistChange();
        remove.mode = BlocklistChange.Mode.REMOVE;
        remove.users.add("mallory");
        remove.users.add("never-listed");
        assertEquals(ResultCode.OK, d.blocklist(remove).result);
        assertEquals(ResultCode.GRANTED, claim("mallory", "", null).result);

        BlocklistChange replace = new BlocklistChange();
        replace.users.add("eve");
        assertEquals(ResultCode.OK, d.blocklist(replace).result);
        assertEquals(new Blocklist.Entries(List.of("eve"), List.of(), List.of()), d.blocklistEntries());
        assertEquals(ResultCode.GRANTED, claim("carol", "farm-7", new byte[] {10, 9, 1, 1}).result, "replaced away");

        CampaignCounters counters = d.machine.campaign("c");
        assertEquals(Map.of(RiskReason.BLOCKED_USER, 1L, RiskReason.BLOCKED_DEVICE, 1L, RiskReason.BLOCKED_IP, 2L),
            counters.riskRejected());
        assertEquals(4L, counters.rejected().get(ResultCode.RISK_REJECTED));
        assertReplayAndSnapshotReproduceTheState();
    }

    @Test
    void aBlocklistChangeWithHostBitsOrTooManyEntriesIsRefusedAndChangesNothing() {
        BlocklistChange bad = new BlocklistChange();
        bad.mode = BlocklistChange.Mode.ADD;
        bad.ips.add(new IpBlock(0, 0xFFFF_0A01_0203L, 104)); // 10.1.2.3/8
        ReplyView r = d.blocklist(bad);
        assertEquals(ResultCode.INVALID, r.result);
        assertEquals("ips[0]: not an address block with its host bits clear", r.message);
        BlocklistChange big = new BlocklistChange();
        for (int i = 0; i <= BlocklistChange.MAX_ENTRIES_PER_CHANGE; i++) {
            big.users.add("u" + i);
        }
        assertEquals(ResultCode.INVALID, d.blocklist(big).result);
        assertTrue(d.events.isEmpty(), "a refused change is not journaled");
    }

    @Test
    void aBlockedUsersEarlierGrantStillReplaysAndARefusalReplaysWithItsReason() {
        campaign(new RiskRules(), 1);
        ReplyView first = d.claim("mallory", "k1", "c", "card", "", null, "");
        assertEquals(ResultCode.GRANTED, first.result);
        BlocklistChange add = new BlocklistChange();
        add.mode = BlocklistChange.Mode.ADD;
        add.users.add("mallory");
        d.blocklist(add);
        ReplyView again = d.claim("mallory", "k1", "c", "card", "", null, "");
        assertTrue(again.replayed);
        assertEquals(ResultCode.GRANTED, again.result, "the first decision stands");
        assertRefused(RiskReason.BLOCKED_USER, d.claim("mallory", "k2", "c", "card", "", null, ""));
        ReplyView replay = d.claim("mallory", "k2", "c", "card", "", null, "");
        assertTrue(replay.replayed);
        assertRefused(RiskReason.BLOCKED_USER, replay);
    }

    @Test
    void aDeviceOverItsWindowIsRefusedUntilItPausesForAWindowBecauseAttemptsCount() throws IOException {
        RiskRules rules = new RiskRules();
        rules.perDevice = new RiskRules.Velocity(3, 60);
        campaign(rules, 1);
        assertEquals(ResultCode.GRANTED, claim("a", "dev", IP1).result);
        assertEquals(ResultCode.LIMIT_REACHED, claim("a", "dev", IP1).result, "counts although not granted");
        assertEquals(ResultCode.GRANTED, claim("b", "dev", IP1).result);
        assertRefused(RiskReason.VELOCITY_DEVICE, claim("c", "dev", IP1));
        assertEquals(ResultCode.GRANTED, claim("c", "other-dev", IP1).result, "other devices are not affected");
        // hammering every 20 s keeps the device refused: refused attempts count too
        for (int i = 0; i < 6; i++) {
            d.now += 20_000;
            assertRefused(RiskReason.VELOCITY_DEVICE, claim("d" + i, "dev", IP1));
        }
        // a pause of a window and a bucket (60 s + 60/7 s) frees it
        d.now += 60_000 + VelocityWindows.bucketWidth(60);
        assertEquals(ResultCode.GRANTED, claim("e", "dev", IP1).result);
        assertEquals(Map.of(RiskReason.VELOCITY_DEVICE, 7L), d.machine.campaign("c").riskRejected());
        assertReplayAndSnapshotReproduceTheState();
    }

    @Test
    void userAddressAndPrefixWindowsCountTheirOwnSubjects() {
        RiskRules rules = new RiskRules();
        rules.perUser = new RiskRules.Velocity(2, 10);
        rules.perIp = new RiskRules.Velocity(3, 10);
        rules.perIpPrefix = new RiskRules.Velocity(5, 10);
        campaign(rules, 0);
        assertEquals(ResultCode.GRANTED, claim("a", "", IP1).result);
        assertEquals(ResultCode.GRANTED, claim("a", "", IP2).result);
        assertRefused(RiskReason.VELOCITY_USER, claim("a", "", IP2));
        assertEquals(ResultCode.GRANTED, claim("b", "", IP2).result, "the refused attempt counted: IP2's third");
        assertRefused(RiskReason.VELOCITY_IP, claim("x", "", IP2), "IP2 has seen three attempts");
        assertRefused(RiskReason.VELOCITY_IP_PREFIX, claim("c", "", new byte[] {10, 0, 0, 3}),
            "10.0.0.0/24 has seen five");
        assertEquals(ResultCode.GRANTED, claim("c", "", new byte[] {10, 0, 1, 3}).result, "another /24");
        // an IPv4 client seen as IPv4-mapped IPv6 is the same address
        assertRefused(RiskReason.VELOCITY_IP, claim("d", "", CidrSetTest.v6(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0002)));
        // IPv6 groups by /64
        byte[] v6a = CidrSetTest.v6(0x2001, 0xdb8, 0, 7, 1, 1, 1, 1);
        for (int i = 0; i < 5; i++) {
            byte[] host = CidrSetTest.v6(0x2001, 0xdb8, 0, 7, 0, 0, 0, i);
            assertEquals(ResultCode.GRANTED, claim("v6-" + i, "", host).result);
        }
        assertRefused(RiskReason.VELOCITY_IP_PREFIX, claim("v6-x", "", v6a));
        d.now += 20_000;
        assertEquals(ResultCode.GRANTED, claim("v6-y", "", v6a).result, "the window has passed");
    }

    @Test
    void aDeviceTakesAtMostKAccountsAndKeepsServingThem() {
        RiskRules rules = new RiskRules();
        rules.maxAccountsPerDevice = 2;
        campaign(rules, 2);
        assertEquals(ResultCode.GRANTED, claim("a", "dev", IP1).result);
        assertEquals(ResultCode.GRANTED, claim("b", "dev", IP1).result);
        assertRefused(RiskReason.DEVICE_SHARED, claim("c", "dev", IP1));
        assertRefused(RiskReason.DEVICE_SHARED, claim("c", "dev", IP1));
        assertEquals(ResultCode.GRANTED, claim("a", "dev", IP1).result, "a known account is not a new one");
        assertEquals(ResultCode.GRANTED, claim("c", "", IP1).result, "without a device the rule cannot judge");
        assertEquals(2, d.machine.campaign("c").riskRejected().get(RiskReason.DEVICE_SHARED));
    }

    @Test
    void requireDeviceAndTokenAge() {
        RiskRules rules = new RiskRules();
        rules.requireDevice = true;
        rules.minTokenAgeSeconds = 3600;
        campaign(rules, 0);
        assertRefused(RiskReason.DEVICE_REQUIRED, claim("a", "", IP1));
        long now = d.now;
        assertRefused(RiskReason.TOKEN_TOO_NEW, d.claim("a", "t1", "c", "card", "dev", IP1, "", now - 10_000));
        assertEquals(ResultCode.GRANTED, d.claim("a", "t2", "c", "card", "dev", IP1, "", now - 3_600_000).result);
        assertEquals(ResultCode.GRANTED, d.claim("b", "t3", "c", "card", "dev", IP1, "", RiskSubject.NO_ISSUED_AT).result,
            "a token without iat is not judged by its age");
    }

    @Test
    void invalidRulesAreRefusedNamingTheField() {
        CampaignSpec spec = EngineDriver.campaign("c", 0);
        EngineDriver.sku(spec, "card", SkuKind.CODE);
        spec.risk.perUser = new RiskRules.Velocity(0, 60);
        assertEquals("risk.perUser.max: must be 1 to 1000000", d.upsert(spec).message);
        spec.risk.perUser = new RiskRules.Velocity(3, 0);
        assertEquals("risk.perUser.windowSeconds: must be 1 to 604800", d.upsert(spec).message);
        spec.risk.perUser = RiskRules.Velocity.OFF;
        spec.risk.maxAccountsPerDevice = -1;
        assertEquals("risk.maxAccountsPerDevice: must be 0 (off) to 10000", d.upsert(spec).message);
    }

    @Test
    void rulesTravelInTheCampaignEventAndCanBeTurnedOff() {
        campaign(RiskWorkload.rules(), 0);
        EventView e = new EventView();
        byte[] configured = d.events.get(0);
        assertTrue(e.wrap(new UnsafeBuffer(configured), 0, configured.length));
        assertEquals(EventType.CAMPAIGN_CONFIGURED, e.type);
        assertEquals(RiskWorkload.rules().toString(), e.spec().risk.toString());
        assertEquals(RiskWorkload.rules().toString(), d.machine.campaign("c").risk().toString());
        CampaignSpec off = EngineDriver.campaign("c", 0);
        EngineDriver.sku(off, "card", SkuKind.CODE);
        assertEquals(ResultCode.OK, d.upsert(off).result);
        assertEquals(null, d.machine.campaign("c").risk());
    }

    @Test
    void theScriptedBotGetsAtMostItsAllowanceAndEveryHonestUserIsGranted() throws IOException {
        RiskWorkload.Outcome o = RiskWorkload.run(1);
        assertTrue(o.botGrants() <= RiskWorkload.BOT_ALLOWANCE, "bot grants " + o.botGrants() + " " + o.botResults());
        assertEquals(RiskWorkload.HONEST, o.honestGrants(), "bot results " + o.botResults());
        assertTrue(o.botResults().containsKey("DEVICE_SHARED"), o.botResults().toString());
        assertTrue(o.botResults().containsKey("BLOCKED_DEVICE"), o.botResults().toString());
        assertFalse(o.botResults().containsKey("SOLD_OUT"), o.botResults().toString());
        long live = o.driver().machine.digest();
        assertEquals(live, o.driver().replay().digest());
        // the same commands decide the same events, byte for byte
        List<byte[]> again = RiskWorkload.run(1).driver().events;
        assertEquals(o.driver().events.size(), again.size());
        for (int i = 0; i < again.size(); i++) {
            assertTrue(java.util.Arrays.equals(o.driver().events.get(i), again.get(i)), "event " + (i + 1));
        }
    }
}
