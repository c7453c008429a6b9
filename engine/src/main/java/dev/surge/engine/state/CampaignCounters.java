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
                               List<SkuCounters> skus, RiskRules risk, Map<RiskReason, Long> riskRejected,
                               Orders orders) {

    /**
     * Paid sales (docs/payments.md): orders by where they are ({@code reserved}: waiting for payment
     * now), and refunds by where they are.
     */
    public record Orders(long reserved, long paid, long cancelled, long expired, long refundsOwed, long refunded,
                         long refundsFailed) {
        public static final Orders NONE = new Orders(0, 0, 0, 0, 0, 0, 0);

        /** Whether the campaign ever had an order. */
        public boolean any() {
            return reserved + paid + cancelled + expired > 0;
        }
    }

    /** One SKU's counters. {@code stockLeft} is whole bundles for a BUNDLE. */
    public record SkuCounters(String id, SkuKind kind, long granted, long stockLeft, long codesLoaded) {
    }
}
