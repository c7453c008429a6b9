package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.OrderStatus;
import dev.surge.engine.RefundReason;
import dev.surge.engine.RefundStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.reply.ReplyView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A random history of paid sales (docs/payments.md) checked reply by reply against a naive
 * model: reservations of a paid CODE SKU and a paid recharge SKU next to free claims, payments in
 * time, late, twice, repeated and with a wrong amount, cancels by the owner and by others, time
 * passing and expiry sweeps, refund steps. The model is plain maps; the engine must answer
 * exactly as it says. Public for the journal's auditor test, which runs the same histories.
 */
public final class RandomizedOrderHistory {
    private static final long WINDOW_MS = 60_000;
    private static final long VIP_PRICE = 990;
    private static final long CREDIT_PRICE = 500;

    private final SplittableRandom rnd;
    private final EngineDriver d;
    private final int limit;
    private final String[] users;
    private final Map<String, Order> orders = new HashMap<>();
    private final List<String> orderIds = new ArrayList<>();
    private final Map<String, String> txOrder = new HashMap<>();
    private final Map<String, ResultCode> txResult = new HashMap<>();
    private final Map<String, Integer> counted = new HashMap<>();
    /** Refund ids still REQUIRED, and every refund's status. */
    private final Map<String, RefundStatus> refunds = new HashMap<>();
    private final Map<String, Long> available = new HashMap<>();
    private int keys;
    private int txs;

    private static final class Order {
        final String user;
        final String sku;
        final long payBy;
        final long amount;
        OrderStatus status = OrderStatus.RESERVED;
        int refunds;

        Order(String user, String sku, long payBy, long amount) {
            this.user = user;
            this.sku = sku;
            this.payBy = payBy;
            this.amount = amount;
        }
    }

    public RandomizedOrderHistory(long seed) {
        rnd = new SplittableRandom(seed);
        d = new EngineDriver(seed);
        limit = 1 + rnd.nextInt(2);
        users = new String[6 + rnd.nextInt(8)];
        for (int i = 0; i < users.length; i++) {
            users[i] = "u" + i;
        }
    }

    public List<byte[]> events() {
        return d.events;
    }

    public EngineDriver driver() {
        return d;
    }

    /** Runs the history; every reply is asserted against the model. */
    public RandomizedOrderHistory run() {
        configure();
        int steps = 150 + rnd.nextInt(250);
        for (int i = 0; i < steps; i++) {
            step();
        }
        d.now += WINDOW_MS;
        sweep(); // everything left reserved expires
        return this;
    }

    private void configure() {
        CampaignSpec spec = EngineDriver.campaign("sale", limit);
        EngineDriver.paid(EngineDriver.sku(spec, "vip", SkuKind.CODE), VIP_PRICE, "pay");
        CampaignSpec.SkuSpec credit = EngineDriver.paid(EngineDriver.sku(spec, "credit", SkuKind.DIRECT_RECHARGE),
            CREDIT_PRICE, "pay");
        credit.stock = 2 + rnd.nextInt(6);
        credit.suppliers.add("s1");
        EngineDriver.sku(spec, "free", SkuKind.CODE);
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        int codes = 2 + rnd.nextInt(8);
        d.load("sale", "vip", EngineDriver.codes("V", codes));
        d.load("sale", "free", EngineDriver.codes("F", 5));
        available.put("vip", (long) codes);
        available.put("credit", credit.stock);
        available.put("free", 5L);
    }

    private void step() {
        int op = rnd.nextInt(100);
        if (op < 25) {
            reserve(users[rnd.nextInt(users.length)], rnd.nextInt(3) == 0 ? "credit" : "vip");
        } else if (op < 30) {
            free(users[rnd.nextInt(users.length)]);
        } else if (op < 50 && !orderIds.isEmpty()) {
            pay(pick(), "T" + txs++, false);
        } else if (op < 55 && !txOrder.isEmpty()) {
            repeat();
        } else if (op < 58 && !orderIds.isEmpty()) {
            pay(pick(), "T" + txs++, true);
        } else if (op < 68 && !orderIds.isEmpty()) {
            String id = pick();
            cancel(rnd.nextInt(5) == 0 ? "stranger" : orders.get(id).user, id);
        } else if (op < 80) {
            d.now += rnd.nextLong(40_000);
        } else if (op < 88) {
            sweep();
        } else if (op < 96 && !refunds.isEmpty()) {
            refundStep();
        } else if (!orderIds.isEmpty()) {
            String id = pick();
            ReplyView v = d.order(orders.get(id).user, id);
            assertEquals(orders.get(id).status, v.orderStatus, id);
        }
    }

    private String pick() {
        return orderIds.get(rnd.nextInt(orderIds.size()));
    }

    private int count(String user) {
        return counted.getOrDefault(user, 0);
    }

    private void reserve(String user, String sku) {
        ReplyView v = d.claim(user, "k" + keys++, "sale", sku, "", null, sku.equals("credit") ? "acct-" + user : "");
        if (count(user) >= limit) {
            assertEquals(ResultCode.LIMIT_REACHED, v.result, user);
        } else if (available.get(sku) < 1) {
            assertEquals(ResultCode.SOLD_OUT, v.result, sku);
        } else {
            assertEquals(ResultCode.RESERVED, v.result);
            assertEquals(d.now + WINDOW_MS, v.payBy);
            orders.put(v.orderId(), new Order(user, sku, v.payBy, v.amount));
            orderIds.add(v.orderId());
            counted.merge(user, 1, Integer::sum);
            available.merge(sku, -1L, Long::sum);
        }
    }

