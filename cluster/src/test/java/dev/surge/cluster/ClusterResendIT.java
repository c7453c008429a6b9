package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.CampaignStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command without an Idempotency-Key (a stock adjustment) whose answer the client never saw is
 * sent again after the leader's death, and again after a restart of every member from a snapshot:
 * each time it is answered with its first answer, and the stock changed once.
 */
class ClusterResendIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long CLIENT = 0x5eed_5eedL;

    @Test
    void aStockAdjustmentSentAgainIsAppliedOnce(@TempDir Path dir) {
        try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3);
             RawIngress raw = new RawIngress(cluster.members, dir.resolve("raw"))) {
            cluster.awaitLeader(WAIT);
            ClusterCalls admin = new ClusterCalls(cluster.client("admin"));
            CampaignSpec spec = EngineDriver.campaign("topup", 1);
            EngineDriver.sku(spec, "credit", SkuKind.DIRECT_RECHARGE).stock = 2;
            spec.skus.get(0).suppliers.add("nobody"); // never configured: deliveries wait, nothing is sent
            assertEquals(ResultCode.OK, admin.upsert(spec).view().result);
            assertEquals(ResultCode.OK, admin.status("topup", CampaignStatus.ACTIVE).view().result);

            // +1 unit, as client CLIENT's command 1; its answer is never read
            CommandSlot slot = new CommandSlot();
            new CommandWriter().adjustStock(slot, 0, "topup", "credit", 1);
            UnsafeBuffer message = new UnsafeBuffer(new byte[ClusterWire.COMMAND_OFFSET + slot.commandLength]);
            int length = ClusterWire.writeCommand(message, CLIENT, 1, slot.type, slot.command, slot.commandLength);
            long before = cluster.awaitSameState(1, WAIT).lastSequence();
            raw.offer(message, length);
            cluster.awaitSameState(before + 1, WAIT); // decided everywhere: only the answer is missing

            int leader = cluster.awaitLeader(WAIT);
            cluster.kill(leader);
            int next = cluster.awaitLeader(WAIT);
            raw.connect();
            byte[] first = raw.call(message, length); // sent again, to the new leader
            assertEquals(ResultCode.OK, ClusterWire.result(new UnsafeBuffer(first), 0));
            assertEquals(1, ClusterWire.correlationId(new UnsafeBuffer(first), 0));
            assertEquals(1, cluster.probe(next).resends(), "answered from the window, not decided again");
            assertEquals(before + 1, cluster.probe(next).lastSequence(), "no second STOCK_ADJUSTED");

            cluster.start(leader);
            cluster.awaitSameState(before + 1, WAIT);
            cluster.snapshot(WAIT);
            cluster.killAll();
            cluster.startAll();
            cluster.awaitLeader(WAIT);
            raw.connect();
            assertArrayEquals(first, raw.call(message, length), "the first answer, from the snapshot's window");

            // 2 + 1 units: three users get one, the fourth finds none
            List<String> users = List.of("a", "b", "c", "d");
            int granted = 0;
            for (String user : users) {
                ResultCode r = ClusterCalls.await(admin.claimAsync(user, "k-" + user, "topup", "credit", "acct-" + user))
                    .view().result;
                assertTrue(r == ResultCode.GRANTED || r == ResultCode.SOLD_OUT, user + ": " + r);
                granted += r == ResultCode.GRANTED ? 1 : 0;
            }
            assertEquals(3, granted, "the stock was adjusted once");
            NodeState state = cluster.awaitSameState(1, WAIT);
            for (int id = 0; id < cluster.size(); id++) {
                assertEquals(state.keptDigest(), cluster.probe(id).keptDigest(), "member " + id + "'s window");
            }
        }
    }
}
