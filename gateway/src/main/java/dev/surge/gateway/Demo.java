package dev.surge.gateway;

import dev.surge.delivery.SimulatedPaymentProvider;
import dev.surge.delivery.SimulatedSupplier;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.gateway.config.Configuration;
import dev.surge.gateway.engine.DirectCall;
import dev.surge.gateway.engine.Engine;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Demo mode's campaign: {@code demo}, open now for 30 days, one claim per user, with two
 * card-code SKUs (1,000 codes each), a direct-recharge SKU and a bundle of the two codes. Created
 * through the ring like any admin change (so it is journaled), and only once per data directory.
 * The recharge SKU's two suppliers point at the embedded simulated supplier, which the
 * {@code surge-simulator} module provides ({@link SimulatedSupplier#factory()}).
 * Also writes the ready-to-paste curl for a claim by a fresh user, which is GRANTED while stock lasts.
 *
 * <p>And a paid sale (docs/payments.md), {@code demo-paid}: one CODE SKU at 9.90 CNY with a
 * five-minute payment window, paid through the embedded payment simulator ({@link
 * SimulatedPaymentProvider#factory()}), configured as the provider {@code sim-pay}.
 */
final class Demo {
    static final String CAMPAIGN = "demo";
    static final int CODES_PER_SKU = 1000;
    static final String PRIMARY = "sim-primary";
    static final String BACKUP = "sim-backup";
    static final String PAID_CAMPAIGN = "demo-paid";
    static final String PAID_SKU = "vip-year";
    static final String PAY_PROVIDER = "sim-pay";
    static final long PAID_PRICE = 990;
    static final int PAID_CODES = 200;
    /** The embedded simulator lives as long as this process: a secret of its own each start. */
    private static final String SUPPLIER_SECRET = secret();
    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private Demo() {
    }

    /**
     * What starts demo mode's simulated supplier: the simulator module's, found on the class path.
     *
     * @throws IllegalStateException naming what to do when that module is not on the class path
     */
    static SimulatedSupplier.Factory simulator() {
        return SimulatedSupplier.factory().orElseThrow(() -> new IllegalStateException(
            "demo mode embeds the simulated supplier, and the simulator (surge-simulator, dev.surge.simulator) is "
                + "not on the class path: start Surge with scripts/run, which puts simulator/target/surge-simulator-*.jar "
                + "there, or use --no-demo"));
    }

    /** What starts demo mode's payment simulator (the simulator module's, found on the class path). */
    static SimulatedPaymentProvider.Factory paymentSimulator() {
        return SimulatedPaymentProvider.factory().orElseThrow(() -> new IllegalStateException(
            "demo mode embeds the payment simulator, and the simulator (surge-simulator) is not on the class path: "
                + "start Surge with scripts/run, or use --no-demo"));
    }

    /** The embedded payment simulator of demo mode, provider {@link #PAY_PROVIDER}, on a free port of {@code host}. */
    static SimulatedPaymentProvider startPayments(SimulatedPaymentProvider.Factory factory, String host) {
        return factory.start(java.util.Map.of(PAY_PROVIDER, SUPPLIER_SECRET), new SecureRandom().nextLong(), host);
    }

    /**
     * Points the provider {@link #PAY_PROVIDER} at the payment simulator (every start: its port
     * changes) and creates the paid campaign unless it exists.
     */
    static void setUpPaid(Engine engine, long now, SimulatedPaymentProvider pay) throws Exception {
        expectOk(DirectCall.send(engine, (p, slot) -> p.writer.configureSupplier(slot, p.now(), PAY_PROVIDER,
            pay.url(PAY_PROVIDER), 2000, 16, SUPPLIER_SECRET)).get(10, TimeUnit.SECONDS), "demo payment provider");
        DirectCall.Answer existing = DirectCall.send(engine, (p, slot) -> p.writer.queryCampaigns(slot, p.now(),
            PAID_CAMPAIGN)).get(10, TimeUnit.SECONDS);
        if (existing.result() == ResultCode.FOUND) {
            return;
        }
        CampaignSpec spec = new CampaignSpec(PAID_CAMPAIGN);
        spec.name = "Surge demo paid flash sale";
        spec.startsAt = now - TimeUnit.MINUTES.toMillis(1);
        spec.endsAt = now + TimeUnit.DAYS.toMillis(30);
        spec.perUserLimit = 1;
        CampaignSpec.SkuSpec vip = new CampaignSpec.SkuSpec(PAID_SKU, SkuKind.CODE);
        vip.price = PAID_PRICE;
        vip.currency = "CNY";
        vip.paymentWindowSeconds = 300;
        vip.paymentProvider = PAY_PROVIDER;
        spec.skus.add(vip);
        expectOk(DirectCall.send(engine, (p, slot) -> p.writer.upsertCampaign(slot, p.now(), spec))
            .get(10, TimeUnit.SECONDS), "demo paid campaign");
        SecureRandom random = new SecureRandom();
        List<String> codes = new ArrayList<>(PAID_CODES);
        for (int i = 0; i < PAID_CODES; i++) {
            codes.add("VIP-" + code(random) + "-" + code(random) + "-" + code(random));
        }
        expectOk(DirectCall.send(engine, (p, slot) -> p.writer.loadCodes(slot, p.now(), PAID_CAMPAIGN, PAID_SKU, codes))
            .get(10, TimeUnit.SECONDS), "demo paid codes");
    }

    /** The embedded simulated supplier of demo mode, on a free port of {@code host}, with a fresh secret. */
    static SimulatedSupplier startSupplier(SimulatedSupplier.Factory simulator, String host) {
        return simulator.start(SUPPLIER_SECRET, new SecureRandom().nextLong(), host);
    }

    /**
     * Creates the demo campaign unless it exists, and (every start, since the simulator's port
     * changes) points its recharge suppliers at the simulator. Returns true when the campaign was
     * created now.
     */
    static boolean setUp(Engine engine, long now, SimulatedSupplier sim) throws Exception {
        for (String supplier : List.of(PRIMARY, BACKUP)) {
            expectOk(DirectCall.send(engine, (p, slot) -> p.writer.configureSupplier(slot, p.now(), supplier,
                sim.url(supplier), 2000, 64, SUPPLIER_SECRET)).get(10, TimeUnit.SECONDS), "demo supplier " + supplier);
        }
        DirectCall.Answer existing = DirectCall.send(engine, (p, slot) -> p.writer.queryCampaigns(slot, p.now(), CAMPAIGN))
            .get(10, TimeUnit.SECONDS);
        if (existing.result() == ResultCode.FOUND) {
            return false;
        }
        CampaignSpec spec = new CampaignSpec(CAMPAIGN);
        spec.name = "Surge demo flash sale";
        spec.startsAt = now - TimeUnit.MINUTES.toMillis(1);
        spec.endsAt = now + TimeUnit.DAYS.toMillis(30);
        spec.perUserLimit = 1;
        spec.skus.add(new CampaignSpec.SkuSpec("video-month", SkuKind.CODE));
        spec.skus.add(new CampaignSpec.SkuSpec("music-month", SkuKind.CODE));
        CampaignSpec.SkuSpec recharge = new CampaignSpec.SkuSpec("vip-recharge", SkuKind.DIRECT_RECHARGE);
        recharge.stock = 1000;
        recharge.suppliers.add(PRIMARY);
        recharge.suppliers.add(BACKUP);
        spec.skus.add(recharge);
        CampaignSpec.SkuSpec bundle = new CampaignSpec.SkuSpec("video-music-pack", SkuKind.BUNDLE);
        bundle.items.add(new CampaignSpec.BundleItem("video-month", 1));
        bundle.items.add(new CampaignSpec.BundleItem("music-month", 1));
        spec.skus.add(bundle);
        expectOk(DirectCall.send(engine, (p, slot) -> p.writer.upsertCampaign(slot, p.now(), spec))
            .get(10, TimeUnit.SECONDS), "demo campaign");
        SecureRandom random = new SecureRandom();
        for (String sku : List.of("video-month", "music-month")) {
            List<String> codes = new ArrayList<>(CODES_PER_SKU);
            String prefix = sku.startsWith("video") ? "VID" : "MUS";
            for (int i = 0; i < CODES_PER_SKU; i++) {
                codes.add(prefix + "-" + code(random) + "-" + code(random) + "-" + code(random));
            }
            expectOk(DirectCall.send(engine, (p, slot) -> p.writer.loadCodes(slot, p.now(), CAMPAIGN, sku, codes))
                .get(10, TimeUnit.SECONDS), "demo codes");
        }
        return true;
    }

    private static String secret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String code(SecureRandom random) {
        char[] c = new char[4];
        for (int i = 0; i < c.length; i++) {
            c[i] = CODE_ALPHABET[random.nextInt(CODE_ALPHABET.length)];
        }
        return new String(c);
    }

    private static void expectOk(DirectCall.Answer a, String what) {
        if (a.result() != ResultCode.OK || !a.journaled()) {
            throw new IllegalStateException(what + " was refused: " + a.result() + " " + a.message());
        }
    }

    /** The curl line for a claim of {@code video-month} by a brand-new user. */
    static String curl(Gateway gateway, String host, int port) {
        String user = "demo-user-" + UUID.randomUUID().toString().substring(0, 8);
        long exp = gateway.config().clock().time() / 1000 + TimeUnit.DAYS.toSeconds(1);
        String token = gateway.userTokens().mint(user, exp);
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "curl -s -X POST http://" + h + ":" + port + "/v1/claims \\\n"
            + "  -H 'Authorization: Bearer " + token + "' \\\n"
            + "  -H 'Idempotency-Key: " + UUID.randomUUID() + "' \\\n"
            + "  -H 'Content-Type: application/json' \\\n"
            + "  -d '{\"campaignId\":\"" + CAMPAIGN + "\",\"skuId\":\"video-month\",\"deviceId\":\"demo-device\"}'";
    }

    /** The lines that try the paid sale: reserve, then have the simulator pay it. */
    static String paidBanner(Gateway gateway, Configuration config, int port, SimulatedPaymentProvider pay) {
        String user = "demo-buyer-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gateway.userTokens().mint(user, gateway.config().clock().time() / 1000 + TimeUnit.DAYS.toSeconds(1));
        String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "Paid sale 'demo-paid' (" + PAID_SKU + ", 9.90 CNY, pay within 5 minutes; docs/payments.md). Reserve:\n\n"
            + "curl -s -X POST http://" + h + ":" + port + "/v1/claims -H 'Authorization: Bearer " + token + "' \\\n"
            + "  -H 'Idempotency-Key: " + UUID.randomUUID() + "' -H 'Content-Type: application/json' \\\n"
            + "  -d '{\"campaignId\":\"" + PAID_CAMPAIGN + "\",\"skuId\":\"" + PAID_SKU + "\"}'\n\n"
            + "then have the simulated provider pay it (mode ON_TIME, TWICE, LATE or NEVER):\n\n"
            + "curl -s -X POST " + pay.payUrl() + " -H 'Content-Type: application/json' \\\n"
            + "  -d '{\"provider\":\"" + PAY_PROVIDER + "\",\"orderId\":\"<orderId>\",\"amount\":" + PAID_PRICE
            + ",\"currency\":\"CNY\",\"mode\":\"ON_TIME\",\"notifyUrl\":\"http://" + h + ":" + port
            + "/v1/payments/notify\"}'\n";
    }

    static String banner(Gateway gateway, Configuration config, int port, boolean created, SimulatedSupplier sim) {
        StringBuilder b = new StringBuilder();
        b.append("\n==== Surge demo ====\n");
        b.append(created ? "Created campaign 'demo'" : "Campaign 'demo' already exists in ").append(created ? "" : config.dataDir().toString())
            .append(": SKUs video-month, music-month (").append(CODES_PER_SKU)
            .append(" card codes each), video-music-pack (bundle), vip-recharge (direct recharge, delivered to the simulated supplier).\n");
        b.append("Simulated supplier: ").append(sim.url(PRIMARY)).append(" and ").append(sim.url(BACKUP))
            .append("; counts at http://").append(config.host()).append(':').append(sim.port()).append("/_sim/stats\n");
        b.append("Admin token: ").append(config.adminToken()).append('\n');
        b.append("Claim as a fresh user (GRANTED while stock lasts; one per user):\n\n");
        b.append(curl(gateway, config.host(), port)).append("\n\n");
        b.append("Campaign counters:  curl -s -H 'Authorization: Bearer ").append(config.adminToken())
            .append("' http://").append(config.host()).append(':').append(port).append("/admin/campaigns/demo\n");
        b.append("Dashboard:          http://").append(config.host()).append(':').append(port).append("/dashboard\n");
        return b.toString();
    }
}
