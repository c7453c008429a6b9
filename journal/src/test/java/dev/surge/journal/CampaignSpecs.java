package dev.surge.journal;

import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;

/** Small campaign setups for focused tests. */
final class CampaignSpecs {
    private CampaignSpecs() {
    }

    /** Campaign "c" with one CODE SKU "s", per-user limit 1. */
    static void oneCodeSku(EngineDriver d) {
        CampaignSpec spec = EngineDriver.campaign("c", 1);
        EngineDriver.sku(spec, "s", SkuKind.CODE);
        if (d.upsert(spec).result != ResultCode.OK) {
            throw new AssertionError("campaign refused");
        }
    }
}