    private void free(String user) {
        ReplyView v = d.claim(user, "k" + keys++, "sale", "free");
        if (count(user) >= limit) {
            assertEquals(ResultCode.LIMIT_REACHED, v.result);
        } else if (available.get("free") < 1) {
            assertEquals(ResultCode.SOLD_OUT, v.result);
        } else {
            assertEquals(ResultCode.GRANTED, v.result);
            counted.merge(user, 1, Integer::sum);
            available.merge("free", -1L, Long::sum);
        }
    }

    private void pay(String id, String tx, boolean wrongAmount) {
        Order o = orders.get(id);
        ReplyView v = d.notifyPayment("pay", tx, id, wrongAmount ? o.amount + 1 : o.amount, "CNY");
        txOrder.put(tx, id);
        ResultCode expected;
        if (wrongAmount) {
            expected = ResultCode.AMOUNT_MISMATCH;
        } else if (o.status == OrderStatus.RESERVED && d.now < o.payBy) {
            expected = ResultCode.PAID;
            o.status = OrderStatus.PAID;
        } else {
            expected = ResultCode.REFUND_REQUIRED;
            RefundReason reason = o.status == OrderStatus.PAID ? RefundReason.DUPLICATE_PAYMENT
                : o.status == OrderStatus.CANCELLED ? RefundReason.CANCELLED_ORDER : RefundReason.LATE_PAYMENT;
            if (o.status == OrderStatus.RESERVED) {
                release(o, OrderStatus.EXPIRED);
            }
            refunds.put(id + "-" + (++o.refunds), RefundStatus.REQUIRED);
            assertEquals(reason, v.refunds.get(0).reason(), id);
        }
        txResult.put(tx, expected);
        assertEquals(expected, v.result, id + " " + tx);
        assertEquals(o.status, v.orderStatus, id);
        assertEquals(o.status == OrderStatus.PAID, v.hasGrant, id);
    }

    private void repeat() {
        List<String> seen = new ArrayList<>(txOrder.keySet());
        seen.sort(null);
        String tx = seen.get(rnd.nextInt(seen.size()));
        String id = txOrder.get(tx);
        int events = d.events.size();
        ReplyView v = d.notifyPayment("pay", tx, id, orders.get(id).amount, "CNY");
        assertTrue(v.replayed, tx);
        assertEquals(txResult.get(tx), v.result, tx);
        assertEquals(events, d.events.size(), "a repeated notification writes nothing");
    }

    private void cancel(String user, String id) {
        Order o = orders.get(id);
        ReplyView v = d.cancelOrder(user, id);
        if (!user.equals(o.user)) {
            assertEquals(ResultCode.NOT_FOUND, v.result);
        } else if (o.status == OrderStatus.CANCELLED) {
            assertEquals(ResultCode.CANCELLED, v.result);
            assertTrue(v.replayed);
        } else if (o.status == OrderStatus.RESERVED && d.now < o.payBy) {
            assertEquals(ResultCode.CANCELLED, v.result);
            release(o, OrderStatus.CANCELLED);
        } else {
            assertEquals(ResultCode.ORDER_CLOSED, v.result, id + " " + o.status);
        }
    }

    private void sweep() {
        int due = 0;
        for (String id : orderIds) {
            Order o = orders.get(id);
            if (o.status == OrderStatus.RESERVED && o.payBy <= d.now) {
                due++;
                release(o, OrderStatus.EXPIRED);
            }
        }
        assertEquals(due, d.expireOrders().count);
    }

    private void release(Order o, OrderStatus to) {
        o.status = to;
        counted.merge(o.user, -1, Integer::sum);
        available.merge(o.sku, 1L, Long::sum);
    }

    private void refundStep() {
        List<String> ids = new ArrayList<>(refunds.keySet());
        ids.sort(null);
        String refundId = ids.get(rnd.nextInt(ids.size()));
        int dash = refundId.lastIndexOf('-');
        String id = refundId.substring(0, dash);
        int n = Integer.parseInt(refundId.substring(dash + 1));
        RefundStatus to = RefundStatus.values()[rnd.nextInt(3)];
        DeliveryOutcome outcome = to == RefundStatus.REQUIRED ? DeliveryOutcome.UNKNOWN
            : to == RefundStatus.REFUNDED ? DeliveryOutcome.ACCEPTED : DeliveryOutcome.REJECTED;
        ReplyView v = d.refundStep(id, n, to, outcome, 1);
        if (refunds.get(refundId) == RefundStatus.REQUIRED) {
            assertEquals(ResultCode.OK, v.result, refundId);
            refunds.put(refundId, to);
        } else {
            assertEquals(ResultCode.INVALID, v.result, refundId);
        }
    }

    /** Orders in each status, and refunds in each, as the model has them. */
    public Map<String, Long> modelCounts() {
        Map<String, Long> m = new HashMap<>();
        for (Order o : orders.values()) {
            m.merge(o.status.name(), 1L, Long::sum);
        }
        for (RefundStatus s : refunds.values()) {
            m.merge(s.label(), 1L, Long::sum);
        }
        return m;
    }
}
