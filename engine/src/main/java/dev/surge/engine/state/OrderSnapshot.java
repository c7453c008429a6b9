package dev.surge.engine.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The paid-sales part of a snapshot ({@link StateSnapshot}): each paid SKU's price and held units,
 * each campaign's order counters, and the order and payment books. The deadline heap is derived:
 * rebuilt from the RESERVED orders on read.
 */
final class OrderSnapshot {
    private OrderSnapshot() {
    }

    static void write(EngineState s, DataOutput out) throws IOException {
        for (int i = 0; i < s.skuCount(); i++) {
            Sku k = s.skus[i];
            out.writeLong(k.price);
            out.writeUTF(k.currency);
            out.writeLong(k.paymentWindowMs);
            out.writeUTF(k.paymentProvider);
            out.writeLong(k.held);
        }
        for (int i = 0; i < s.campaignCount(); i++) {
            Campaign c = s.campaigns[i];
            for (long n : new long[] {c.ordersReserved, c.ordersPaid, c.ordersCancelled, c.ordersExpired,
                c.refundsRequired, c.refundsDone, c.refundsFailed}) {
                out.writeLong(n);
            }
        }
        OrderBook o = s.orders;
        out.writeInt(o.size);
        for (int i = 0; i < o.size; i++) {
            out.writeLong(o.idHi[i]);
            out.writeInt(o.idLo[i]);
            out.writeLong(o.ownerHigh[i]);
            out.writeLong(o.ownerLow[i]);
            out.writeInt(o.sku[i]);
            out.writeLong(o.amount[i]);
            out.writeLong(o.createdAt[i]);
            out.writeLong(o.payBy[i]);
            out.writeByte(o.status[i]);
            out.writeInt(o.currency[i]);
            out.writeInt(o.grant[i]);
            out.writeInt(o.account[i]);
            out.writeLong(o.device[i]);
            out.writeLong(o.address[i]);
            out.writeByte(o.counted[i]);
        }
        PaymentBook p = s.payments;
        out.writeInt(p.size);
        for (int i = 0; i < p.size; i++) {
            byte[] tx = p.transaction(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.writeByte(tx.length);
            out.write(tx);
            out.writeInt(p.order[i]);
            out.writeLong(p.amount[i]);
            out.writeLong(p.at[i]);
            out.writeByte(p.result[i]);
            out.writeByte(p.reason[i]);
            out.writeByte(p.refund[i]);
            out.writeByte(p.refundStatus[i]);
            out.writeInt(p.refundAttempts[i]);
            out.writeByte(p.refundOutcome[i]);
            out.writeLong(p.refundAt[i]);
        }
    }

    static void read(EngineState s, DataInput in) throws IOException {
        for (int i = 0; i < s.skuCount(); i++) {
            Sku k = s.skus[i];
            k.price = in.readLong();
            k.currency = in.readUTF();
            k.paymentWindowMs = in.readLong();
            k.paymentProvider = in.readUTF();
            k.held = in.readLong();
        }
        for (int i = 0; i < s.campaignCount(); i++) {
            Campaign c = s.campaigns[i];
            c.ordersReserved = in.readLong();
            c.ordersPaid = in.readLong();
            c.ordersCancelled = in.readLong();
            c.ordersExpired = in.readLong();
            c.refundsRequired = in.readLong();
            c.refundsDone = in.readLong();
            c.refundsFailed = in.readLong();
        }
        OrderBook o = s.orders;
        int orders = in.readInt();
        o.ensureCapacity(orders);
        for (int i = 0; i < orders; i++) {
            int n = o.add(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readInt(), in.readLong(),
                in.readLong(), in.readLong());
            o.status[n] = in.readByte();
            o.currency[n] = in.readInt();
            o.grant[n] = in.readInt();
            o.account[n] = in.readInt();
            o.device[n] = in.readLong();
            o.address[n] = in.readLong();
            o.counted[n] = in.readByte();
        }
        PaymentBook p = s.payments;
        int payments = in.readInt();
        for (int i = 0; i < payments; i++) {
            byte[] tx = new byte[in.readByte() & 0xFF];
            in.readFully(tx);
            int order = in.readInt();
            int n = p.add(new UnsafeBuffer(tx), 0, tx.length, order, o.newestPayment[order]);
            o.newestPayment[order] = n;
            p.amount[n] = in.readLong();
            p.at[n] = in.readLong();
            p.result[n] = in.readByte();
            p.reason[n] = in.readByte();
            p.refund[n] = in.readByte();
            p.refundStatus[n] = in.readByte();
            p.refundAttempts[n] = in.readInt();
            p.refundOutcome[n] = in.readByte();
            p.refundAt[n] = in.readLong();
        }
        o.rebuildDerived();
        s.orderDeadline = o.nextDeadline();
    }

    /** Everything above, for {@link StateDigest}. */
    static void digest(EngineState s, java.util.function.LongConsumer d) {
        for (int i = 0; i < s.skuCount(); i++) {
            Sku k = s.skus[i];
            d.accept(k.price);
            d.accept(k.currency.hashCode());
            d.accept(k.paymentWindowMs);
            d.accept(k.paymentProvider.hashCode());
            d.accept(k.held);
        }
        for (int i = 0; i < s.campaignCount(); i++) {
            Campaign c = s.campaigns[i];
            for (long n : new long[] {c.ordersReserved, c.ordersPaid, c.ordersCancelled, c.ordersExpired,
                c.refundsRequired, c.refundsDone, c.refundsFailed}) {
                d.accept(n);
            }
        }
        OrderBook o = s.orders;
        d.accept(o.size);
        for (int i = 0; i < o.size; i++) {
            for (long v : new long[] {o.idHi[i], o.idLo[i], o.ownerHigh[i], o.ownerLow[i], o.sku[i], o.amount[i],
                o.createdAt[i], o.payBy[i], o.status[i], o.currency[i], o.grant[i], o.account[i], o.device[i],
                o.address[i], o.counted[i], o.newestPayment[i]}) {
                d.accept(v);
            }
        }
        PaymentBook p = s.payments;
        d.accept(p.size);
        for (int i = 0; i < p.size; i++) {
            d.accept(p.transaction(i).hashCode());
            for (long v : new long[] {p.order[i], p.amount[i], p.at[i], p.result[i], p.reason[i], p.refund[i],
                p.refundStatus[i], p.refundAttempts[i], p.refundOutcome[i], p.refundAt[i], p.previousOfOrder[i]}) {
                d.accept(v);
            }
        }
    }
}
