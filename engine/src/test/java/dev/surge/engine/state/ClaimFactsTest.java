package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import org.junit.jupiter.api.Test;

/**
 * The live path applies a claim from the facts its decider holds, replay from the facts it reads
 * in the event ({@link ClaimFacts}); {@link ClaimFacts#matches} is the check (an assertion on the
 * live path) that both say the same, so it must notice any field that differs.
 */
class ClaimFactsTest {
    private final StateMachine live = new StateMachine();
    private final CommandWriter writer = new CommandWriter();
    private final CommandSlot slot = new CommandSlot();
    private final EngineState replica = new EngineState(StateConfig.randomKey());
    private final EventApplier applier = new EventApplier(replica);
    private final EventView view = new EventView();

    @Test
    void aGrantReadBackMatchesItsFactsAndNoFieldGoesUnnoticed() {
        replicate(() -> writer.upsertCampaign(slot, 1, sale()));
        replicate(() -> writer.claim(slot, 2, "alice", "k-1", "sale", "card", "dev-1", new byte[] {10, 0, 0, 1}, "13800000000"));
        assertEquals(EventType.CLAIM_GRANTED, view.type);
        ClaimFacts f = applier.parsed;
        assertTrue(f.matches(view));
        assertEquals(1, f.itemCount);

        f.itemCode[0]++;
        assertFalse(f.matches(view), "an item's code");
        f.itemCode[0]--;
        f.grantLo ^= 1;
        assertFalse(f.matches(view), "the grant id");
        f.grantLo ^= 1;
        f.deviceLength--;
        assertFalse(f.matches(view), "the device");
        f.deviceLength++;
        f.fingerprint++;
        assertFalse(f.matches(view), "the fingerprint");
        f.fingerprint--;
        assertTrue(f.matches(view));
    }

    @Test
    void aRejectionMatchesItsFactsOnlyWithItsResultAndReason() {
        replicate(() -> writer.upsertCampaign(slot, 1, sale()));
        replicate(() -> writer.claim(slot, 2, "bob", "k-1", "sale", "card", null, null, "13800000000"));
        replicate(() -> writer.claim(slot, 3, "bob", "k-2", "sale", "card", null, null, "13800000000"));
        assertEquals(EventType.CLAIM_REJECTED, view.type);
        ClaimFacts f = applier.parsed;
        assertEquals(ResultCode.LIMIT_REACHED, f.result);
        assertTrue(f.matches(view));
        f.reason = 1;
        assertFalse(f.matches(view), "the reason");
        f.reason = 0;
        f.result = ResultCode.SOLD_OUT;
        assertFalse(f.matches(view), "the result");
    }

    /** Decides the command {@code write} puts in the slot on the live machine and applies its event to the replica. */
    private void replicate(Runnable write) {
        write.run();
        live.decide(slot);
        assertTrue(view.wrap(slot.event, 0, slot.eventLength));
        applier.apply(view);
    }

    private static CampaignSpec sale() {
        CampaignSpec spec = new CampaignSpec("sale");
        spec.endsAt = Long.MAX_VALUE;
        spec.perUserLimit = 1;
        CampaignSpec.SkuSpec sku = new CampaignSpec.SkuSpec("card", SkuKind.DIRECT_RECHARGE);
        sku.stock = 10;
        sku.suppliers.add("primary");
        spec.skus.add(sku);
        return spec;
    }
}
