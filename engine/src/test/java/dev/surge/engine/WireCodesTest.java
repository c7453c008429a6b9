package dev.surge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.surge.engine.command.CommandType;
import dev.surge.engine.event.EventType;
import dev.surge.engine.risk.BlocklistChange;
import dev.surge.engine.risk.RiskReason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Pins the code of every enum that is written to a journal, a snapshot or a reply. Journals outlive
 * releases: changing a code here means old journals replay differently, so a failure of this test
 * is a wire-format change, never a refactoring. Add new constants with new codes instead.
 */
class WireCodesTest {

    @Test
    void campaignStatusCodes() {
        pin(CampaignStatus.class, CampaignStatus::code, CampaignStatus::of,
            "ACTIVE", 0, "PAUSED", 1, "CLOSED", 2);
    }

    @Test
    void deliveryStatusCodes() {
        pin(DeliveryStatus.class, DeliveryStatus::code, DeliveryStatus::of,
            "PENDING", 0, "DELIVERED", 1, "FAILED", 2);
    }

    @Test
    void skuKindCodes() {
        pin(SkuKind.class, SkuKind::code, SkuKind::of,
            "CODE", 0, "DIRECT_RECHARGE", 1, "BUNDLE", 2);
    }

    @Test
    void blocklistModeCodes() {
        pin(BlocklistChange.Mode.class, BlocklistChange.Mode::code, BlocklistChange.Mode::of,
            "ADD", 0, "REMOVE", 1, "REPLACE", 2);
    }

    @Test
    void deliveryOutcomeCodes() {
        pin(DeliveryOutcome.class, DeliveryOutcome::code, DeliveryOutcome::of,
            "NONE", 0, "ACCEPTED", 1, "DUPLICATE", 2, "REJECTED", 3, "SERVER_ERROR", 4, "REFUSED", 5,
            "UNKNOWN", 6, "CONFIRMED", 7, "QUERY_FAILED", 8, "NOT_SEEN", 9, "IN_PROGRESS", 10,
            "UNANSWERED", 11, "FAILOVER", 12, "EXHAUSTED", 13, "REDRIVEN", 14, "CANCELLED", 15);
    }

    @Test
    void resultCodes() {
        pin(ResultCode.class, ResultCode::code, ResultCode::of,
            "NONE", 0, "GRANTED", 1, "SOLD_OUT", 2, "LIMIT_REACHED", 3, "NOT_STARTED", 4, "ENDED", 5,
            "PAUSED", 6, "RISK_REJECTED", 7, "UNKNOWN_CAMPAIGN", 8, "UNKNOWN_SKU", 9, "RESERVED", 10,
            "REDEEMED", 20, "ALREADY_REDEEMED", 21, "NOT_FOUND", 22, "NOT_OWNER", 23, "EXPIRED", 24,
            "NOT_DELIVERED", 25, "REVOKED", 30, "TRANSFERRED", 31, "NOT_TRANSFERABLE", 32, "NOT_REISSUABLE", 33,
            "IDEMPOTENCY_KEY_REUSED", 40, "ACCOUNT_REQUIRED", 41, "INVALID", 42,
            "UNAVAILABLE", 43, "PAID", 50, "REFUND_REQUIRED", 51, "AMOUNT_MISMATCH", 52, "ORDER_CLOSED", 53,
            "CANCELLED", 54, "OK", 60, "FOUND", 70);
    }

    @Test
    void riskReasonCodes() {
        pin(RiskReason.class, RiskReason::code, RiskReason::of,
            "NONE", 0, "BLOCKED_USER", 1, "BLOCKED_DEVICE", 2, "BLOCKED_IP", 3, "VELOCITY_USER", 4,
            "VELOCITY_DEVICE", 5, "VELOCITY_IP", 6, "VELOCITY_IP_PREFIX", 7, "DEVICE_SHARED", 8,
            "TOKEN_TOO_NEW", 9, "DEVICE_REQUIRED", 10);
    }

