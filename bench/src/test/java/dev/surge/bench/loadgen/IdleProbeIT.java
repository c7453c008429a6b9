package dev.surge.bench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.bench.BenchKeys;
import dev.surge.testkit.SurgeProcess;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle probe against a real server (child JVM): its claims are real (the campaign set up as
 * the bench sets it up, answered 200) and the server's CPU over the window is read. No timing is
 * asserted.
 */
class IdleProbeIT {
    @TempDir
    Path dir;

    @Test
    void measuresAnIdleServerAndClaimsAfterIt() throws Exception {
        try (SurgeProcess server = BenchServer.start("process", "256m", "", Files.createDirectories(dir.resolve("data")),
            dir.resolve("server.log"), List.of())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port);
            BenchCampaign.create(address, BenchKeys.ADMIN_TOKEN, 10, 100);
            String bearer = BearerTokens.mint(BenchKeys.USER_TOKEN_SECRET, 1).bearer(0);

            IdleProbe.Result r = IdleProbe.run(server.process.pid(), address, bearer, BenchKeys.ADMIN_TOKEN, 0.5, 0.2,
                2);

            assertEquals(200, r.firstStatus());
            assertTrue(r.idleCpuPercent() >= 0, "CPU of the server's process is readable: " + r);
            assertTrue(r.firstClaimUs() > 0 && r.nextClaimUs() > 0 && r.newConnectionClaimUs() > r.connectUs(), r.toString());
            assertEquals(2, r.againClaimUs().length);
            assertTrue(r.againClaimUs()[0] > 0 && r.againClaimUs()[1] > 0, r.toString());
            String json = r.json("process", 0);
            assertTrue(json.contains("\"firstStatus\": 200"), json);
            assertTrue(json.contains("\"againSeconds\": 0.2, \"againClaimUs\": ["), json);
            assertTrue(r.firstServerUs() > 0 && r.againServerUs()[0] > 0 && r.againServerUs()[1] > 0,
                "each first claim is found on the server's clock: " + json);
            assertEquals(2, r.floorUs().length);
            assertTrue(r.floorUs()[0] > 0 && r.floorUs()[1] > 0, json);
        }
    }
}
