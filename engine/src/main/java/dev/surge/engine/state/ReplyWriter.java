package dev.surge.engine.state;

import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.wire.WireWriter;
import org.agrona.DirectBuffer;

/**
 * Writes the reply into the slot, in the layout {@link dev.surge.engine.reply.ReplyView} reads.
 * Everything the caller needs (codes included) is copied here, on the writer thread, so that
 * the reply stage never reads engine state. Confined to the writer thread.
 */
final class ReplyWriter {
    private final EngineState state;
    private final WireWriter w = new WireWriter();
    private CommandSlot slot;
    private ResultCode result;

    ReplyWriter(EngineState state) {
        this.state = state;
    }

    void begin(CommandSlot slot) {
        this.slot = slot;
        this.result = ResultCode.NONE;
        w.wrap(slot.reply, 0).putByte(0).putByte(0).putByte(0);
    }

    void result(ResultCode result) {
        this.result = result;
        slot.reply.putByte(0, result.code());
    }

    void replayed(ResultCode result) {
        result(result);
        slot.reply.putByte(1, (byte) 1);
    }

    void reason(int reason) {
        slot.reply.putByte(2, (byte) reason);
    }

    void invalid(String message) {
        result(ResultCode.INVALID);
        w.putString(message);
    }

    void claimHeader(DirectBuffer cmd, int campaignOff, int campaignLen, int skuOff, int skuLen) {
        w.putBytes(cmd, campaignOff, campaignLen).putBytes(cmd, skuOff, skuLen);
    }

    void grantId(long hi, int lo) {
        w.putLong(hi).putInt(lo);
    }

    /** How many items an operator's re-drive covered. */
    void count(int n) {
        w.putInt(n);
    }

    void loaded(int loaded, int skipped, long available) {
        w.putInt(loaded).putInt(skipped).putLong(available);
    }

    void grant(int g) {
        grant(g, true);
    }

    /**
     * A grant; its codes only when {@code withCodes} (an Idempotency-Key replay of the claim of a
     * grant given away since must not show the code to the giver, docs/lifecycle.md).
     */
    void grant(int g, boolean withCodes) {
        GrantBook grants = state.grants;
        Sku sku = state.skus[grants.sku[g]];
        w.putLong(grants.idHi[g]).putInt(grants.idLo[g]).putBytes(sku.campaign.idBytes).putBytes(sku.idBytes)
            .putLong(grants.createdAt[g]).putLong(grants.redeemedAt[g]);
        int first = grants.firstItem[g];
        int n = grants.itemCount[g];
        int overall = DeliveryStatus.DELIVERED.code();
        for (int i = 0; i < n; i++) {
            int status = grants.itemStatus[first + i];
            if (status == DeliveryStatus.FAILED.code()) {
                overall = status;
            } else if (status == DeliveryStatus.PENDING.code() && overall != DeliveryStatus.FAILED.code()) {
                overall = status;
            }
        }
        w.putByte(overall).putByte(n);
        for (int i = 0; i < n; i++) {
            int item = first + i;
            Sku itemSku = state.skus[grants.itemSku[item]];
            w.putBytes(itemSku.idBytes).putByte(itemSku.kind.code());
            int code = grants.itemCode[item];
            if (code == GrantBook.NONE || !withCodes) {
                w.putShort(0);
            } else {
                int at = w.position();
                int length = itemSku.pool.copy(code, slot.reply, at + 2);
                w.putShort(length);
                w.wrap(slot.reply, at + 2 + length);
            }
            w.putByte(grants.itemStatus[item]);
            int supplier = grants.itemSupplier[item];
            w.putString(supplier < 0 ? null : itemSku.suppliers[supplier]);
        }
        w.putByte(grants.status[g]);
        for (int i = 0; i < n; i++) {
            w.putLong(CodeValidity.ofItem(state, first + i));
        }
    }

    /**
     * ORDER = orderHi:8, orderLo:4, campaign, sku, status:1, amount:8, currency, payBy:8, createdAt:8,
     * grantHi:8, grantLo:4 (0, 0 until paid), refundCount:1, (refund:1, transaction, amount:8, reason:1, status:1) * refundCount.
     */
    void order(int o) {
        OrderBook orders = state.orders;
        PaymentBook payments = state.payments;
        Sku sku = state.skus[orders.sku[o]];
        int g = orders.grant[o];
        w.putLong(orders.idHi[o]).putInt(orders.idLo[o]).putBytes(sku.campaign.idBytes).putBytes(sku.idBytes)
            .putByte(orders.status[o]).putLong(orders.amount[o]).putString(OrderBook.currencyText(orders.currency[o]))
            .putLong(orders.payBy[o])
            .putLong(orders.createdAt[o]).putLong(g == GrantBook.NONE ? 0 : state.grants.idHi[g])
            .putInt(g == GrantBook.NONE ? 0 : state.grants.idLo[g]);
        int countAt = w.position();
        w.putByte(0);
        int n = 0;
        for (int p = orders.newestPayment[o]; p != PaymentBook.NONE && n < 255; p = payments.previousOfOrder[p]) {
            if (payments.refund[p] != 0) {
                w.putByte(payments.refund[p]).putString(payments.transaction(p)).putLong(payments.amount[p])
                    .putByte(payments.reason[p]).putByte(payments.refundStatus[p]);
                n++;
            }
        }
        slot.reply.putByte(countAt, (byte) n);
    }

    void end() {
        slot.replyLength = w.position();
        slot.result = result;
    }
}