    @Test
    void eventTypeCodes() {
        pin(EventType.class, EventType::code, EventType::of,
            "CAMPAIGN_CONFIGURED", 1, "CAMPAIGN_STATUS_CHANGED", 2, "CODES_LOADED", 3, "STOCK_ADJUSTED", 4,
            "CLAIM_GRANTED", 5, "CLAIM_REJECTED", 6, "REDEMPTION", 7, "DELIVERY_RECORDED", 8,
            "REDEEMER_CREATED", 9, "SUPPLIER_CONFIGURED", 10, "DELIVERIES_REDRIVEN", 11, "ORDER_RESERVED", 12,
            "ORDER_CANCELLED", 13, "PAYMENT_RECORDED", 14, "ORDERS_EXPIRED", 15, "REFUND_RECORDED", 16,
            "REFUNDS_REDRIVEN", 17,
            "BLOCKLIST_CHANGED", 20, "GRANT_REVOKED", 30, "GRANT_REISSUED", 31, "GRANT_TRANSFERRED", 32);
    }

    @Test
    void paidSalesCodes() {
        pin(OrderStatus.class, OrderStatus::code, OrderStatus::of,
            "RESERVED", 1, "PAID", 2, "CANCELLED", 3, "EXPIRED", 4);
        pin(RefundStatus.class, RefundStatus::code, RefundStatus::of, "REQUIRED", 1, "REFUNDED", 2, "FAILED", 3);
        pin(RefundReason.class, RefundReason::code, RefundReason::of,
            "NONE", 0, "LATE_PAYMENT", 1, "DUPLICATE_PAYMENT", 2, "CANCELLED_ORDER", 3, "REVOKED", 4);
    }

    @Test
    void unknownCodesDecodeToNull() {
        assertNull(CampaignStatus.of(3));
        assertNull(CampaignStatus.of(-1));
        assertNull(DeliveryStatus.of(3));
        assertNull(DeliveryStatus.of(255));
        assertNull(SkuKind.of(3));
        assertNull(BlocklistChange.Mode.of(3));
        assertNull(DeliveryOutcome.of(16));
        assertNull(EventType.of(33));
        assertNull(ResultCode.of(11));
        assertNull(EventType.of(0));
    }

    /** A command's type travels on the ring by its position (and replies name it): only ever appended. */
    @Test
    void commandTypeCodes() {
        pin(CommandType.class, CommandType::ordinal, CommandType::of,
            "CLAIM", 0, "REDEEM_GRANT", 1, "REDEEM_CODE", 2, "UPSERT_CAMPAIGN", 3, "SET_CAMPAIGN_STATUS", 4,
            "LOAD_CODES", 5, "ADJUST_STOCK", 6, "RECORD_DELIVERY", 7, "QUERY_GRANT", 8, "QUERY_USER_GRANTS", 9,
            "QUERY_CAMPAIGNS", 10, "CREATE_REDEEMER", 11, "UPDATE_BLOCKLIST", 12, "QUERY_BLOCKLIST", 13,
            "CONFIGURE_SUPPLIER", 14, "REDRIVE_DELIVERIES", 15, "QUERY_PENDING_DELIVERIES", 16, "CANCEL_ORDER", 17,
            "NOTIFY_PAYMENT", 18, "EXPIRE_ORDERS", 19, "RECORD_REFUND", 20, "QUERY_ORDER", 21,
            "QUERY_PENDING_REFUNDS", 22, "REVOKE_GRANT", 23, "REISSUE_GRANT", 24, "TRANSFER_GRANT", 25,
            "REDRIVE_REFUNDS", 26, "QUERY_PARTNERS", 27);
    }

    /** Every constant has exactly the pinned code, and of(code) gives it back. */
    private static <E extends Enum<E>> void pin(Class<E> type, ToIntFunction<E> code, IntFunction<E> of,
                                                Object... nameThenCode) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int i = 0; i < nameThenCode.length; i += 2) {
            expected.put((String) nameThenCode[i], (Integer) nameThenCode[i + 1]);
        }
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            actual.put(e.name(), code.applyAsInt(e));
            assertSame(e, of.apply(code.applyAsInt(e)), type.getSimpleName() + "." + e.name() + " round trip");
        }
        assertEquals(new TreeMap<>(expected), new TreeMap<>(actual),
            type.getSimpleName() + " wire codes changed: old journals would replay differently");
    }
}
