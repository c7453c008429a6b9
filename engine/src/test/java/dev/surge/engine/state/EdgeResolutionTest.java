package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignDirectory;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.ClaimCommand;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.risk.IpAddresses;
import dev.surge.engine.risk.RiskRules;
import dev.surge.engine.util.Identities;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Claims resolved by the publisher (docs/architecture.md, "Resolved at the edge"): the identities
 * it computes are the engine's, and an index from a directory that is no longer the engine's
 * current one is never applied: the claim is decided by name.
 */
class EdgeResolutionTest {
    private static final StateConfig KEY = EngineDriver.keyOf(7);
    private final CommandSlot slot = new CommandSlot();

    private static StateMachine machine(String... skus) {
        return machine(null, skus);
    }

    private static StateMachine machine(RiskRules rules, String... skus) {
        StateMachine m = new StateMachine(KEY);
        CampaignSpec spec = EngineDriver.campaign("c", 0);
        if (rules != null) {
            spec.risk = rules;
        }
        for (String sku : skus) {
            recharge(spec, sku);
        }
        CommandSlot admin = new CommandSlot();
        new CommandWriter().upsertCampaign(admin, 1, spec);
        m.decide(admin);
        assertEquals(ResultCode.OK, admin.result);
        return m;
    }

    private static void recharge(CampaignSpec spec, String sku) {
        CampaignSpec.SkuSpec s = EngineDriver.sku(spec, sku, SkuKind.DIRECT_RECHARGE);
        s.stock = 10;
        s.suppliers.add("supplier");
    }

    private static long granted(StateMachine m, String sku) {
        return m.campaign("c").skus().stream().filter(k -> k.id().equals(sku)).findFirst().orElseThrow().granted();
    }

    private void claim(CommandWriter writer, String user, String sku) {
        writer.claim(slot, 2, user, "k-" + user, "c", sku, "dev", new byte[] {10, 0, 0, 1}, "13800000000");
    }

    @Test
    void anIndexFromAnotherDirectoryIsNeverAppliedToTheSkuItNumbersThere() {
        StateMachine resolvedBy = machine("x", "y");
        StateMachine decidedBy = machine("y", "x"); // same names, other indexes
        claim(new CommandWriter(resolvedBy.edge()), "alice", "x");
        ClaimCommand command = new ClaimCommand().wrap(slot.command);
        assertEquals(resolvedBy.directory().epoch(), command.epoch());
        assertNotEquals(decidedBy.directory().epoch(), command.epoch(), "every directory has its own epoch");

        decidedBy.decide(slot);
        assertEquals(ResultCode.GRANTED, slot.result);
        assertEquals(1, granted(decidedBy, "x"), "decided by name: the SKU the claim names");
        assertEquals(0, granted(decidedBy, "y"), "not the SKU its stale index numbers here");
    }

    @Test
    void aClaimResolvedBeforeItsSkuWasAddedIsDecidedByName() {
        StateMachine m = machine("x");
        long before = m.directory().epoch();
        claim(new CommandWriter(m.edge()), "alice", "late");
        assertEquals(CampaignDirectory.MISSING, new ClaimCommand().wrap(slot.command).skuIndex(),
            "the directory of its time has no such SKU");

        CommandSlot admin = new CommandSlot();
        CampaignSpec spec = EngineDriver.campaign("c", 0);
        recharge(spec, "x");
        recharge(spec, "late");
        new CommandWriter().upsertCampaign(admin, 1, spec);
        m.decide(admin);
        assertNotEquals(before, m.directory().epoch(), "a new SKU publishes a new directory");

        m.decide(slot);
        assertEquals(ResultCode.GRANTED, slot.result, "the SKU exists now: not refused as unknown");
        assertEquals(1, granted(m, "late"));
    }

    @Test
    void aClaimResolvedAgainstTheCurrentDirectoryIsDecidedOnItsIndexes() {
        StateMachine m = machine("x", "y");
        CommandWriter writer = new CommandWriter(m.edge());
        claim(writer, "alice", "y");
        ClaimCommand command = new ClaimCommand().wrap(slot.command);
        assertEquals(m.directory().epoch(), command.epoch());
        assertEquals(m.directory().sku(command.campaignIndex(), name("y"), 0, 1), command.skuIndex());
        m.decide(slot);
        assertEquals(ResultCode.GRANTED, slot.result);
        assertEquals(1, granted(m, "y"));
        claim(writer, "bob", "nope");
        m.decide(slot);
        assertEquals(ResultCode.UNKNOWN_SKU, slot.result);
    }

    @Test
    void theEdgeComputesTheIdentitiesTheEngineWould() {
        RiskRules rules = new RiskRules();
        rules.perIp = new RiskRules.Velocity(5, 60);
        StateMachine m = machine(rules, "x");
        claim(new CommandWriter(m.edge()), "alice", "x");
        ClaimCommand command = new ClaimCommand().wrap(slot.command);
        assertTrue(command.hashed());
        assertTrue(command.addressKeys(), "the campaign has risk rules: they key the address");
        Identities engine = new Identities(KEY.key0(), KEY.key1());
        assertEquals(engine.user("alice"), command.userLow());
        assertEquals(engine.userHigh(), command.userHigh());
        UnsafeBuffer key = name("k-alice");
        assertEquals(engine.key(Identities.CLAIMS, 0, 0, key, 0, key.capacity()), command.keyLow());
        assertEquals(engine.keyHigh(), command.keyHigh());
        assertEquals(engine.device("dev"), command.device());
        UnsafeBuffer ip = new UnsafeBuffer(new byte[] {10, 0, 0, 1});
        assertEquals(engine.address(ip, 0, 4), command.address());
        long lo = IpAddresses.lo(ip, 0, 4);
        assertEquals(new Identities(KEY.key0(), KEY.key1()).address(0, lo, 128), command.ipKey());
        assertEquals(new Identities(KEY.key0(), KEY.key1()).address(0, lo & ~0xFFL, IpAddresses.V4_PREFIX),
            command.ipBlockKey(), "10.0.0.0/24");
        UnsafeBuffer f = name("cx" + "dev" + "13800000000");
        assertEquals(ClaimCommand.fingerprint(f, 0, 1, 1, 1, 2, 3, 5, 11), command.fingerprint());
    }

    @Test
    void addressKeysAreLeftOutWhereNoRuleReadsThem() {
        StateMachine m = machine("x");
        claim(new CommandWriter(m.edge()), "alice", "x");
        ClaimCommand command = new ClaimCommand().wrap(slot.command);
        assertTrue(command.hashed());
        assertFalse(command.addressKeys());
        assertEquals(0, command.ipKey());
        m.decide(slot);
        assertEquals(ResultCode.GRANTED, slot.result);
    }

    private static UnsafeBuffer name(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
