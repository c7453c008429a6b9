package dev.surge.journal.cli;

import dev.surge.engine.event.EventType;
import dev.surge.engine.wire.WireWriter;
import org.agrona.ExpandableArrayBuffer;

/**
 * Builds doctored events byte by byte with the engine's WireWriter, in the layouts EventView
 * documents, as an attacker or a buggy writer would put them in a journal.
 */
final class Forge {
    private Forge() {
    }

    /** One granted item: its SKU and code index (-1 for a recharge). */
    record Item(String sku, int code) {
    }

    /**
     * CLAIM_GRANTED: header (type, sequence, timestamp), CLAIM (user, key, fingerprint, campaign,
     * sku, device, ip, account), grantHi, grantLo, itemCount, (itemSku, code) * itemCount.
     */
    static byte[] claimGranted(long sequence, long timestamp, String user, String campaign, String sku, String device,
                               long grantHi, int grantLo, Item... items) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(256);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.CLAIM_GRANTED.code()).putLong(sequence).putLong(timestamp);
        w.putString(user).putString("forged-" + sequence).putLong(0).putString(campaign).putString(sku)
            .putString(device).putString("").putString("");
        w.putLong(grantHi).putInt(grantLo).putByte(items.length);
        for (Item item : items) {
            w.putString(item.sku()).putInt(item.code());
        }
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    /** DELIVERY_RECORDED: grantHi, grantLo, item, status, supplier, attempt, detail. */
    static byte[] delivery(long sequence, long timestamp, long grantHi, int grantLo, int item, int status) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.DELIVERY_RECORDED.code()).putLong(sequence).putLong(timestamp);
        w.putLong(grantHi).putInt(grantLo).putByte(item).putByte(status).putString("primary").putInt(9)
            .putString("forged");
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    /** DELIVERY_RECORDED with a supplier and an outcome code, as a dispatcher that broke the rules would write it. */
    static byte[] delivery(long sequence, long timestamp, long grantHi, int grantLo, int status, String supplier,
                           int outcome) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.DELIVERY_RECORDED.code()).putLong(sequence).putLong(timestamp);
        w.putLong(grantHi).putInt(grantLo).putByte(0).putByte(status).putString(supplier).putInt(9)
            .putString("forged").putByte(outcome);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    /** DELIVERIES_REDRIVEN: actor, campaign, supplier, from, to, count. */
    static byte[] redriven(long sequence, long timestamp, String campaign, int count) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.DELIVERIES_REDRIVEN.code()).putLong(sequence).putLong(timestamp);
        w.putString("forger").putString(campaign).putString("").putLong(0).putLong(Long.MAX_VALUE).putInt(count);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    /** REFUNDS_REDRIVEN of every order and provider, claiming {@code count} refunds. */
    static byte[] refundsRedriven(long sequence, long timestamp, int count) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.REFUNDS_REDRIVEN.code()).putLong(sequence).putLong(timestamp);
        w.putString("forger").putByte(1).putLong(0).putInt(0).putString("").putInt(count);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    /** STOCK_ADJUSTED: campaign, sku, delta. */
    static byte[] stockAdjusted(long sequence, long timestamp, String campaign, String sku, long delta) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.STOCK_ADJUSTED.code()).putLong(sequence).putLong(timestamp);
        w.putString(campaign).putString(sku).putLong(delta);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }

    /** REDEEMER_CREATED as journals had it before keys had scopes: redeemer, keyHash, nothing after. */
    static byte[] legacyRedeemerCreated(long sequence, long timestamp, String redeemer) {
        ExpandableArrayBuffer b = new ExpandableArrayBuffer(128);
        WireWriter w = new WireWriter().wrap(b, 0);
        w.putByte(EventType.REDEEMER_CREATED.code()).putLong(sequence).putLong(timestamp);
        byte[] keyHash = new byte[32];
        java.util.Arrays.fill(keyHash, (byte) sequence);
        w.putString(redeemer).putBytes(keyHash, 0, keyHash.length);
        byte[] out = new byte[w.position()];
        b.getBytes(0, out);
        return out;
    }
}
