package dev.surge.engine.state;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.risk.RiskReason;
import dev.surge.engine.risk.RiskRules;
import java.util.List;
import java.util.Map;

/**
 * A read-only copy of one campaign's live counters, for operators and tools. {@code risk} is
 * null when the campaign has no risk rules; {@code riskRejected} counts RISK_REJECTED by reason.
 */
public record CampaignCounters(String id, String name, CampaignStatus status, long startsAt, long endsAt,
                               long granted, long redeemed, Map<ResultCode, Long> rejected,
                               long deliveriesPending, long deliveriesDelivered, long deliveriesFailed,
                               List<SkuCounters> skus, RiskRules risk, Map<RiskReason, Long> riskRejected) {

    /** One SKU's counters. {@code stockLeft} is whole bundles for a BUNDLE. */
    public record SkuCounters(String id, SkuKind kind, long granted, long stockLeft, long codesLoaded) {
    }
}
