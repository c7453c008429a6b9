package dev.surge.gateway.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.gateway.TestGateway;
import dev.surge.gateway.dashboard.DashboardAgent;
import dev.surge.testkit.EventStream;
import dev.surge.testkit.JsonTree;
import dev.surge.testkit.NoLeakedThreads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard at the scale of a real evening, 50 campaigns of 10 SKUs: however many pages are
 * open, the engine answers one counters query per frame and nothing else; every viewer gets the
 * same bytes; a frame and the history stay small; viewers are bounded.
 */
@ExtendWith(NoLeakedThreads.class)
class DashboardScaleIT {
    private static final int CAMPAIGNS = 50;
    private static final int SKUS = 10;
    private static final int VIEWERS = 3;
    private static final int FRAMES = 5;

    @Test
    void fiftyCampaignsOfTenSkusCostOneQueryPerFrameWhateverTheViewers() throws IOException {
        try (TestGateway t = TestGateway.start()) {
            for (int c = 0; c < CAMPAIGNS; c++) {
                StringBuilder skus = new StringBuilder();
                for (int s = 0; s < SKUS; s++) {
                    skus.append(s == 0 ? "" : ",").append("{\"id\":\"sku-").append(s)
                        .append("\",\"kind\":\"DIRECT_RECHARGE\",\"stock\":100000,\"suppliers\":[\"primary\"]}");
                }
                TestGateway.Res r = t.admin("PUT", "/admin/campaigns/" + id(c),
                    "{\"name\":\"Campaign " + c + "\",\"perUserLimit\":1,\"skus\":[" + skus + "]}");
                assertEquals(200, r.status(), r.body());
            }
            String cookie = t.dashboardLogin();
            DashboardAgent agent = t.gateway.dashboard();
            List<EventStream> viewers = new ArrayList<>();
            try {
                for (int v = 0; v < VIEWERS; v++) {
                    EventStream feed = new EventStream(t.port, "/dashboard/feed", cookie);
                    assertEquals(200, feed.status);
                    viewers.add(feed);
                    DashboardIT.until(feed, f -> ((List<?>) f.get("campaigns")).size() == CAMPAIGNS);
                }
                long published = t.gateway.engine().published();
                long queries = agent.queries();
                List<Map<Long, String>> seen = new ArrayList<>();
                for (EventStream feed : viewers) {
                    Map<Long, String> frames = new HashMap<>();
                    for (int i = 0; i < FRAMES; i++) {
                        String data = feed.next("frame").data();
                        frames.put((Long) JsonTree.object(data).get("at"), data);
                    }
                    seen.add(frames);
                }
                long queried = agent.queries() - queries;
                long ring = t.gateway.engine().published() - published;
                // the viewers read their frames one after the other, so this spans up to 2 x FRAMES seconds
                assertTrue(queried >= 1 && queried <= 2 * FRAMES + 2,
                    "one query a second for all " + VIEWERS + " viewers, not one each: " + queried);
                assertTrue(Math.abs(ring - queried) <= 1,
                    "the feed puts nothing but its counters query into the ring: " + ring + " vs " + queried);

                int shared = 0;
                for (Map.Entry<Long, String> e : seen.get(0).entrySet()) {
                    for (int v = 1; v < VIEWERS; v++) {
                        String other = seen.get(v).get(e.getKey());
                        if (other != null) {
                            assertEquals(e.getValue(), other, "the same frame, rendered once, goes to every viewer");
                            shared++;
                        }
                    }
                }
                assertTrue(shared > 0, "the viewers saw common frames");

                int frameBytes = agent.lastFrameBytes();
                System.out.println("dashboard frame for " + CAMPAIGNS + " x " + SKUS + ": " + frameBytes + " bytes");
                assertTrue(frameBytes < 256 * 1024, "a frame stays small: " + frameBytes + " bytes");

                TestGateway.Res all = t.send("GET", "/dashboard/history", null, "Cookie", cookie);
                Map<?, ?> series = (Map<?, ?>) all.at("series");
                assertEquals(6 + CAMPAIGNS, series.size(), "totals and campaigns, no SKU unless asked: " + series.keySet());
                TestGateway.Res one = t.send("GET", "/dashboard/history?campaign=" + id(7), null, "Cookie", cookie);
                assertEquals(6 + CAMPAIGNS + SKUS, ((Map<?, ?>) one.at("series")).size());
                System.out.println("history: " + all.body().length() + " bytes, with one campaign's SKUs "
                    + one.body().length());
                assertTrue(one.body().length() < 1024 * 1024, "history stays small: " + one.body().length());

                // for the record, not asserted: what the frame's query costs, as GET /admin/campaigns
                // (the same query through the ring, and the same JSON) seen from a client
                long[] nanos = new long[21];
                for (int i = 0; i < nanos.length; i++) {
                    long start = System.nanoTime();
                    assertEquals(200, t.admin("GET", "/admin/campaigns", null).status());
                    nanos[i] = System.nanoTime() - start;
                }
                java.util.Arrays.sort(nanos);
                System.out.println("GET /admin/campaigns for " + CAMPAIGNS + " x " + SKUS + ": median "
                    + nanos[nanos.length / 2] / 1000 + " us over loopback");
            } finally {
                for (EventStream feed : viewers) {
                    feed.close();
                }
            }
        }
    }

    @Test
    void viewersAreBounded() throws IOException {
        try (TestGateway t = TestGateway.start()) {
            String cookie = t.dashboardLogin();
            List<EventStream> open = new ArrayList<>();
            try {
                for (int i = 0; i < DashboardAgent.MAX_VIEWERS; i++) {
                    EventStream feed = new EventStream(t.port, "/dashboard/feed", cookie);
                    assertEquals(200, feed.status);
                    open.add(feed);
                }
                try (EventStream one = new EventStream(t.port, "/dashboard/feed", cookie)) {
                    assertEquals(503, one.status, one.body);
                    assertTrue(one.body.contains("OVERLOADED"), one.body);
                }
            } finally {
                for (EventStream feed : open) {
                    feed.close();
                }
            }
        }
    }

    private static String id(int c) {
        return String.format("c%02d", c);
    }
}
