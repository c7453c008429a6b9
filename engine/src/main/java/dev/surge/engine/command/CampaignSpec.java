package dev.surge.engine.command;

import dev.surge.engine.SkuKind;
import dev.surge.engine.risk.RiskRules;
import dev.surge.engine.util.Ids;
import dev.surge.engine.wire.WireReader;
import dev.surge.engine.wire.WireWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A campaign's configuration as an operator states it (admin path only, so plain objects).
 * Times are epoch milliseconds; a limit of 0 means none.
 */
public final class CampaignSpec {
    /** Tag of the optional section that prices paid SKUs (docs/payments.md). */
    public static final int PRICES_TAG = 'P';
    public static final int DEFAULT_PAYMENT_WINDOW_SECONDS = 900;
    public static final int MIN_PAYMENT_WINDOW_SECONDS = 10;
    public static final int MAX_PAYMENT_WINDOW_SECONDS = 86_400;
    public static final int MAX_SKUS = 64;
    public static final int MAX_BUNDLE_ITEMS = 16;
    /**
     * Tags the optional section of CODE SKUs' validity (count:1, (skuIndex:1, codeValidUntil:8) *
     * count), written only when a SKU has one, so that specs without one keep their bytes.
     */
    public static final int VALIDITY_TAG = 'V';

    public String id;
    public String name = "";
    public long startsAt;
    public long endsAt = Long.MAX_VALUE;
    /** Redemptions are refused as EXPIRED after this; Long.MAX_VALUE for never. */
    public long redeemUntil = Long.MAX_VALUE;
    public int perUserLimit;
    public int perDeviceLimit;
    public int perIpLimit;
    public final List<SkuSpec> skus = new ArrayList<>();
    /** Risk rules; written after the SKUs as an optional tagged section (absent when all off). */
    public RiskRules risk = new RiskRules();

    /** One SKU of a campaign. */
    public static final class SkuSpec {
        public String id;
        public SkuKind kind = SkuKind.CODE;
        /** DIRECT_RECHARGE only: units that may be granted. */
        public long stock;
        public int perUserLimit;
        public final List<String> suppliers = new ArrayList<>();
        public final List<BundleItem> items = new ArrayList<>();
        /** A paid SKU's price in minor units (fen, cents); 0: a free SKU. */
        public long price;
        /** ISO 4217 code of {@link #price}, e.g. CNY. */
        public String currency = "";
        /** How long a reservation waits for its payment. */
        public int paymentWindowSeconds = DEFAULT_PAYMENT_WINDOW_SECONDS;
        /** The supplier id configured as this SKU's payment provider (its secret signs notifications). */
        public String paymentProvider = "";

        public boolean paid() {
            return price > 0;
        }
        /**
         * CODE only: its codes are not redeemable after this (epoch ms), nor after their upload's
         * own validity or the campaign's redeemUntil, whichever is earliest; Long.MAX_VALUE for none.
         */
        public long codeValidUntil = Long.MAX_VALUE;

        public SkuSpec(String id, SkuKind kind) {
            this.id = id;
            this.kind = kind;
        }
    }

    /** A BUNDLE's part: qty of another SKU of the same campaign. */
    public record BundleItem(String skuId, int qty) {
    }

    public CampaignSpec(String id) {
        this.id = id;
    }

    public SkuSpec sku(String skuId) {
        for (SkuSpec s : skus) {
            if (s.id.equals(skuId)) {
                return s;
            }
        }
        return null;
    }

