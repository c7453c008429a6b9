package dev.surge.bench;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import dev.surge.engine.state.StateMachine;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * Memory of the state a client's own choices create (docs/security.md): bytes per idempotency
 * record and per device tracked by the accounts-per-device rule, after {@code claims} granted
 * claims of distinct users, keys and device ids. Device bytes are the heap difference between the
 * same run with the rule on and off, after full GCs. A distinct user's key record sits in the
 * user's line, with the user's counters and newest grant: so the idempotency figure is the lines
 * and the idempotency table (keys that spilled) together, over the live records, the whole
 * per-user state. Run with a fixed heap and -XX:+UseParallelGC.
 * Usage: {@code AttackerStateFootprint [claims]} (default 1,000,000).
 */
public final class AttackerStateFootprint {
    private AttackerStateFootprint() {
    }

    public static void main(String[] args) {
        int claims = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        for (boolean reserve : new boolean[] {false, true}) {
            long base = MemoryFootprint.usedAfterGc();
            StateMachine off = run(claims, false, reserve);
            long withoutRule = MemoryFootprint.usedAfterGc() - base;
            System.out.printf(Locale.ROOT,
                "%s: idempotency %.1f B/record with the user's line (%,d records, %,d lines %,d B, table %,d B)%n",
                reserve ? "reserved for the claims" : "grown as needed",
                (double) (off.userLineBytes() + off.idempotencyBytes()) / off.idempotencyRecords(),
                off.idempotencyRecords(), off.userLines(), off.userLineBytes(), off.idempotencyBytes());
            Reference.reachabilityFence(off);
            off = null;
            base = MemoryFootprint.usedAfterGc();
            StateMachine on = run(claims, true, reserve);
            long withRule = MemoryFootprint.usedAfterGc() - base;
            System.out.printf(Locale.ROOT, "%s: accounts-per-device rule %.1f B per tracked device (%,d devices)%n",
                reserve ? "reserved for the claims" : "grown as needed",
                (double) (withRule - withoutRule) / on.trackedDevices(), on.trackedDevices());
            Reference.reachabilityFence(on);
        }
    }

    private static StateMachine run(int claims, boolean rule, boolean reserve) {
        CommandWriter writer = new CommandWriter();
        CommandSlot slot = new CommandSlot();
        StateMachine machine = new StateMachine();
        if (reserve) {
            machine.reserve(claims);
        }
        CampaignSpec spec = FlashSale.campaign();
        if (rule) {
            spec.risk.maxAccountsPerDevice = 5;
        }
        writer.upsertCampaign(slot, 1, spec);
        machine.decide(slot);
        StringBuilder user = new StringBuilder();
        StringBuilder key = new StringBuilder();
        StringBuilder device = new StringBuilder();
        for (int n = 0; n < claims; n++) {
            user.setLength(0);
            user.append("user-").append(n);
            key.setLength(0);
            key.append("key-").append(n);
            device.setLength(0);
            device.append("dfp-").append(n);
            writer.claim(slot, 2 + n / 1000, user, key, FlashSale.CAMPAIGN,
                FlashSale.RECHARGE_SKU, device, null, "13800000000");
            machine.decide(slot);
            if (slot.result != ResultCode.GRANTED) {
                throw new IllegalStateException("expected GRANTED, got " + slot.result);
            }
        }
        return machine;
    }
}
