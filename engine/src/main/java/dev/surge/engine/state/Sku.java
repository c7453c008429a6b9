package dev.surge.engine.state;

import dev.surge.engine.SkuKind;

/** One SKU's configuration and counters. Confined to the writer thread. */
final class Sku {
    final int index;
    final String id;
    /** {@link #id} in UTF-8, written into every grant's event and reply without encoding it again. */
    final byte[] idBytes;
    final Campaign campaign;
    final SkuKind kind;
    /** DIRECT_RECHARGE: units that may be granted in all. */
    long stock;
    /** Units granted: grants of this SKU, or items of it inside bundles. */
    long granted;
    int perUserLimit;
    /** CODE: its codes are not redeemable after this (epoch ms); Long.MAX_VALUE for none (docs/lifecycle.md). */
    long codeValidUntil = Long.MAX_VALUE;
    String[] suppliers = new String[0];
    /** BUNDLE: the parts, as SKU indices and quantities. */
    int[] itemSkus = new int[0];
    int[] itemQty = new int[0];
    /** CODE only. */
    final CodePool pool;
    /** A paid SKU's price in minor units; 0 for a free SKU (docs/payments.md). */
    long price;
    String currency = "";
    long paymentWindowMs;
    String paymentProvider = "";
    /** Units held by RESERVED orders: not on sale, not yet granted. */
    long held;

    /** {@code growth}: where a CODE SKU's pool records its growth on the writer ({@link TableGrowth}). */
    Sku(int index, String id, Campaign campaign, SkuKind kind, TableGrowth growth) {
        this.index = index;
        this.id = id;
        this.idBytes = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.campaign = campaign;
        this.kind = kind;
        this.pool = kind == SkuKind.CODE ? new CodePool(growth) : null;
    }

    /** Units still on sale; for a bundle, whole bundles. */
    long available(Sku[] skus) {
        switch (kind) {
            case CODE:
                return pool.available() - held;
            case DIRECT_RECHARGE:
                return stock - granted - held;
            default:
                long min = Long.MAX_VALUE;
                for (int i = 0; i < itemSkus.length; i++) {
                    min = Math.min(min, skus[itemSkus[i]].available(skus) / itemQty[i]);
                }
                return min;
        }
    }

    /** The index of a supplier given as bytes (ids are ASCII), or -1; allocates nothing. */
    int supplierIndex(org.agrona.DirectBuffer buffer, int offset, int length) {
        for (int i = 0; i < suppliers.length; i++) {
            String s = suppliers[i];
            if (s.length() != length) {
                continue;
            }
            int c = 0;
            while (c < length && buffer.getByte(offset + c) == s.charAt(c)) {
                c++;
            }
            if (c == length) {
                return i;
            }
        }
        return -1;
    }

    int supplierIndex(String supplier) {
        for (int i = 0; i < suppliers.length; i++) {
            if (suppliers[i].equals(supplier)) {
                return i;
            }
        }
        return -1;
    }
}