    /** Returns null when valid, else "field: what is wrong". */
    public String validate() {
        if (!Ids.isValid(id)) {
            return Ids.describe("id");
        }
        if (name != null && name.length() > 200) {
            return "name: at most 200 characters";
        }
        if (endsAt <= startsAt) {
            return "endsAt: must be after startsAt";
        }
        if (perUserLimit < 0 || perDeviceLimit < 0 || perIpLimit < 0) {
            return "perUserLimit: limits must be 0 (none) or positive";
        }
        if (skus.isEmpty() || skus.size() > MAX_SKUS) {
            return "skus: 1-" + MAX_SKUS + " SKUs";
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < skus.size(); i++) {
            SkuSpec s = skus.get(i);
            String at = "skus[" + i + "].";
            if (!Ids.isValid(s.id)) {
                return Ids.describe(at + "id");
            }
            if (!seen.add(s.id)) {
                return at + "id: duplicate SKU id " + s.id;
            }
            if (s.kind == null) {
                return at + "kind: one of CODE, DIRECT_RECHARGE, BUNDLE";
            }
            if (s.perUserLimit < 0) {
                return at + "perUserLimit: must be 0 (none) or positive";
            }
            if (s.stock < 0 || (s.kind != SkuKind.DIRECT_RECHARGE && s.stock != 0)) {
                return at + "stock: a non-negative number, for DIRECT_RECHARGE only (CODE stock is its loaded codes)";
            }
            if (s.kind == SkuKind.DIRECT_RECHARGE && s.suppliers.isEmpty()) {
                return at + "suppliers: DIRECT_RECHARGE needs at least one supplier";
            }
            for (String sup : s.suppliers) {
                if (!Ids.isValid(sup)) {
                    return Ids.describe(at + "suppliers");
                }
            }
            String priceError = validatePrice(s, at);
            if (priceError != null) {
                return priceError;
            }
            if (s.codeValidUntil != Long.MAX_VALUE && (s.kind != SkuKind.CODE || s.codeValidUntil <= 0)) {
                return at + "codeValidUntil: a time, for CODE SKUs only";
            }
            if ((s.kind == SkuKind.BUNDLE) == s.items.isEmpty() || s.items.size() > MAX_BUNDLE_ITEMS) {
                return at + "items: a BUNDLE has 1-" + MAX_BUNDLE_ITEMS + " items, other kinds none";
            }
        }
        if (risk == null) {
            return "risk: must be an object or absent";
        }
        String riskError = risk.validate();
        if (riskError != null) {
            return riskError;
        }
        for (int i = 0; i < skus.size(); i++) {
            SkuSpec s = skus.get(i);
            for (BundleItem item : s.items) {
                SkuSpec target = sku(item.skuId());
                if (target == null || target.kind == SkuKind.BUNDLE) {
                    return "skus[" + i + "].items: " + item.skuId() + " is not a CODE or DIRECT_RECHARGE SKU of this campaign";
                }
                if (item.qty() < 1 || item.qty() > 16) {
                    return "skus[" + i + "].items: qty must be 1-16";
                }
            }
        }
        return null;
    }

    private static String validatePrice(SkuSpec s, String at) {
        if (s.price < 0) {
            return at + "price: minor units (e.g. 990 for 9.90), positive; absent for a free SKU";
        }
        if (!s.paid()) {
            return s.currency.isEmpty() && s.paymentProvider.isEmpty() ? null
                : at + "price: currency and paymentProvider need a price";
        }
        if (s.kind == SkuKind.BUNDLE) {
            return at + "price: a BUNDLE cannot be sold paid yet; price a CODE or DIRECT_RECHARGE SKU";
        }
        if (s.currency.length() != 3 || !s.currency.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z')) {
            return at + "currency: an ISO 4217 code, 3 upper-case letters (e.g. CNY)";
        }
        if (s.paymentWindowSeconds < MIN_PAYMENT_WINDOW_SECONDS || s.paymentWindowSeconds > MAX_PAYMENT_WINDOW_SECONDS) {
            return at + "paymentWindowSeconds: " + MIN_PAYMENT_WINDOW_SECONDS + "-" + MAX_PAYMENT_WINDOW_SECONDS;
        }
        if (!Ids.isValid(s.paymentProvider)) {
            return Ids.describe(at + "paymentProvider");
        }
        return null;
    }

