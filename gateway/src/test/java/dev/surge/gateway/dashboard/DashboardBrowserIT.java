package dev.surge.gateway.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.surge.engine.event.EventType;
import dev.surge.gateway.TestGateway;
import dev.surge.gateway.delivery.DeliveryBed;
import dev.surge.simulator.SupplierSimulator;
import dev.surge.testkit.NoLeakedThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard end to end in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs), with simulated suppliers in this JVM:
 * an operator logs in, sees a campaign's counters and its supplier's deliveries move while claims
 * come in, pauses it from the page, sees claims come back PAUSED (and the page counting them), adds
 * stock to a SKU from the page, and re-drives the deliveries a supplier failed once it is fixed; a
 * screenshot is saved to {@code target/dashboard-e2e.png}. Without Chromium the test fails under {@code CI=true} and is
 * skipped, loudly, elsewhere.
 */
@ExtendWith(NoLeakedThreads.class)
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("surge.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("surge.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOT = Path.of("target", "dashboard-e2e.png");
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SALE = "spring-vip";
    /** A campaign whose only supplier, {@code partner}, refuses every recharge at first. */
    private static final String PROMO = "partner-promo";

    @BeforeAll
    static void chromiumInstalled() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
            return;
        }
        String why = "headless Chromium not found (" + CHROMIUM + ", " + DRIVER
            + "): apt-get install chromium chromium-driver, as .ci/run does";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        System.err.println("SKIPPING DashboardBrowserIT: " + why);
        Assumptions.abort(why);
    }

    @Test
    void operatorWatchesASalePausesItAddsStockAndRedrives() throws Exception {
        try (SupplierSimulator sim = new SupplierSimulator(DeliveryBed.SECRET, 11);
             SupplierSimulator partner = new SupplierSimulator(DeliveryBed.SECRET, 12);
             TestGateway t = TestGateway.start()) {
            sim.start("127.0.0.1", 0);
            partner.start("127.0.0.1", 0);
            partner.knobs().rejectRate = 1.0; // 422 for every recharge: with no other supplier they end FAILED
            setUpSale(t);
            supplier(t, "primary", sim.url("primary"));
            supplier(t, "backup", sim.url("backup"));
            supplier(t, "partner", partner.url("partner"));
            ok(t.admin("PUT", "/admin/campaigns/" + PROMO, "{\"name\":\"Partner promo\",\"perUserLimit\":1,"
                + "\"skus\":[{\"id\":\"promo\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":10,\"suppliers\":[\"partner\"]}]}"));
            WebDriver browser = chromium(1280);
            Traffic traffic = new Traffic(t);
            try {
                browser.get(t.base + "/dashboard");
                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                wait.ignoring(StaleElementReferenceException.class); // the suppliers table is redrawn every frame
                browser.findElement(By.id("login-token")).sendKeys(TestGateway.ADMIN);
                browser.findElement(By.id("login-submit")).click();
                wait.until(d -> !d.findElements(row(SALE)).isEmpty());
                assertFalse(browser.getCurrentUrl().contains(TestGateway.ADMIN), "the token never goes in a URL");
                assertEquals(t.base + "/dashboard", browser.getCurrentUrl());
                WebElement suppliers = wait.until(d -> d.findElement(By.id("suppliers-panel")));
                wait.until(d -> suppliers.isDisplayed());
                wait.until(d -> text(supplierCell(d, "primary", "breaker")).equals("CLOSED"));
                wait.until(d -> supplierCell(d, "primary", "breaker").findElement(By.cssSelector(".badge.good")));
                assertTrue(text(suppliers).contains("backup") && text(suppliers).contains("partner"), text(suppliers));

                traffic.start();
                long first = wait.until(d -> positive(number(cell(d, SALE, "granted"))));
                wait.until(d -> number(cell(d, SALE, "granted")) > first); // the counter moves while claims come in
                wait.until(d -> !text(cell(d, SALE, "granted-rate")).equals("0.0"));
                // the sale's recharges reach its first supplier, and the page counts them as they land
                long delivered = wait.until(d -> positive(number(supplierCell(d, "primary", "delivered"))));
                wait.until(d -> number(supplierCell(d, "primary", "delivered")) > delivered);
                wait.until(d -> text(cell(d, SALE, "deliveries")).matches("[\\d,]+ / [1-9][\\d,]* / 0"));

                cell(browser, SALE, "actions").findElement(By.cssSelector("button.pause")).click();
                wait.until(d -> text(cell(d, SALE, "status")).equals("PAUSED"));
                assertEquals("PAUSED", t.claim("after-pause", "k", SALE, "video-month").at("result"),
                    "the pause from the page is in force");
                wait.until(d -> traffic.results.getOrDefault("PAUSED", new AtomicLong()).get() > 0);
                // the refusals panel counts them (whatever else was refused on a slow machine before)
                wait.until(d -> !d.findElements(By.cssSelector("#refusals .bar-row[data-name='PAUSED']")).isEmpty());
                assertTrue(cell(browser, SALE, "actions").findElement(By.cssSelector("button.resume")).isDisplayed(),
                    "a paused campaign offers Resume");

                long before = (Long) t.admin("GET", "/admin/campaigns/" + SALE, null).at("skus", 1, "stockLeft");
                cell(browser, SALE, "actions").findElement(By.cssSelector("button.stock-toggle")).click();
                WebElement recharge = wait.until(d -> d.findElement(
                    By.cssSelector("tr[data-detail='" + SALE + "'] tr[data-sku='vip-recharge']")));
                recharge.findElement(By.cssSelector("input.stock-delta")).sendKeys("250");
                recharge.findElement(By.cssSelector("button.stock-add")).click();
                wait.until(d -> number(recharge.findElements(By.tagName("td")).get(3)) == before + 250);
                assertEquals(before + 250, t.admin("GET", "/admin/campaigns/" + SALE, null).at("skus", 1, "stockLeft"),
                    "added through the admin API, so journaled");

                // a supplier refuses the promo's recharges: the page shows them FAILED, at that supplier
                for (int i = 0; i < 3; i++) {
                    assertEquals("GRANTED", t.claim("promo-" + i, "k", "{\"campaignId\":\"" + PROMO
                        + "\",\"skuId\":\"promo\",\"account\":\"1370000" + i + "\"}").at("result"));
                }
                wait.until(d -> number(supplierCell(d, "partner", "failed")) == 3);
                wait.until(d -> text(cell(d, PROMO, "deliveries")).equals("0 / 0 / 3"));
                assertTrue(cell(browser, PROMO, "actions").findElement(By.cssSelector("button.redrive")).isEnabled(),
                    "a campaign with failed deliveries offers Re-drive");
                // fixed (here: the partner's recharges go to a simulator that accepts), then re-driven from its row
                supplier(t, "partner", sim.url("partner"));
                wait.until(d -> {
                    d.findElement(By.cssSelector("#suppliers tr[data-supplier='partner'] button.redrive")).click();
                    return true;
                });
                wait.until(d -> d.findElements(By.cssSelector("#toasts .toast.ok")).stream()
                    .anyMatch(e -> text(e).startsWith("Re-drove 3 failed deliveries for supplier partner")));
                wait.until(d -> text(cell(d, PROMO, "deliveries")).equals("0 / 3 / 0"));
                wait.until(d -> number(supplierCell(d, "partner", "delivered")) == 3);
                assertTrue(t.storage.any(e -> e.type == EventType.DELIVERIES_REDRIVEN && e.supplier().equals("partner")
                    && e.actor().startsWith("dashboard via ")), "the re-drive is journaled, with who asked");
                for (int i = 0; i < 3; i++) {
                    assertEquals(1, sim.applied("1370000" + i), "recharged once, after the re-drive");
                }

                wait.until(d -> text(d.findElement(By.id("link-state"))).equalsIgnoreCase("live"));
                Thread.sleep(1500); // one more frame, so the charts include the last second
                Files.createDirectories(SCREENSHOT.getParent());
                Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(png, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
                assertTrue(Files.size(SCREENSHOT) > 10_000, "a real screenshot");
                assertNoScriptErrors(browser);
            } catch (Exception | AssertionError e) {
                saveFailure(browser);
                throw e;
            } finally {
                traffic.stop();
                browser.quit();
            }
            assertTrue(traffic.results.get("GRANTED").get() > 0, "claims were granted before the pause");
        }
    }

    /**
     * A busy evening for a minute: one sale selling (with repeat tries and redemptions), one sold
     * out, one paused, one not open yet; each shows as such. Recharges go to a simulated supplier
     * with some latency and a few 503s and timeouts, except game-pass's, whose supplier is down (its
     * circuit opens, they wait and some fail). Its screenshot,
     * {@code target/dashboard-docs.png}, is docs/dashboard.png. Slow: run it with
     * {@code mvn -pl gateway -am verify -Dit.test=DashboardBrowserIT -Dsurge.includeSlow}.
     */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void aBusyEveningShowsEachCampaignsState() throws Exception {
        try (SupplierSimulator sim = new SupplierSimulator(DeliveryBed.SECRET, 21);
             SupplierSimulator partner = new SupplierSimulator(DeliveryBed.SECRET, 22);
             TestGateway t = TestGateway.start()) {
            sim.start("127.0.0.1", 0);
            sim.knobs().latencyMs = 40;
            sim.knobs().failRate = 0.03;
            sim.knobs().timeoutRate = 0.004;
            partner.start("127.0.0.1", 0);
            String partnerUrl = partner.url("partner");
            partner.down(); // connections refused from now on
            setUpSale(t);
            supplier(t, "primary", sim.url("primary"));
            supplier(t, "backup", sim.url("backup"));
            supplier(t, "partner", partnerUrl);
            ok(t.admin("PUT", "/admin/campaigns/tea-sampler", "{\"name\":\"Tea sampler bundle (sold out)\","
                + "\"perUserLimit\":1,\"skus\":[{\"id\":\"tea-box\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":60,"
                + "\"suppliers\":[\"primary\"]}]}"));
            ok(t.admin("PUT", "/admin/campaigns/game-pass", "{\"name\":\"Game pass trial\",\"perUserLimit\":1,"
                + "\"skus\":[{\"id\":\"pass-7d\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":800,"
                + "\"suppliers\":[\"partner\"]}]}"));
            // more stock than the e2e test's, so the sale is half sold when the picture is taken
            StringBuilder codes = new StringBuilder();
            for (int i = 600; i < 2000; i++) {
                codes.append("VID-").append(10_000 + i).append('\n');
            }
            ok(t.upload(SALE, "video-month", codes.toString()));
            ok(t.admin("POST", "/admin/campaigns/" + SALE + "/skus/vip-recharge/stock", "{\"delta\":900}"));
            AtomicBoolean running = new AtomicBoolean(true);
            Thread traffic = new Thread(() -> evening(t, running), "dashboard-evening");
            WebDriver browser = chromium(1660);
            try {
                browser.get(t.base + "/dashboard");
                browser.findElement(By.id("login-token")).sendKeys(TestGateway.ADMIN);
                browser.findElement(By.id("login-submit")).click();
                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                wait.until(d -> !d.findElements(row(SALE)).isEmpty());
                traffic.start();
                Thread.sleep(Duration.ofSeconds(60).toMillis());
                wait.until(d -> text(cell(d, "tea-sampler", "stock")).startsWith("0 /"));
                wait.until(d -> text(cell(d, "tea-sampler", "top-refusal")).startsWith("SOLD_OUT"));
                wait.until(d -> text(cell(d, "music-weekend", "status")).equals("PAUSED"));
                wait.until(d -> text(cell(d, "coupon-618", "top-refusal")).startsWith("NOT_STARTED"));
                wait.until(d -> number(cell(d, SALE, "redeemed")) > 0);
                wait.until(d -> !d.findElements(By.cssSelector("#suppliers tr[data-supplier='partner'] .badge.bad"))
                    .isEmpty()); // its circuit is open
                cell(browser, SALE, "actions").findElement(By.cssSelector("button.stock-toggle")).click();
                Thread.sleep(3000); // the SKU history arrives, and a frame or two more
                Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(png, Path.of("target", "dashboard-docs.png"), StandardCopyOption.REPLACE_EXISTING);
                assertNoScriptErrors(browser);
            } finally {
                running.set(false);
                traffic.join(10_000);
                browser.quit();
            }
        }
    }

    /** An evening's claims until stopped (at most three minutes): see {@link #aBusyEveningShowsEachCampaignsState}. */
    private static void evening(TestGateway t, AtomicBoolean running) {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int i = 0; running.get() && System.nanoTime() < end; i++) {
            String fan = "fan-" + i;
            TestGateway.Res r = t.claim(fan, "k", "{\"campaignId\":\"" + SALE + "\",\"skuId\":\""
                + (i % 3 == 0 ? "vip-recharge" : "video-month") + "\",\"account\":\"1380000" + i + "\"}");
            if (i % 5 == 0 && i % 3 != 0 && "GRANTED".equals(r.at("result"))) {
                t.redeem(t.token(fan), "r" + i, "{\"grantId\":\"" + r.at("grantId") + "\"}");
            }
            if (i % 7 == 0) {
                t.claim("fan-" + (i / 2), "again" + i, "{\"campaignId\":\"" + SALE
                    + "\",\"skuId\":\"video-month\"}"); // a second try: LIMIT_REACHED
            }
            if (i % 2 == 0) {
                t.claim("tea-" + i, "k", "{\"campaignId\":\"tea-sampler\",\"skuId\":\"tea-box\","
                    + "\"account\":\"1370000" + i + "\"}");
            }
            if (i % 3 == 1) {
                t.claim("gamer-" + i, "k", "{\"campaignId\":\"game-pass\",\"skuId\":\"pass-7d\","
                    + "\"account\":\"1360000" + i + "\"}");
            }
            if (i % 11 == 0) {
                t.claim("early-" + i, "k", "{\"campaignId\":\"coupon-618\",\"skuId\":\"coupon-50\","
                    + "\"account\":\"1350000" + i + "\"}");
            }
            if (i == 300) {
                t.admin("POST", "/admin/campaigns/music-weekend/pause", null);
            }
            if (i % 9 == 0) {
                t.claim("music-" + i, "k", "{\"campaignId\":\"music-weekend\",\"skuId\":\"music-month\","
                    + "\"account\":\"1340000" + i + "\"}");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A sale like the demo's, and two neighbours so the page looks like a real evening. */
    private static void setUpSale(TestGateway t) {
        String spec = "{\"name\":\"Spring VIP flash sale\",\"perUserLimit\":1,\"skus\":["
            + "{\"id\":\"video-month\",\"kind\":\"CODE\"},"
            + "{\"id\":\"vip-recharge\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":300,\"suppliers\":[\"primary\",\"backup\"]}]}";
        ok(t.admin("PUT", "/admin/campaigns/" + SALE, spec));
        StringBuilder codes = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            codes.append("VID-").append(10_000 + i).append('\n');
        }
        ok(t.upload(SALE, "video-month", codes.toString()));
        ok(t.admin("PUT", "/admin/campaigns/music-weekend", "{\"name\":\"Music weekend\",\"perUserLimit\":1,"
            + "\"skus\":[{\"id\":\"music-month\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":120,\"suppliers\":[\"primary\"]}]}"));
        ok(t.admin("PUT", "/admin/campaigns/coupon-618", "{\"name\":\"618 coupons (opens later)\","
            + "\"startsAt\":\"2099-06-18T20:00:00+08:00\",\"perUserLimit\":1,"
            + "\"skus\":[{\"id\":\"coupon-50\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":5000,\"suppliers\":[\"primary\"]}]}"));
    }

    /** Points a supplier id at a simulator's URL. */
    private static void supplier(TestGateway t, String id, String url) {
        ok(t.admin("PUT", "/admin/suppliers/" + id, "{\"url\":\"" + url + "\",\"secret\":\"" + DeliveryBed.SECRET
            + "\",\"timeoutMs\":1000,\"maxConcurrency\":8}"));
    }

    private static void ok(TestGateway.Res r) {
        if (r.status() != 200) {
            throw new AssertionError(r.body());
        }
    }

    private static WebDriver chromium(int height) {
        // The driver and browser are named, so Selenium Manager never runs (it would download).
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1440," + height, "--force-device-scale-factor=1", "--lang=en-US",
            // nothing in the background: no update checks, sync, safe-browsing or metrics calls out
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-pings",
            "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-default-browser-check",
            "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** What the page showed when the test failed, for whoever reads the report. */
    private static void saveFailure(WebDriver browser) {
        try {
            Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(png, Path.of("target", "dashboard-e2e-failure.png"), StandardCopyOption.REPLACE_EXISTING);
            System.err.println("dashboard at the failure: target/dashboard-e2e-failure.png; console: "
                + browser.manage().logs().get(LogType.BROWSER).getAll());
        } catch (RuntimeException | IOException e) {
            System.err.println("no failure screenshot: " + e);
        }
    }

    /** Script errors, blocked resources and CSP violations all land in the console as SEVERE. */
    private static void assertNoScriptErrors(WebDriver browser) {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(severe.isEmpty(), "console errors: " + severe);
    }

    private static By row(String campaign) {
        return By.cssSelector("tr.campaign[data-campaign='" + campaign + "']");
    }

    /** A cell of the Suppliers panel: the supplier's row, the column of that field. */
    private static WebElement supplierCell(WebDriver d, String supplier, String field) {
        return d.findElement(By.cssSelector("#suppliers tr[data-supplier='" + supplier + "'] td[data-field='" + field + "']"));
    }

    private static WebElement cell(WebDriver d, String campaign, String className) {
        return d.findElement(By.cssSelector("tr.campaign[data-campaign='" + campaign + "'] ." + className));
    }

    private static String text(WebElement e) {
        return e.getText().trim();
    }

    /** A counter as the page shows it ("1,234"); -1 while it shows none. */
    private static long number(WebElement e) {
        String s = text(e).replace(",", "");
        return s.matches("\\d+") ? Long.parseLong(s) : -1;
    }

    /** For waits: the value once it is above zero, else null (keep waiting). */
    private static Long positive(long v) {
        return v > 0 ? v : null;
    }

    /**
     * Claims while the test watches: new users on the sale's two SKUs, and on the music
     * campaign some users twice (LIMIT_REACHED), a few a second, bounded in count and time.
     */
    private static final class Traffic implements Runnable {
        private static final int MAX_CLAIMS = 2000;
        private final TestGateway t;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final ConcurrentMap<String, AtomicLong> results = new ConcurrentHashMap<>();

        Traffic(TestGateway t) {
            this.t = t;
            this.thread = new Thread(this, "dashboard-traffic");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            for (int i = 0; i < MAX_CLAIMS && running.get() && System.nanoTime() < deadline; i++) {
                try {
                    String sku = i % 3 == 0 ? "vip-recharge" : "video-month";
                    String body = "{\"campaignId\":\"" + SALE + "\",\"skuId\":\"" + sku + "\",\"account\":\"1380000" + i + "\"}";
                    record(t.claim("fan-" + i, "k", body).at("result"));
                    if (i % 4 == 0) {
                        record(t.claim("music-" + (i / 8), "k" + i, "{\"campaignId\":\"music-weekend\","
                            + "\"skuId\":\"music-month\",\"account\":\"1390000" + i + "\"}").at("result"));
                    }
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (running.get()) {
                        throw e;
                    }
                }
            }
        }

        private void record(Object result) {
            results.computeIfAbsent(String.valueOf(result), k -> new AtomicLong()).incrementAndGet();
        }

        void stop() throws InterruptedException, IOException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
