package dev.surge.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.ResultCode;
import dev.surge.engine.command.CommandSlot;
import dev.surge.engine.command.CommandType;
import dev.surge.engine.port.DeliveryPort;
import dev.surge.engine.ring.EngineRing;
import dev.surge.engine.ring.RingMetrics;
import dev.surge.engine.state.CampaignCounters;
import dev.surge.engine.state.StateMachine;
import dev.surge.journal.ChronicleJournal;
import dev.surge.journal.CodeCipher;
import dev.surge.journal.Durability;
import dev.surge.journal.Recovery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claims decided per second through the real ring and Chronicle journal (decide, journal with
 * group commit, reply), at process and at sync durability: {@value #PUBLISHERS} publisher threads
 * saturate the ring with {@code -Dsurge.ringClaims} (default 1,000,000; a fifth of it at sync)
 * claims on the {@link LoadCampaign}, which sells out part way. Publish-to-reply latency is
 * printed too, but at saturation it is mostly time queued in the ring. Prints; asserts only
 * correctness (every claim answered and journaled; recovery equals the live state).
 *
 * <p>{@code mvn -B -ntp -pl engine,journal verify -Dsurge.includeSlow -Dtest=RingJournalThroughputTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false};
 * results in journal/target/surefire-reports/dev.surge.journal.crash.RingJournalThroughputTest-output.txt
 */
@Tag("slow")
class RingJournalThroughputTest {
    private static final int CLAIMS = Integer.getInteger("surge.ringClaims", 1_000_000);
    private static final int PUBLISHERS = 2;
    private static final int CODES_PER_SKU = 200_000;

    @TempDir
    Path data;

    @Test
    void processDurability() throws Exception {
        measure(Durability.PROCESS, CLAIMS);
    }

    @Test
    void syncDurability() throws Exception {
        measure(Durability.SYNC, CLAIMS / 5);
    }

    /** Counts claim replies and keeps each one's publish-to-reply time. Reply thread. */
    private static final class Replies {
        final long[] nanos;
        final AtomicLong count = new AtomicLong();
        long granted;
        long unjournaled;

        Replies(int claims) {
            nanos = new long[claims];
        }

        void onReply(CommandSlot slot) {
            if (LoadCampaign.onReply(slot) || slot.type != CommandType.CLAIM) {
                return;
            }
            long n = count.get();
            nanos[(int) n] = System.nanoTime() - slot.publishedNanos;
            if (!slot.journaled) {
                unjournaled++;
            } else if (slot.result == ResultCode.GRANTED) {
                granted++;
            }
            count.lazySet(n + 1);
        }
    }

    private void measure(Durability durability, int claims) throws Exception {
        CodeCipher cipher = CodeCipher.fromBase64(CodeCipher.newKeyBase64());
        StateMachine machine = new StateMachine(cipher.stateConfig());
        Replies replies = new Replies(claims);
        RingMetrics metrics;
        double seconds;
        try (EngineRing ring = new EngineRing(machine, new ChronicleJournal(data, durability, cipher),
            replies::onReply, DeliveryPort.NONE, 8192, EngineRing.Wait.PARKING).start()) {
            LoadCampaign.create(ring, CODES_PER_SKU);
            long batchesBefore = ring.metrics().batches();
            List<Thread> threads = new ArrayList<>();
            int users = Math.max(1, claims / 2);
            for (int p = 0; p < PUBLISHERS; p++) {
                int share = claims / PUBLISHERS + (p < claims % PUBLISHERS ? 1 : 0);
                threads.add(new Thread(new ClaimPublisher(ring, LoadCampaign.CAMPAIGN, LoadCampaign.CLAIMED_SKUS,
                    LoadCampaign.RECHARGE_SKU, users, share, 7 + p, "p" + p + "-"), "publisher-" + p));
            }
            long started = System.nanoTime();
            threads.forEach(Thread::start);
            while (replies.count.get() < claims) {
                Thread.sleep(1);
            }
            seconds = (System.nanoTime() - started) / 1e9;
            for (Thread t : threads) {
                t.join();
            }
            metrics = ring.metrics();
            System.out.printf("%s durability: %,d claims from %d publishers in %.2f s = %,.0f decisions/s "
                    + "(%,d granted); %,d journal batches, %.1f slots per batch on average, largest %,d%n",
                durability, claims, PUBLISHERS, seconds, claims / seconds, replies.granted,
                metrics.batches() - batchesBefore, (double) claims / Math.max(1, metrics.batches() - batchesBefore),
                metrics.maxBatch());
        }
        long[] sorted = replies.nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s durability: publish-to-reply at saturation (mostly ring queueing): p50 %,d us, "
                + "p99 %,d us, p99.9 %,d us, max %,d us%n", durability, sorted[claims / 2] / 1_000,
            sorted[(int) (claims * 0.99)] / 1_000, sorted[(int) (claims * 0.999)] / 1_000, sorted[claims - 1] / 1_000);

        assertEquals(0, replies.unjournaled, "every reply came after its event was journaled");
        // The ring is closed: its decide thread is done with the machine, which this thread may now read.
        Recovery.Result recovered = new Recovery(data, cipher).run();
        assertEquals(machine.lastSequence(), recovered.machine().lastSequence());
        assertEquals(machine.digest(), recovered.machine().digest(), "recovery equals the live state");
        CampaignCounters c = recovered.machine().campaign(LoadCampaign.CAMPAIGN);
        assertEquals(replies.granted, c.granted());
        assertTrue(c.skus().stream().allMatch(s -> s.stockLeft() >= 0), c.toString());
        System.out.printf("%s durability: %s%n", durability, recovered.report());
    }
}