    public void writeTo(WireWriter w) {
        w.putString(id).putString(name).putLong(startsAt).putLong(endsAt).putLong(redeemUntil)
            .putInt(perUserLimit).putInt(perDeviceLimit).putInt(perIpLimit).putByte(skus.size());
        for (SkuSpec s : skus) {
            w.putString(s.id).putByte(s.kind.code()).putLong(s.stock).putInt(s.perUserLimit)
                .putByte(s.suppliers.size());
            for (String sup : s.suppliers) {
                w.putString(sup);
            }
            w.putByte(s.items.size());
            for (BundleItem item : s.items) {
                w.putString(item.skuId()).putShort(item.qty());
            }
        }
        if (risk != null && !risk.isEmpty()) {
            w.putByte(RiskRules.WIRE_TAG);
            risk.writeTo(w);
        }
        int valid = 0;
        for (SkuSpec s : skus) {
            valid += s.codeValidUntil != Long.MAX_VALUE ? 1 : 0;
        }
        if (valid > 0) {
            w.putByte(VALIDITY_TAG).putByte(valid);
            for (int i = 0; i < skus.size(); i++) {
                if (skus.get(i).codeValidUntil != Long.MAX_VALUE) {
                    w.putByte(i).putLong(skus.get(i).codeValidUntil);
                }
            }
        }
        writePrices(w);
    }

    /** PRICES_TAG, count:1, (skuIndex:1, price:8, currency, windowSeconds:4, provider) * count: paid SKUs only. */
    private void writePrices(WireWriter w) {
        int paid = 0;
        for (SkuSpec s : skus) {
            paid += s.paid() ? 1 : 0;
        }
        if (paid == 0) {
            return; // a free campaign's spec is byte for byte what it was before prices
        }
        w.putByte(PRICES_TAG).putByte(paid);
        for (int i = 0; i < skus.size(); i++) {
            SkuSpec s = skus.get(i);
            if (s.paid()) {
                w.putByte(i).putLong(s.price).putString(s.currency).putInt(s.paymentWindowSeconds)
                    .putString(s.paymentProvider);
            }
        }
    }

    private static void readPrices(CampaignSpec c, WireReader r) {
        int paid = r.getByte() & 0xFF;
        for (int j = 0; j < paid; j++) {
            SkuSpec s = c.skus.get(r.getByte() & 0xFF);
            s.price = r.getLong();
            s.currency = r.string();
            s.paymentWindowSeconds = r.getInt();
            s.paymentProvider = r.string();
        }
    }

    public static CampaignSpec readFrom(WireReader r) {
        CampaignSpec c = new CampaignSpec(r.string());
        c.name = r.string();
        c.startsAt = r.getLong();
        c.endsAt = r.getLong();
        c.redeemUntil = r.getLong();
        c.perUserLimit = r.getInt();
        c.perDeviceLimit = r.getInt();
        c.perIpLimit = r.getInt();
        int skuCount = r.getByte() & 0xFF;
        for (int i = 0; i < skuCount; i++) {
            SkuSpec s = new SkuSpec(r.string(), null);
            s.kind = SkuKind.of(r.getByte());
            s.stock = r.getLong();
            s.perUserLimit = r.getInt();
            int suppliers = r.getByte() & 0xFF;
            for (int j = 0; j < suppliers; j++) {
                s.suppliers.add(r.string());
            }
            int items = r.getByte() & 0xFF;
            for (int j = 0; j < items; j++) {
                s.items.add(new BundleItem(r.string(), r.getShort()));
            }
            c.skus.add(s);
        }
        // optional sections to the end of the spec (the spec is always last in its command or event)
        while (r.remaining() > 0) {
            int tag = r.getByte();
            if (tag == RiskRules.WIRE_TAG) {
                c.risk = RiskRules.readFrom(r);
            } else if (tag == PRICES_TAG) {
                readPrices(c, r);
            } else if (tag == VALIDITY_TAG) {
                int n = r.getByte() & 0xFF;
                for (int i = 0; i < n; i++) {
                    c.skus.get(r.getByte() & 0xFF).codeValidUntil = r.getLong();
                }
            } else {
                throw new IllegalArgumentException("unknown campaign section " + tag);
            }
        }
        return c;
    }
}
