package dev.surge.gateway.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.cluster.ClusterEngineClient;
import dev.surge.cluster.ClusterMembers;
import dev.surge.cluster.ClusterWire;
import dev.surge.cluster.TestCluster;
import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.reply.ReplyView;
import dev.surge.testkit.NoLeakedThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster engine's refusals, with a client that never finds a member (nothing listens on the
 * member's ports): commands wait for a session, and beyond the limit publishing refuses (503
 * OVERLOADED); a command longer than a cluster message is answered at once and never sent; after
 * {@link ClusterEngine#SESSIONLESS_LIMIT} without a session, and once closed, it takes nothing
 * (503 UNAVAILABLE) and what waited is answered UNAVAILABLE.
 */
@ExtendWith(NoLeakedThreads.class)
class ClusterEngineIT {
    /** A call that keeps what its answer said. */
    private static final class Recorded implements RingCall {
        record Reply(ResultCode result, boolean journaled, Object answer, String thread) {
        }

        final CompletableFuture<Reply> reply = new CompletableFuture<>();
        private final BiConsumer<Publisher, CommandSlot> writer;

        Recorded(BiConsumer<Publisher, CommandSlot> writer) {
            this.writer = writer;
        }

        @Override
        public void writeCommand(Publisher publisher, CommandSlot slot) {
            writer.accept(publisher, slot);
        }

        @Override
        public void onReply(CommandSlot slot, ReplyView view) {
            reply.complete(new Reply(slot.result, slot.journaled, slot.answer, Thread.currentThread().getName()));
        }
    }

    @Test
    void waitsRefusesBeyondItsLimitAndAnswersUnavailableOnceClosed(@TempDir Path dir) throws Exception {
        String nobody = TestCluster.freeMembers(1);
        ClusterEngineClient client = new ClusterEngineClient(ClusterEngineClient.Settings.of(
            ClusterMembers.parse(nobody), "127.0.0.1", dir.resolve("aeron")));
        ClusterEngine engine = new ClusterEngine(client, 2, nobody, SystemEpochClock.INSTANCE);
        Recorded a = new Recorded((p, slot) -> p.writer.queryCampaigns(slot, p.now(), ""));
        Recorded b = new Recorded((p, slot) -> p.writer.queryPartners(slot, p.now()));
        try {
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < ClusterWire.MAX_COMMAND / 40; i++) {
                codes.add(String.format("CODE-%06d-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", i));
            }
            Recorded big = new Recorded((p, slot) -> p.writer.loadCodes(slot, p.now(), "c", "card", codes));
            assertTrue(engine.publish(big));
            Recorded.Reply tooLarge = big.reply.get(1, TimeUnit.SECONDS);
            assertEquals(ResultCode.UNAVAILABLE, tooLarge.result());
            assertEquals(NoAnswer.Reason.COMMAND_TOO_LARGE, ((NoAnswer) tooLarge.answer()).reason(), tooLarge.toString());
            assertEquals(0, client.inFlight(), "never sent");

            assertTrue(engine.publish(a));
            assertTrue(engine.publish(b));
            assertFalse(engine.publish(new Recorded((p, slot) -> p.writer.queryBlocklist(slot, p.now()))),
                "a third command beyond the limit of 2 in flight: 503 OVERLOADED");
            assertEquals(2, client.inFlight());
            assertFalse(a.reply.isDone(), "a command waits for a session");
            assertFalse(engine.halted(), "a while without a session: commands still queue");
            assertTrue(engine.unavailableReason().contains("no session with the cluster (" + nobody + ")"),
                engine.unavailableReason());

            long deadline = System.nanoTime() + ClusterEngine.SESSIONLESS_LIMIT.toNanos() * 2;
            while (!engine.halted()) {
                assertTrue(System.nanoTime() < deadline, "still taking commands without a session");
                TestCluster.sleep(50);
            }
        } finally {
            engine.close();
        }
        assertTrue(engine.halted());
        assertEquals("the gateway's cluster client is closed", engine.unavailableReason());
        Recorded late = new Recorded((p, slot) -> p.writer.queryCampaigns(slot, p.now(), ""));
        assertTrue(engine.publish(late)); // a caller checks halted() first; one that raced it is answered at once
        // what waited for a session, and what came after the close: UNAVAILABLE, never journaled
        for (Recorded r0 : List.of(a, b, late)) {
            Recorded.Reply r = r0.reply.get(1, TimeUnit.SECONDS);
            assertEquals(ResultCode.UNAVAILABLE, r.result());
            assertFalse(r.journaled());
            assertEquals(NoAnswer.Reason.UNAVAILABLE, ((NoAnswer) r.answer()).reason());
        }
    }
}
